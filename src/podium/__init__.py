"""Podium: an offline, private speaking coach.

    >>> import podium
    >>> report = podium.analyze("talk.mp4")
    >>> podium.write_report(report, "talk-report/")

Nothing leaves the machine: every model ships inside a Python package.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import InputError, MissingDependency, ModelNotFound, ParameterError, PodiumError, StageError
from .options import AnalysisOptions, MediaOptions, SpeechOptions, VoiceOptions
from .pipeline import analyze
from .report import write as write_report
from .types import Report, Transcript, Voice, Word

__all__ = [
    "AnalysisOptions",
    "InputError",
    "MediaOptions",
    "MissingDependency",
    "ModelNotFound",
    "ParameterError",
    "PodiumError",
    "Report",
    "SpeechOptions",
    "StageError",
    "Transcript",
    "Voice",
    "VoiceOptions",
    "Word",
    "__version__",
    "analyze",
    "write_report",
]
