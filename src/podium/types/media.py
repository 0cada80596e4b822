"""Decoded media: what the file holds, its audio, and spans of time."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

__all__ = ["Audio", "MediaInfo", "Recording", "Span"]


@dataclass(frozen=True)
class MediaInfo:
    """What the container holds, read without decoding it.

    Attributes:
        path: the file as given.
        sha256: hex digest of the file's bytes.
        duration_s: container duration in seconds (longest stream).
        has_audio, has_video: whether a decodable stream of that kind exists.
        width, height: display size of the video (after rotation), else ``None``.
        fps: average video frame rate, else ``None``.
        rotation: degrees the video must be turned to display upright (0, 90, 180, 270).
        audio_codec, video_codec: codec names, else ``None``.
        container: the demuxer's name (``mov,mp4,m4a,3gp,3g2,mj2``, ``wav`` ...).
    """

    path: str
    sha256: str
    duration_s: float
    has_audio: bool
    has_video: bool
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    rotation: int = 0
    audio_codec: str | None = None
    video_codec: str | None = None
    container: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, eq=False)
class Audio:
    """Decoded mono audio.

    Attributes:
        samples: float32 samples in [-1, 1], shape ``(n,)``.
        sr: sample rate in Hz (16000 after ``media.load``).
    """

    samples: np.ndarray
    sr: int = 16000

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sr


@dataclass(frozen=True, eq=False)
class Recording:
    """A loaded recording: metadata plus decoded audio (``None`` when there is none)."""

    info: MediaInfo
    audio: Audio | None


@dataclass(frozen=True)
class Span:
    """A time range in seconds."""

    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start
