"""What every coaching dimension shares: the :class:`Dimension` shape, the evidence it reads, and how it adds moments.

A dimension is one module in this package exporting one ``Dimension``: its
name and title, the coach.toml section it reads (a typed
:class:`~podium.config.DimensionSection`), whether it needs speech or a face,
and ``assess(evidence, thresholds, moments) -> Score``, which adds its moments
as it goes. ``registry.DIMENSIONS`` lists them in display order; everything
else (the overall score, report.json, the page, compare, CSV, the store) reads
that list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar

from ..config import CoachConfig, DimensionSection
from ..types import Face, Language, Moment, Score, Slides, Transcript, Voice

__all__ = ["Dimension", "Evidence", "Moments", "clamp", "clock", "clusters", "plural", "short_of_aim"]

T = TypeVar("T", bound=DimensionSection)


@dataclass(frozen=True)
class Evidence:
    """What the dimensions read, and whether there is enough speech to score on.

    Attributes:
        transcript, voice, language: the speech stages' results (``None`` for a video without sound).
        face: the face stage's result (``None`` when the video was not analysed).
        slides: how the talk used its deck (``None`` without a deck).
        config: every threshold (a dimension reads its own section from ``assess``'s argument).
        enough: enough speech to score a speech dimension (``[coverage]``).
        basis: what a speech score rests on, in words ("1.9 min of speech, 310 words ...").
        short: why a speech dimension is unscored when ``enough`` is false.
    """

    transcript: Transcript | None
    voice: Voice | None
    language: Language | None
    face: Face | None
    config: CoachConfig
    slides: Slides | None = None
    enough: bool = False
    basis: str = ""
    short: str = ""


@dataclass
class Moments:
    """The moments found so far; ``add`` words a tip so that repeated kinds do not repeat the same sentence."""

    items: list[Moment] = field(default_factory=list)

    def add(
        self,
        start: float,
        end: float,
        kind: str,
        dimension: str,
        severity: str,
        evidence: str,
        tip: str | None = None,
        *,
        tips: tuple[str, ...] = (),
    ) -> None:
        n = sum(1 for m in self.items if m.kind == kind)
        said = tip or tips[n % len(tips)].capitalize()
        self.items.append(Moment(round(start, 2), round(end, 2), kind, dimension, severity, evidence, said))


@dataclass(frozen=True)
class Dimension(Generic[T]):
    """One coaching dimension.

    Attributes:
        name: its key in report.json, CSV, the store and coach.toml (``pace``).
        title: how people read it ("Pace").
        reads: ``speech`` (scored from the transcript and voice), ``face`` (from the video) or ``slides`` (the deck
            and the words; only when a deck was given).
        thresholds: the dataclass its coach.toml section loads into (a ``DimensionSection``: a weight, then its own
            thresholds, each with its source in coach.toml).
        assess: ``assess(evidence, thresholds, moments) -> Score``; adds this dimension's moments.
        supports: which of its moments can illustrate its score's tip (``supports(score, moment)``); a priority's
            "For example" is never a moment that points the other way ("Slow down ... For example: 90 wpm").
            Default: every moment.
    """

    name: str
    title: str
    reads: Literal["speech", "face", "slides"]
    thresholds: type[T]
    assess: Callable[[Evidence, T, Moments], Score]
    supports: Callable[[Score, Moment], bool] = lambda score, moment: True

    def score(self, evidence: Evidence, moments: Moments) -> Score:
        return self.assess(evidence, evidence.config.of(self), moments)


def short_of_aim(score: float, ev: Evidence) -> float:
    """A score whose figure is outside its aim: below the strength line, whatever the formula gives (a figure
    outside its aim is never "excellent" nor a strength: 96 wpm against 100-165 is not 94/100)."""
    return min(score, ev.config.scores.strength_from - 1)


def clock(t: float) -> str:
    """Seconds as m:ss, or h:mm:ss from an hour on."""
    m, s = divmod(int(round(t)), 60)
    h, m = divmod(m, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def clamp(x: float) -> int:
    """A score: ``x`` rounded and held within 0-100."""
    return int(round(max(0.0, min(100.0, x))))


def plural(n: int, noun: str) -> str:
    """``n`` and ``noun``, plural when it needs to be ("1 filler", "3 fillers", "2 hesitations")."""
    if n == 1:
        return f"1 {noun}"
    if noun.endswith("y") and noun[-2] not in "aeiou":
        return f"{n} {noun[:-1]}ies"
    return f"{n} {noun}" + ("es" if noun.endswith(("sh", "ch", "s")) else "s")


def clusters(times: list[tuple[float, float, str]], min_n: int, window: float) -> list[list[tuple[float, float, str]]]:
    """Runs of at least ``min_n`` events (start, end, text) whose starts fall within ``window`` seconds of the first;
    overlapping runs merge."""
    found: list[list[tuple[float, float, str]]] = []
    i = 0
    while i < len(times):
        j = i
        while j + 1 < len(times) and times[j + 1][0] - times[i][0] <= window:
            j += 1
        if j - i + 1 >= min_n:
            group = times[i : j + 1]
            if found and group[0][0] <= found[-1][-1][1]:
                found[-1] = sorted(set(found[-1]) | set(group))
            else:
                found.append(list(group))
            i = j + 1
        else:
            i += 1
    return found
