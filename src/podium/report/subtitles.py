"""SubRip (.srt) and WebVTT (.vtt) subtitles from the verbatim words.

Cues follow common subtitle guidance: at most two lines of 42 characters,
at most 6 s on screen, and a new cue after a sentence end or a pause.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..types import Word

__all__ = ["Cue", "cues", "to_srt", "to_vtt"]

MAX_CHARS = 84  # two lines of 42
MAX_S = 6.0
GAP_S = 0.8


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


def cues(words: Sequence[Word]) -> list[Cue]:
    """Group words into subtitle cues."""
    out: list[Cue] = []
    cur: list[Word] = []
    for w in words:
        if cur:
            text = " ".join(x.text for x in [*cur, w])
            if (
                len(text) > MAX_CHARS
                or w.end - cur[0].start > MAX_S
                or w.start - cur[-1].end >= GAP_S
                or re.search(r"[.?!]$", cur[-1].text)
            ):
                out.append(_cue(cur))
                cur = []
        cur.append(w)
    if cur:
        out.append(_cue(cur))
    return out


def _cue(ws: list[Word]) -> Cue:
    text = " ".join(w.text for w in ws)
    if len(text) > MAX_CHARS // 2:  # break into two balanced lines
        best = min(
            range(1, len(ws)), key=lambda k: abs(len(" ".join(w.text for w in ws[:k])) - len(text) / 2), default=0
        )
        if best:
            text = " ".join(w.text for w in ws[:best]) + "\n" + " ".join(w.text for w in ws[best:])
    return Cue(ws[0].start, max(ws[-1].end, ws[0].start + 0.3), text)


def _stamp(t: float, sep: str) -> str:
    ms = int(round(max(t, 0.0) * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def to_srt(words: Sequence[Word]) -> str:
    blocks = [f"{i}\n{_stamp(c.start, ',')} --> {_stamp(c.end, ',')}\n{c.text}\n" for i, c in enumerate(cues(words), 1)]
    return "\n".join(blocks)


def to_vtt(words: Sequence[Word]) -> str:
    blocks = [f"{_stamp(c.start, '.')} --> {_stamp(c.end, '.')}\n{_vtt_escape(c.text)}\n" for c in cues(words)]
    return "WEBVTT\n\n" + "\n".join(blocks)


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("-->", "--&gt;")
