"""Podium's exceptions.

The library raises these and never exits; the CLI and web layers turn them
into messages and exit codes::

    PodiumError
     ├─ InputError          missing / undecodable file, no usable stream (.path)
     ├─ ParameterError      bad option; the message shows the value
     ├─ ModelNotFound       model absent offline; the message names how to install it
     ├─ MissingDependency   optional extra not installed; names the extra
     └─ StageError          a stage failed on this recording (.stage, cause kept)
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "InputError",
    "MissingDependency",
    "ModelNotFound",
    "ParameterError",
    "PodiumError",
    "StageError",
]


class PodiumError(Exception):
    """Base class of every error Podium raises on purpose."""


class InputError(PodiumError):
    """The recording cannot be used: missing, unreadable, undecodable, too long."""

    def __init__(self, message: str, path: str | Path | None = None) -> None:
        super().__init__(message)
        self.path = None if path is None else str(path)


class ParameterError(PodiumError, ValueError):
    """An option has a value Podium cannot use; the message shows the value."""


class ModelNotFound(PodiumError):
    """A speech or face model is not available offline."""


class MissingDependency(PodiumError, ImportError):
    """An optional extra is not installed; the message names it."""


class StageError(PodiumError):
    """A pipeline stage failed on this recording; the cause is chained."""

    def __init__(self, stage: str, message: str) -> None:
        super().__init__(f"{stage}: {message}")
        self.stage = stage
