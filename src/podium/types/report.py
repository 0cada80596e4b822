"""Everything Podium found in one recording."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .coach import Feedback
from .face import Face
from .language import Language
from .media import MediaInfo
from .slides import Slides
from .speech import Transcript, Voice

__all__ = ["Report"]


@dataclass(frozen=True)
class Report:
    """Everything Podium found in one recording; ``podium.report`` serialises it.

    Attributes:
        source: the media metadata.
        transcript: ``None`` when there was no audio.
        voice: ``None`` when there was no audio.
        language, feedback: the coach's analysis (``None`` when there was no audio).
        face: the face stage's result (``None`` when the video was not analysed).
        slides: how the talk used its deck (``None`` when no deck was given).
        notes: plain sentences about what was and was not analysed.
        timings: seconds spent per stage.
        options: the options used, as a JSON-able dict.
        created_at: when the analysis finished (ISO 8601, UTC).
        talk: which talk the recording is a take of, as the speaker named it (``None``: not said).
    """

    source: MediaInfo
    transcript: Transcript | None
    voice: Voice | None
    language: Language | None = None
    feedback: Feedback | None = None
    face: Face | None = None
    notes: tuple[str, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    created_at: str = ""
    slides: Slides | None = None
    talk: str | None = None
