"""The coach: scores, moments and priorities from the measurements.

``assess(transcript, voice, language, face=None, config)`` scores each
dimension 0-100 against the thresholds in ``data/coach.toml`` (each with its
source), marks the moments worth revisiting (start, end, evidence, one thing
to try), and leads with two or three priorities ranked by impact, plus real
strengths. A dimension with too little evidence is unscored, never guessed.
Wording is plain and varied, and the same input always gives the same text.

One module per dimension, each exporting one :class:`Dimension`;
``registry.DIMENSIONS`` is the one list that the overall score, report.json
(titles and order), the report page, compare, CSV and the store read. Adding a
dimension: docs/how-it-works.md, "Adding a dimension".
"""

from .assess import assess, assess_face
from .base import Dimension, Evidence, Moments, clock
from .registry import DIMENSIONS, TITLES, by_name

__all__ = ["DIMENSIONS", "TITLES", "Dimension", "Evidence", "Moments", "assess", "assess_face", "by_name", "clock"]
