"""Scores, moments, priorities and strengths from every dimension in the registry."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..config import CoachConfig
from ..fillers import is_non_lexical
from ..types import Face, Feedback, Focus, Language, Moment, Score, Slides, Transcript, Voice
from .base import Evidence, Moments, clock
from .registry import DIMENSIONS, TITLES, by_name

__all__ = ["assess", "assess_face"]


def assess(
    transcript: Transcript,
    voice: Voice,
    language: Language,
    face: Face | None = None,
    config: CoachConfig | None = None,
    slides: Slides | None = None,
) -> Feedback:
    """Score the talk on every dimension and choose what to say (see ``podium.coach``)."""
    cfg = config or CoachConfig.load()
    cov = cfg.coverage
    words = [w for w in transcript.words if not is_non_lexical(w)]
    speech_s = voice.speaking_time_s
    conf = transcript.mean_confidence or 0.0
    coverage: dict[str, Any] = {
        "speech_s": round(speech_s, 1),
        "words": len(words),
        "transcript_confidence": round(transcript.mean_confidence, 3) if transcript.mean_confidence else None,
        "video": "analysed" if face is not None else "not analysed",
        "low_confidence": conf < cov.low_confidence,
    }
    basis = f"{speech_s / 60:.1f} min of speech, {len(words)} words" + (
        f", transcript confidence {conf:.2f}" + (" (low)" if coverage["low_confidence"] else "") if words else ""
    )
    short = (
        f"only {speech_s:.0f} s and {len(words)} words of speech; scores need at least "
        f"{cov.min_speech_s} s and {cov.min_words} words"
    )
    enough = speech_s >= cov.min_speech_s and len(words) >= cov.min_words
    ev = Evidence(transcript, voice, language, face, cfg, slides, enough, basis, short)
    with_face = face is not None and face.skipped_reason != "no video"
    moments = Moments()
    runs = {"speech": True, "face": with_face, "slides": slides is not None}
    scores = [d.score(ev, moments) for d in DIMENSIONS if runs[d.reads]]
    if with_face and face is not None:
        coverage["face_visible"] = round(face.present_ratio, 3)
    return _feedback(scores, moments.items, coverage, cfg, language)


def assess_face(face: Face | None, config: CoachConfig | None = None) -> Feedback:
    """Feedback from the face alone (a video without sound)."""
    cfg = config or CoachConfig.load()
    moments = Moments()
    ev = Evidence(None, None, None, face, cfg)
    scores = [d.score(ev, moments) for d in DIMENSIONS if d.reads == "face"] if face is not None else []
    coverage = {
        "speech_s": 0.0,
        "words": 0,
        "transcript_confidence": None,
        "low_confidence": False,
        "video": "analysed" if face is not None else "not analysed",
        "face_visible": round(face.present_ratio, 3) if face is not None else None,
    }
    return _feedback(scores, moments.items, coverage, cfg, None)


def _feedback(
    scores: list[Score], moments: list[Moment], coverage: dict[str, Any], cfg: CoachConfig, lang: Language | None
) -> Feedback:
    """Bands, the weighted overall score, priorities and strengths: the same for every kind of input."""
    scores = [replace(s, band=_band(s.score, cfg)) for s in scores]
    moments.sort(key=lambda m: (m.start, m.end, m.kind))
    weights = {s.dimension: cfg.weight(s.dimension) for s in scores}
    scored = [s for s in scores if s.score is not None]
    total = sum(weights[s.dimension] for s in scored)
    overall = round(sum((s.score or 0) * weights[s.dimension] for s in scored) / total) if scored and total else None
    focus = _focus(scores, moments, weights, cfg)
    return Feedback(
        overall=overall,
        scores=tuple(scores),
        moments=tuple(moments),
        priorities=tuple(_sentence(f) for f in focus),
        strengths=tuple(_strengths(scores, lang, cfg)),
        coverage=coverage,
        focus=tuple(focus),
    )


def _band(score: int | None, cfg: CoachConfig) -> str:
    if score is None:
        return "unscored"
    if score >= cfg.scores.strength_from:
        return "excellent"
    return "good" if score >= cfg.scores.flag_below else "needs work"


def _focus(scores: list[Score], moments: list[Moment], weights: dict[str, float], cfg: CoachConfig) -> list[Focus]:
    flagged = [s for s in scores if s.score is not None and s.score < cfg.scores.flag_below]
    if not flagged:
        flagged = [s for s in scores if s.score is not None and s.score < cfg.scores.strength_from][:2]
    flagged.sort(key=lambda s: (-(100 - (s.score or 0)) * weights[s.dimension], s.dimension))
    out = []
    for s in flagged[: cfg.scores.max_priorities]:
        mine = [m for m in moments if m.dimension == s.dimension and by_name(s.dimension).supports(s, m)]
        worst = max(mine, key=lambda m: (m.severity == "major", m.end - m.start), default=None)
        out.append(Focus(s.dimension, TITLES[s.dimension], s.score or 0, s.value, s.tip, worst))
    return out


def _sentence(f: Focus) -> str:
    where = f" For example: {f.moment.evidence}." if f.moment else ""
    return f"{f.title} ({f.score}/100, {f.value}). {f.tip}{where}"


def _strengths(scores: list[Score], lang: Language | None, cfg: CoachConfig) -> list[str]:
    out = [
        f"{TITLES[s.dimension]}: {s.value}; aim: {s.target}."
        for s in scores
        if s.score is not None and s.score >= cfg.scores.strength_from
    ]
    if lang is not None and lang.questions:
        out.append(
            f"You asked the audience {len(lang.questions)} question{'s' if len(lang.questions) > 1 else ''}"
            f" (first at {clock(lang.questions[0].start)}): questions keep listeners with you."
        )
    return out
