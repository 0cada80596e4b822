"""When a face is seen too little to score: shared by the eye-contact, expression and framing dimensions."""

from __future__ import annotations

from ..config import Coverage
from ..types import Face

__all__ = ["UNSCORED_TIP", "basis", "unscored_reason"]

UNSCORED_TIP = "Face the camera, head and shoulders in the frame, so the face can be read."


def basis(face: Face) -> str:
    return f"face visible in {face.present_ratio:.0%} of {face.samples} samples ({face.sample_fps:g} a second)"


def unscored_reason(face: Face, cov: Coverage) -> str | None:
    """Why the face dimensions cannot be scored (skipped, seen too little of the time or too briefly), else None."""
    visible_s = face.present_ratio * face.samples / face.sample_fps
    if face.skipped_reason:
        return face.skipped_reason
    if face.present_ratio < cov.face_min_present_ratio:
        return f"the face is visible in only {face.present_ratio:.0%} of the video"
    if visible_s < cov.face_min_visible_s:
        return (
            f"the face is visible for only {visible_s:.0f} s "
            f"(at least {cov.face_min_visible_s:g} s are needed to score it)"
        )
    return None
