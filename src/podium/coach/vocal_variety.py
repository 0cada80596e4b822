"""Vocal variety: pitch spread in semitones around the speaker's median, monotone stretches, loudness."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..config import DimensionSection
from ..types import Score
from .base import Dimension, Evidence, Moments, clamp, clock, short_of_aim

__all__ = ["VOCAL_VARIETY", "VocalVarietyThresholds"]

TIPS = {
    "monotone": (
        "vary your pitch: go up for questions and new ideas, down for conclusions.",
        "stress one key word per sentence; your voice will follow.",
    ),
    "quiet": (
        "project here: speak to the back row.",
        "keep your volume up to the end of each sentence.",
    ),
}


@dataclass(frozen=True)
class VocalVarietyThresholds(DimensionSection):
    good_st: float
    flat_st: float
    monotone_penalty_per_10pct: float
    flat_loudness_db: float

    def problems(self) -> Iterator[tuple[str, str]]:
        if not self.flat_st < self.good_st:
            yield "flat_st", f"must be below good_st = {self.good_st!r}"


def _assess(ev: Evidence, th: VocalVarietyThresholds, moments: Moments) -> Score:
    assert ev.voice is not None
    voice = ev.voice
    good, flat = th.good_st, th.flat_st
    target = f"pitch spread of {good:g}+ semitones (human readers measure 4.7-5.8 in Praat)"
    for s in voice.pitch.monotone_spans:
        evidence = f"flat pitch from {clock(s.start)} to {clock(s.end)}"
        moments.add(s.start, s.end, "monotone", "vocal_variety", "minor", evidence, tips=TIPS["monotone"])
    for s in voice.loudness.quiet_spans:
        evidence = f"voice drops well below your usual level from {clock(s.start)} to {clock(s.end)}"
        moments.add(s.start, s.end, "quiet", "vocal_variety", "minor", evidence, tips=TIPS["quiet"])
    p = voice.pitch
    voiced_s = p.voiced_ratio * voice.speaking_time_s
    if not ev.enough or p.variation_st is None or voiced_s < ev.config.coverage.min_voiced_s:
        reason = ev.short if not ev.enough else f"only {voiced_s:.1f} s of voiced speech to measure pitch on"
        why = "Record a longer stretch to score vocal variety."
        return Score("vocal_variety", None, "", "–", target, ev.basis, why, reason)
    st = p.variation_st
    score = 20 + 80 * min(1.0, max(0.0, (st - flat) / (good - flat)))
    mono = sum(s.end - s.start for s in p.monotone_spans) / max(voice.speaking_time_s, 1e-6)
    score -= th.monotone_penalty_per_10pct * (100 * min(mono, 1.0) / 10)
    ld = voice.loudness.variation_db
    flat_loud = ld is not None and ld < th.flat_loudness_db
    value = f"pitch spread {st:.1f} st, loudness spread {ld if ld is not None else 0:.1f} dB" + (
        f", {mono:.0%} monotone" if mono else ""
    )
    if st < good:
        score = short_of_aim(score, ev)
        tip = "Let your pitch move: rise on questions and new ideas, fall on conclusions; stress one word per sentence."
    elif flat_loud:
        tip = "Your pitch moves well; vary your volume too: softer to draw listeners in, louder for the key point."
    else:
        tip = "Your voice has life in it; keep using it to mark what matters."
    return Score("vocal_variety", clamp(score), "", value, target, ev.basis, tip)


VOCAL_VARIETY = Dimension("vocal_variety", "Vocal variety", "speech", VocalVarietyThresholds, _assess)
