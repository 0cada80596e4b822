"""Uptalk: statements whose pitch rises at the end, so that they sound like questions (a high rising terminal)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..config import DimensionSection
from ..types import Score
from .base import Dimension, Evidence, Moments, clamp, clock, plural, short_of_aim

__all__ = ["UPTALK", "UptalkThresholds"]

TIPS = (
    "land the statement: let your pitch fall on the last word, as at a full stop.",
    "say the last word lower than the first; a rise asks the room to agree.",
)


@dataclass(frozen=True)
class UptalkThresholds(DimensionSection):
    rise_st: float
    min_statements: int
    ok_share: float
    bad_share: float

    def problems(self) -> Iterator[tuple[str, str]]:
        if not self.ok_share < self.bad_share:
            yield "ok_share", f"must be below bad_share = {self.bad_share!r}"
        if self.min_statements < 1:
            yield "min_statements", "must be at least 1"


def _assess(ev: Evidence, th: UptalkThresholds, moments: Moments) -> Score:
    assert ev.voice is not None
    statements = [r for r in ev.voice.sentence_ends if not r.question]
    rising = [r for r in statements if r.semitones >= th.rise_st]
    for r in rising:
        evidence = f"statement ending on a rise of {r.semitones:.1f} semitones at {clock(r.start)}"
        moments.add(r.start, r.end, "uptalk", "uptalk", "minor", evidence, tips=TIPS)
    target = f"statements end level or falling; under {th.ok_share:.0%} rising {th.rise_st:g}+ semitones"
    if not ev.enough or len(statements) < th.min_statements:
        reason = ev.short if not ev.enough else f"only {plural(len(statements), 'statement')} with a measurable end"
        why = "Record a longer stretch to score how your statements end."
        return Score("uptalk", None, "", "–", target, ev.basis, why, reason)
    share = len(rising) / len(statements)
    score = 100.0 if share <= th.ok_share else 100 - 60 * (share - th.ok_share) / (th.bad_share - th.ok_share)
    score = short_of_aim(score, ev) if share > th.ok_share else score
    value = f"{len(rising)} of {plural(len(statements), 'statement')} end rising ({share:.0%})"
    tip = (
        "End statements on a falling pitch: a rise turns a point into a question and sounds unsure."
        if share > th.ok_share
        else "Your statements land: they end level or falling, and sound sure."
    )
    return Score("uptalk", clamp(score), "", value, target, ev.basis, tip)


UPTALK = Dimension("uptalk", "Uptalk", "speech", UptalkThresholds, _assess)
