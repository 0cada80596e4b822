"""Framing: the face centred and at a good size in the frame, in enough light; moments when it leaves or darkens."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..config import DimensionSection
from ..types import Score
from . import face_gate
from .base import Dimension, Evidence, Moments, clamp, clock

__all__ = ["FRAMING", "FramingThresholds"]

TIPS = {
    "face_lost": (
        "stay in frame: mark your spot, or frame the camera wider.",
        "check your framing before you start; the audience lost your face here.",
    ),
    "too_dark": (
        "add light in front of you (a lamp or a window behind the camera).",
        "turn towards the light; your face is hard to see here.",
    ),
}


_GOOD = "Good framing and light: the audience sees you clearly."
_FIXES = (
    "move towards the middle of the picture",
    # a face small in the frame is often a screen recording's camera thumbnail, which the speaker cannot centre
    "come closer to the camera so that your face fills more of the frame (in a screen recording, make your camera "
    "view larger)",
    "step back from the camera a little, so that your head and shoulders fit in the frame",
    "add light in front of you (a lamp or a window behind the camera)",
)


def _tip(off_centre: bool, small: bool, large: bool, dark: bool) -> str:
    """What to change, only what the measures found wrong, in the order a speaker would fix it (the score loses
    points only for these, so one is wrong wherever it is under 90)."""
    said = "; ".join(f for f, wrong in zip(_FIXES, (off_centre, small, large, dark), strict=True) if wrong)
    return said[0].upper() + said[1:] + "." if said else _GOOD


@dataclass(frozen=True)
class FramingThresholds(DimensionSection):
    centre_tolerance: float
    min_height: float
    max_height: float
    dark_penalty: float

    def problems(self) -> Iterator[tuple[str, str]]:
        if not self.min_height < self.max_height:
            yield "min_height", f"must be below max_height = {self.max_height!r}"


def _assess(ev: Evidence, th: FramingThresholds, moments: Moments) -> Score:
    assert ev.face is not None
    face = ev.face
    for s in face.face_lost:
        evidence = f"no face in the picture for {s.end - s.start:.0f} s from {clock(s.start)}"
        moments.add(s.start, s.end, "face_lost", "framing", "minor", evidence, tips=TIPS["face_lost"])
    for s in face.too_dark:
        evidence = f"face too dark from {clock(s.start)} to {clock(s.end)}"
        moments.add(s.start, s.end, "too_dark", "framing", "minor", evidence, tips=TIPS["too_dark"])
    basis = face_gate.basis(face)
    why = face_gate.unscored_reason(face, ev.config.coverage)
    if why:
        return Score("framing", None, "", "–", "", basis, face_gate.UNSCORED_TIP, why)
    tol, hmin, hmax = th.centre_tolerance, th.min_height, th.max_height
    fr = face.framing
    off = max(abs((fr.centre_x or 0.5) - 0.5), abs((fr.centre_y or 0.5) - 0.5))
    height = fr.face_height or 0.0
    score = 100.0 - 100 * max(0.0, off - tol) - 150 * max(0.0, hmin - height) - 150 * max(0.0, height - hmax)
    dark = bool(face.too_dark)
    score -= th.dark_penalty if dark else 0
    tip = _tip(off > tol, height < hmin, height > hmax, dark) if score < 90 else _GOOD
    return Score(
        "framing",
        clamp(score),
        "",
        f"face centre {off:.0%} off the middle, face {height:.0%} of the frame" + (", too dark" if dark else ""),
        f"centred within {tol:.0%}, face {hmin:.0%}-{hmax:.0%} of the frame (Podium's choice)",
        basis,
        tip,
    )


FRAMING = Dimension("framing", "Framing", "face", FramingThresholds, _assess)
