"""The coach's view: scores, moments, priorities and strengths."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Feedback", "Focus", "Moment", "Score"]


@dataclass(frozen=True)
class Score:
    """One dimension's score and what it rests on.

    Attributes:
        dimension: ``pace``, ``fillers``, ``pauses``, ``vocal_variety``, ``language`` ...
        score: 0-100, or ``None`` when there was too little evidence (see ``reason``).
        band: ``excellent``, ``good``, ``needs work`` or ``unscored``.
        value: the figure behind the score, in words ("143 wpm").
        target: the recommended range and its source.
        basis: what the score rests on ("2.1 min of speech, 310 words").
        tip: one thing to try.
        reason: why the dimension is unscored, else ``None``.
    """

    dimension: str
    score: int | None
    band: str
    value: str
    target: str
    basis: str
    tip: str
    reason: str | None = None


@dataclass(frozen=True)
class Moment:
    """A stretch of the talk worth revisiting: evidence and one thing to try.

    Attributes:
        start, end: seconds.
        kind: ``filler_cluster``, ``hesitation``, ``long_pause``, ``rushed``, ``dragging``,
            ``monotone``, ``quiet``, ``hedges``, ``repetition``, ``sensitive``, ``profanity``,
            ``long_sentence``, ``undercut_opening``, ``undercut_closing``; with a deck ``read_slide``,
            ``rushed_slide``, ``crowded_slide``, ``long_slide``, ``notes_read``, ``over_time``.
        dimension: the score it bears on.
        severity: ``minor`` or ``major``.
        evidence: what was measured there.
        tip: what to try.
    """

    start: float
    end: float
    kind: str
    dimension: str
    severity: str
    evidence: str
    tip: str


@dataclass(frozen=True)
class Focus:
    """One of the two or three things to work on first, in parts (the page shows each as one line with a time).

    Attributes:
        dimension, title: the dimension and how people read it.
        score: its score.
        value: the figure behind it.
        tip: what to try.
        moment: the moment that shows it best (one that supports the tip), or ``None``.
    """

    dimension: str
    title: str
    score: int
    value: str
    tip: str
    moment: Moment | None = None


@dataclass(frozen=True)
class Feedback:
    """The coach's view: scores, moments, and what to work on first.

    Attributes:
        overall: weighted mean of the scored dimensions, or ``None`` if none was scored.
        scores: one per dimension, in display order.
        moments: in time order.
        priorities: two or three sentences, most impact first, each naming a moment when there is one.
        strengths: what already works, with the figure.
        coverage: what the feedback rests on (speech minutes, words, transcript confidence).
        focus: the priorities in parts, in the same order.
    """

    overall: int | None
    scores: tuple[Score, ...]
    moments: tuple[Moment, ...]
    priorities: tuple[str, ...]
    strengths: tuple[str, ...]
    coverage: dict[str, Any] = field(default_factory=dict)
    focus: tuple[Focus, ...] = ()
