"""Eye contact: the share of the visible time the speaker looks into the camera (approximate with a webcam)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..config import DimensionSection
from ..types import Score
from . import face_gate
from .base import Dimension, Evidence, Moments, clamp, clock, short_of_aim

__all__ = ["EYE_CONTACT", "EyeContactThresholds"]

TIPS = (
    "look up from your notes: glance down, then deliver the sentence to the camera.",
    "put your notes at eye level, next to the camera.",
)


@dataclass(frozen=True)
class EyeContactThresholds(DimensionSection):
    good_ratio: float
    poor_ratio: float

    def problems(self) -> Iterator[tuple[str, str]]:
        if not self.poor_ratio < self.good_ratio:
            yield "poor_ratio", f"must be below good_ratio = {self.good_ratio!r}"


def _assess(ev: Evidence, th: EyeContactThresholds, moments: Moments) -> Score:
    assert ev.face is not None
    face = ev.face
    for s in face.looking_down:
        severity = "major" if s.end - s.start > 10 else "minor"
        evidence = f"looking down for {s.end - s.start:.0f} s from {clock(s.start)}"
        moments.add(s.start, s.end, "looking_down", "eye_contact", severity, evidence, tips=TIPS)
    basis = face_gate.basis(face)
    why = face_gate.unscored_reason(face, ev.config.coverage)
    if why:
        return Score("eye_contact", None, "", "–", "", basis, face_gate.UNSCORED_TIP, why)
    good, poor = th.good_ratio, th.poor_ratio
    ec = face.eye_contact_ratio or 0.0
    if ec > poor:
        score = 30 + 70 * min(1.0, (ec - poor) / (good - poor))
    else:
        score = 30 * ec / poor if poor else 30.0
    if ec < good:
        score = short_of_aim(score, ev)
    tip = (
        "Look into the lens, not at the screen: the lens is your audience's eyes."
        if ec < good
        else "You hold the camera's gaze; keep returning to it after each glance at your notes."
    )
    value = f"{ec:.0%} of the visible time looking at the camera (webcam gaze is approximate)"
    return Score("eye_contact", clamp(score), "", value, f"{good:.0%}+ of the time (Podium's choice)", basis, tip)


EYE_CONTACT = Dimension("eye_contact", "Eye contact", "face", EyeContactThresholds, _assess)
