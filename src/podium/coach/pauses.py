"""Pauses: hesitations (mid-phrase or next to a filler) per minute, and long silences wherever they fall."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..config import DimensionSection
from ..types import Score
from .base import Dimension, Evidence, Moments, clamp, clock, plural, short_of_aim

__all__ = ["PAUSES", "PauseThresholds"]

TIPS = {
    "hesitation": (
        "know where this sentence is going before you start it.",
        "rehearse the transition here so that the pause falls between sentences instead.",
    ),
    "long_pause": (
        "a pause this long can lose the room; if it was deliberate, say what you are doing ('let that sink in').",
        "keep pauses to one or two breaths unless you want a dramatic effect.",
    ),
}
_WHERE = {
    "sentence": "after a sentence",
    "phrase": "after a comma",
    "mid": "mid-sentence",
    "filler": "next to a filler",
}


@dataclass(frozen=True)
class PauseThresholds(DimensionSection):
    hesitation_s: float
    long_s: float
    ok_per_min: float
    bad_per_min: float

    def problems(self) -> Iterator[tuple[str, str]]:
        if not self.ok_per_min < self.bad_per_min:
            yield "ok_per_min", f"must be below bad_per_min = {self.bad_per_min!r}"


def _assess(ev: Evidence, th: PauseThresholds, moments: Moments) -> Score:
    assert ev.voice is not None
    voice = ev.voice
    target = f"up to {th.ok_per_min:g} hesitation a minute; pauses at sentence ends are good (Podium's choice)"
    hesitations = [p for p in voice.pauses if p.position in ("mid", "filler") and p.duration >= th.hesitation_s]
    for p in voice.pauses:
        if p.duration >= th.long_s:
            severity = "minor" if p.position == "sentence" else "major"
            evidence = f"{p.duration:.1f} s of silence {_WHERE[p.position]} at {clock(p.start)}"
            moments.add(p.start, p.end, "long_pause", "pauses", severity, evidence, tips=TIPS["long_pause"])
        elif p in hesitations:
            where = "mid-sentence" if p.position == "mid" else "next to a filler"
            evidence = f"{p.duration:.1f} s pause {where} at {clock(p.start)}"
            moments.add(p.start, p.end, "hesitation", "pauses", "minor", evidence, tips=TIPS["hesitation"])
    if not ev.enough:
        why = "Record a longer stretch of the talk to score pauses."
        return Score("pauses", None, "", plural(len(voice.pauses), "pause"), target, ev.basis, why, ev.short)
    rate = len(hesitations) / max(voice.speaking_time_s / 60, 1e-6)
    score = 100.0 if rate <= th.ok_per_min else 100 - 60 * (rate - th.ok_per_min) / (th.bad_per_min - th.ok_per_min)
    score = short_of_aim(score, ev) if rate > th.ok_per_min else score
    at_ends = sum(1 for p in voice.pauses if p.position in ("sentence", "phrase"))
    value = (
        f"{plural(len(hesitations), 'hesitation')} ({rate:.1f}/min), {plural(len(voice.long_pauses), 'long pause')}; "
        f"{at_ends} of {len(voice.pauses)} pauses at sentence or phrase ends"
    )
    tip = (
        "Move your pauses to the ends of sentences: a pause there sounds deliberate, mid-sentence it sounds lost."
        if rate > th.ok_per_min
        else "Your pauses fall where listeners expect them; keep it up."
    )
    return Score("pauses", clamp(score), "", value, target, ev.basis, tip)


PAUSES = Dimension("pauses", "Pauses", "speech", PauseThresholds, _assess)
