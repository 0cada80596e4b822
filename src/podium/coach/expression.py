"""Expression: how often the speaker smiles and how much the face moves (blendshapes), never a reading of feelings."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..config import DimensionSection
from ..types import Score
from . import face_gate
from .base import Dimension, Evidence, Moments, clamp

__all__ = ["EXPRESSION", "ExpressionThresholds"]


@dataclass(frozen=True)
class ExpressionThresholds(DimensionSection):
    smile_good_ratio: float
    expressive_good: float

    def problems(self) -> Iterator[tuple[str, str]]:
        for key in ("smile_good_ratio", "expressive_good"):
            if getattr(self, key) <= 0:
                yield key, "must be above 0"


def _assess(ev: Evidence, th: ExpressionThresholds, moments: Moments) -> Score:
    assert ev.face is not None
    face = ev.face
    basis = face_gate.basis(face)
    why = face_gate.unscored_reason(face, ev.config.coverage)
    if why:
        return Score("expression", None, "", "–", "", basis, face_gate.UNSCORED_TIP, why)
    smile, lively = face.smile_ratio or 0.0, face.expressiveness or 0.0
    score = 50 * min(1.0, smile / th.smile_good_ratio) + 50 * min(1.0, lively / th.expressive_good)
    tip = (
        "Let your face move with your words: smile when you welcome people or tell a good story."
        if score < 90
        else "Your face is lively and warm; it carries the message with your voice."
    )
    return Score(
        "expression",
        clamp(score),
        "",
        f"smiling {smile:.0%} of the time, expressiveness {lively:.2f}",
        f"smiling {th.smile_good_ratio:.0%}+ of the time, expressiveness {th.expressive_good:g}+ (Podium's choice)",
        basis,
        tip,
    )


EXPRESSION = Dimension("expression", "Expression", "face", ExpressionThresholds, _assess)
