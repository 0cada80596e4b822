"""Every coaching dimension, in the order people read them. The one list: everything else derives from it."""

from __future__ import annotations

from typing import Any

from .base import Dimension
from .expression import EXPRESSION
from .eye_contact import EYE_CONTACT
from .fillers import FILLERS
from .framing import FRAMING
from .language import LANGUAGE
from .pace import PACE
from .pauses import PAUSES
from .slides import SLIDES
from .uptalk import UPTALK
from .vocal_variety import VOCAL_VARIETY

__all__ = ["DIMENSIONS", "TITLES", "by_name"]

DIMENSIONS: tuple[Dimension[Any], ...] = (
    PACE,
    FILLERS,
    PAUSES,
    VOCAL_VARIETY,
    UPTALK,
    LANGUAGE,
    EYE_CONTACT,
    EXPRESSION,
    FRAMING,
    SLIDES,
)

#: display names by dimension name
TITLES: dict[str, str] = {d.name: d.title for d in DIMENSIONS}


def by_name(name: str) -> Dimension[Any]:
    """The dimension called ``name`` (KeyError if there is none)."""
    return next(d for d in DIMENSIONS if d.name == name) if name in TITLES else _missing(name)


def _missing(name: str) -> Dimension[Any]:
    raise KeyError(f"no coaching dimension {name!r}; the dimensions are {', '.join(TITLES)}")
