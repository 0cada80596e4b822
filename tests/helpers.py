"""Build transcripts from text for tests that do not need audio."""

from __future__ import annotations

from podium import fillers
from podium.types import Span, Transcript, Word


def make_words(text: str, step: float = 0.3, pause_after: dict[int, float] | None = None) -> list[Word]:
    """One word per token, ``step`` seconds apart; ``pause_after`` adds silence after word index k."""
    out, t = [], 0.0
    for k, tok in enumerate(text.split()):
        out.append(Word(tok, round(t, 2), round(t + step * 0.85, 2), 0.9))
        t += step + (pause_after or {}).get(k, 0.0)
    return out


def make_transcript(text: str, **kw) -> Transcript:
    ws = fillers.mark(make_words(text, **kw))
    return Transcript("en", tuple(ws), (), "fake", (Span(ws[0].start, ws[-1].end),) if ws else ())
