"""Pace: words per minute of speaking time against the recommended range, and sustained stretches out of it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..config import DimensionSection
from ..types import Moment, PaceWindow, Score
from .base import Dimension, Evidence, Moments, clamp, clock, short_of_aim

__all__ = ["PACE", "PaceThresholds"]

TIPS = {
    "rushed": (
        "slow down here: add a pause after each key point.",
        "breathe at each full stop; your listeners need time to catch up.",
    ),
    "dragging": (
        "pick up the pace here, or cut what you do not need.",
        "lift your energy here: shorter sentences and fewer pauses.",
    ),
}


@dataclass(frozen=True)
class PaceThresholds(DimensionSection):
    min_wpm: float
    max_wpm: float
    zero_margin_wpm: float
    sustained_s: float

    def problems(self) -> Iterator[tuple[str, str]]:
        if not self.min_wpm < self.max_wpm:
            yield "min_wpm", f"must be below max_wpm = {self.max_wpm!r}"
        if self.zero_margin_wpm <= 0:
            yield "zero_margin_wpm", "must be above 0 (the score falls to 0 over this many wpm out of range)"


def _assess(ev: Evidence, th: PaceThresholds, moments: Moments) -> Score:
    assert ev.voice is not None
    voice = ev.voice
    lo, hi = th.min_wpm, th.max_wpm
    target = f"{lo}-{hi} wpm (PowerPoint Speaker Coach)"
    outside: tuple[tuple[str, Callable[[PaceWindow], bool]], ...] = (
        ("rushed", lambda w: w.wpm > hi),
        ("dragging", lambda w: w.wpm < lo),
    )
    for kind, out in outside:  # sustained stretches out of range
        run: list[PaceWindow] = []
        for w in [*voice.pace_timeline, None]:
            if w is not None and out(w):
                run.append(w)
                continue
            if run and run[-1].end - run[0].start >= th.sustained_s and len(voice.pace_timeline) > 1:
                peak = max(run, key=lambda x: abs(x.wpm - (hi if kind == "rushed" else lo)))
                moments.add(
                    run[0].start,
                    run[-1].end,
                    kind,
                    "pace",
                    "major" if len(run) > 3 else "minor",
                    f"{peak.wpm:.0f} wpm between {clock(run[0].start)} and {clock(run[-1].end)} "
                    f"(recommended {lo}-{hi})",
                    tips=TIPS[kind],
                )
            run = []
    if not ev.enough or voice.wpm is None:
        return Score(
            "pace", None, "", "–", target, ev.basis, "Record a longer stretch of the talk to score pace.", ev.short
        )
    wpm = voice.wpm
    dist = max(0.0, lo - wpm, wpm - hi)
    score = 100 - 100 * dist / th.zero_margin_wpm
    score = clamp(short_of_aim(score, ev) if dist > 0 else score)
    if wpm > hi:
        tip = f"Slow down to under {hi} wpm: pause after each key point and let it land."
    elif wpm < lo:
        tip = f"Speed up to {lo}+ wpm: tighten long sentences and keep pauses for emphasis."
    else:
        tip = "Your pace is in the comfortable range; vary it on purpose to mark what matters."
    return Score("pace", score, "", f"{wpm:.0f} wpm", target, ev.basis, tip)


def _supports(score: Score, moment: Moment) -> bool:
    """A too-fast talk is illustrated by a rushed stretch, a too-slow one by a dragging stretch."""
    if score.tip.startswith("Slow down"):
        return moment.kind == "rushed"
    if score.tip.startswith("Speed up"):
        return moment.kind == "dragging"
    return True


PACE = Dimension("pace", "Pace", "speech", PaceThresholds, _assess, _supports)
