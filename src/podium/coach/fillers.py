"""Fillers: their share of words against published bands, and clusters of them worth a moment."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..config import DimensionSection
from ..fillers import occurrences
from ..types import Score
from .base import Dimension, Evidence, Moments, clamp, clock, clusters, plural

__all__ = ["FILLERS", "FillerThresholds"]

TIPS = (
    "try a silent pause instead: silence sounds confident, fillers sound unsure.",
    "when you feel an 'um' coming, close your mouth and breathe; the pause will carry you.",
    "rehearse this part until the next sentence is ready before you need it.",
)


@dataclass(frozen=True)
class FillerThresholds(DimensionSection):
    excellent_ratio: float
    good_ratio: float
    zero_ratio: float
    cluster_min: int
    cluster_window_s: float

    def problems(self) -> Iterator[tuple[str, str]]:
        if self.excellent_ratio <= 0:
            yield "excellent_ratio", "must be above 0"
        if not self.excellent_ratio < self.good_ratio:
            yield "excellent_ratio", f"must be below good_ratio = {self.good_ratio!r}"
        if not self.good_ratio < self.zero_ratio:
            yield "good_ratio", f"must be below zero_ratio = {self.zero_ratio!r}"
        if self.zero_ratio > 1:
            yield "zero_ratio", "must be at most 1"
        if self.cluster_min < 1:
            yield "cluster_min", "must be at least 1"


def _assess(ev: Evidence, th: FillerThresholds, moments: Moments) -> Score:
    assert ev.transcript is not None and ev.language is not None
    lang = ev.language
    exc, good, zero = th.excellent_ratio, th.good_ratio, th.zero_ratio
    target = f"under {exc:.0%} of words excellent, {exc:.0%}-{good:.0%} good (published speech-coaching bands)"
    for group in clusters(occurrences(ev.transcript.words), th.cluster_min, th.cluster_window_s):
        kinds = sorted({k for _, _, k in group})
        moments.add(
            group[0][0],
            group[-1][1],
            "filler_cluster",
            "fillers",
            "major" if len(group) >= 2 * th.cluster_min else "minor",
            f"{len(group)} fillers ({', '.join(kinds)}) between {clock(group[0][0])} and {clock(group[-1][1])}",
            tips=TIPS,
        )
    if not ev.enough or lang.filler_ratio is None:
        why = "Record a longer stretch of the talk to score fillers."
        return Score("fillers", None, "", plural(lang.filler_count, "filler"), target, ev.basis, why, ev.short)
    r = lang.filler_ratio
    if r <= exc:
        score = 90 + 10 * (1 - r / exc)
    elif r <= good:
        score = 70 + 20 * (good - r) / (good - exc)
    else:
        score = 70 * max(0.0, (zero - r) / (zero - good))
    by_kind = ", ".join(f"{k} {n}" for k, n in lang.fillers_by_kind.items())
    value = f"{plural(lang.filler_count, 'filler')}, {r:.1%} of words" + (f" ({by_kind})" if by_kind else "")
    tip = (
        "Replace each filler with a short silent pause; record yourself and count them in the first minute."
        if r > exc
        else "Fillers are rare; keep using silence to think."
    )
    return Score("fillers", clamp(score), "", value, target, ev.basis, tip)


FILLERS = Dimension("fillers", "Fillers", "speech", FillerThresholds, _assess)
