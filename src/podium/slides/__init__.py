"""The slides stage: how a talk used its deck.

    read_deck(path) -> Deck                      (podium.slides.deck)
    analyze(deck, transcript, ...) -> Slides     which slide when (podium.slides.timing), and per slide
                                                 what was read from it

*Reading from a slide* is counted as PowerPoint Speaker Coach's originality
check describes it: the slide's words said verbatim, here in runs of four or
more words in the slide's order (fillers between them ignored), while that
slide is up (two seconds either side allowed for a late or early click). The
share is of the slide's words so said. Speaker notes are measured the same way
and reported, never penalised: notes are written to be said.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..fillers import is_non_lexical
from ..types import Deck, Reading, Slides, SlideUse, Transcript, Word
from . import timing
from .deck import read_deck, render, thumbnails

__all__ = ["analyze", "read_deck", "render", "thumbnails", "tokens"]

RUN = 4  # words in a row that make a stretch "read"
_SLACK_S = 2.0

_STOP = set(
    """a an and are as at be by for from has have he her his i in is it its of on or our so that the their them
    they this to was we were what when which who will with you your not but if than then there these those do does
    did can""".split()
)


def tokens(text: str) -> list[str]:
    """Lower-case words without punctuation ("Don't," -> "don't"; "well-known" -> "well", "known")."""
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text.lower().replace("\u2019", "'"))


@dataclass(frozen=True)
class _Said:
    tok: str
    word: Word


def _said(transcript: Transcript) -> list[_Said]:
    out: list[_Said] = []
    for w in transcript.words:
        if is_non_lexical(w):
            continue
        out.extend(_Said(t, w) for t in tokens(w.text))
    return out


def analyze(
    deck: Deck,
    transcript: Transcript,
    duration_s: float,
    *,
    times: Sequence[tuple[int, float]] | None = None,
    video: str | os.PathLike[str] | None = None,
    target_s: float | None = None,
    name: str | None = None,
) -> Slides:
    """Which slide was up when, and how each was used.

    Args:
        deck: from :func:`read_deck`.
        transcript: the talk's words.
        duration_s: the recording's length.
        times: ``(slide, start)`` from a timing file (``timing.from_file``), used first when given.
        video: the recording, when it has video (the slides are looked for in it next).
        target_s: the talk's target length.
        name: the deck's name in the result (default: its file name).
    """
    said = _said(transcript)
    slide_tokens = [tokens(s.text) for s in deck.slides]
    source, confidence = "speech", 1.0
    if times is not None:
        source = "file"
    elif video is not None:
        pages = render(deck, 160)
        times = timing.from_video(video, pages) if pages else None
        source = "video"
    if times is None:
        content = [(s.tok, s.word.start) for s in said if s.tok not in _STOP and len(s.tok) > 2]
        words = [{t for t in ts if t not in _STOP and len(t) > 2} for ts in slide_tokens]
        times, confidence = timing.from_speech(content, words, deck)
        source = "speech"
    spans: dict[int, list[tuple[float, float]]] = {}
    for i, (slide, start) in enumerate(times):
        end = times[i + 1][1] if i + 1 < len(times) else duration_s
        if end > start:
            spans.setdefault(slide, []).append((round(start, 2), round(end, 2)))
    uses = []
    for s, toks in zip(deck.slides, slide_tokens, strict=True):
        up = spans.get(s.number, [])
        near = [x for x in said if any(a - _SLACK_S <= x.word.start <= b + _SLACK_S for a, b in up)]
        share, reading = _read(near, toks)
        notes_share = _read(near, tokens(s.notes))[0] if s.notes else None
        uses.append(
            SlideUse(
                s.number,
                s.title,
                up[0][0] if up else None,
                up[0][1] if up else None,
                len(toks),
                share,
                tuple(reading),
                notes_share,
                s.min_font_pt,
                round(sum(b - a for a, b in up), 2),
            )
        )
    return Slides(name or Path(deck.path).name, deck.kind, source, confidence, target_s, tuple(uses))


def _read(said: Sequence[_Said], toks: Sequence[str]) -> tuple[float, list[Reading]]:
    """Share of ``toks`` said verbatim in runs of ``RUN`` or more, and the stretches where they were."""
    if len(toks) < RUN or len(said) < RUN:
        return 0.0, []
    grams: dict[tuple[str, ...], list[int]] = {}
    for i in range(len(toks) - RUN + 1):
        grams.setdefault(tuple(toks[i : i + RUN]), []).append(i)
    covered: set[int] = set()
    hit = [False] * len(said)
    for i in range(len(said) - RUN + 1):
        at = grams.get(tuple(x.tok for x in said[i : i + RUN]))
        if at:
            for j in range(RUN):
                hit[i + j] = True
            for p in at:
                covered.update(range(p, p + RUN))
    reading: list[Reading] = []
    i = 0
    while i < len(said):
        if not hit[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(said) and hit[j + 1]:
            j += 1
        run = said[i : j + 1]
        words = list(dict.fromkeys(x.word for x in run))
        reading.append(
            Reading(round(run[0].word.start, 2), round(run[-1].word.end, 2), len(run), " ".join(w.text for w in words))
        )
        i = j + 1
    return round(len(covered) / len(toks), 3), reading
