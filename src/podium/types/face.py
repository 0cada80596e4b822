"""What the camera saw: the face stage's result."""

from __future__ import annotations

from dataclasses import dataclass, field

from .media import Span

__all__ = ["Face", "FaceSample", "Framing", "HeadPose", "Lighting"]


@dataclass(frozen=True)
class HeadPose:
    """The speaker's usual head pose, in degrees: medians over the samples with a face, and the yaw's spread."""

    yaw_median: float | None = None
    pitch_median: float | None = None
    roll_median: float | None = None
    yaw_spread: float | None = None


@dataclass(frozen=True)
class Framing:
    """Where the face sits: its centre (shares of the frame's width and height) and its height (share of the frame)."""

    centre_x: float | None = None
    centre_y: float | None = None
    face_height: float | None = None


@dataclass(frozen=True)
class Lighting:
    """The face's median mean luma (0-255), contrast (luma standard deviation) and sharpness (Laplacian variance)."""

    brightness: float | None = None
    contrast: float | None = None
    sharpness: float | None = None


@dataclass(frozen=True)
class FaceSample:
    """The main face at one moment (``present=False``: none seen)."""

    t: float
    present: bool
    faces: int = 0
    box: tuple[float, float, float, float] | None = None  # x, y, w, h as shares of the frame
    yaw: float | None = None
    pitch: float | None = None
    roll: float | None = None
    gaze_x: float | None = None  # iris offset from the eye's middle, share of eye width (+: image right)
    eye_contact: bool = False
    eyes_open: bool | None = None
    blink: float | None = None
    smile: float | None = None
    expressive: tuple[float, ...] = ()
    brightness: float | None = None
    contrast: float | None = None
    sharpness: float | None = None
    expression: str | None = None


@dataclass(frozen=True)
class Face:
    """The face block of a report: summaries, a timeline, and spans worth a tip.

    ``skipped_reason`` is ``"no video"`` or ``"no face visible"`` when there is nothing to summarise.
    """

    skipped_reason: str | None
    sample_fps: float
    samples: int = 0
    present_ratio: float = 0.0
    eye_contact_ratio: float | None = None
    smile_ratio: float | None = None
    blink_per_min: float | None = None
    expressiveness: float | None = None
    head_pose: HeadPose = field(default_factory=lambda: HeadPose())
    framing: Framing = field(default_factory=lambda: Framing())
    lighting: Lighting = field(default_factory=lambda: Lighting())
    other_faces_max: int = 0
    timeline: tuple[FaceSample, ...] = ()
    looking_down: tuple[Span, ...] = ()
    face_lost: tuple[Span, ...] = ()
    too_dark: tuple[Span, ...] = ()
    expressions: dict[str, float] = field(default_factory=dict)
