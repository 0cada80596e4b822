"""report.json: the public contract, versioned by ``schema_version``.

Minor versions add fields; a major version renames or removes one. Field
meanings are documented in ``docs/report-json.md``.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import numpy as np

from .. import __version__
from ..coach import TITLES
from ..fillers import is_non_lexical
from ..types import Face, Feedback, Language, Report, Transcript, Voice

__all__ = ["SCHEMA_VERSION", "summary", "to_dict", "to_json"]

SCHEMA_VERSION = "1.6"  # 1.1: language, feedback; 1.2: voice.contour; 1.3: face; 1.4: uptalk, titles; 1.5: slides;
# 1.6: talk


def to_dict(report: Report) -> dict[str, Any]:
    """The JSON-able dict of ``report`` (plain floats, ints, strings, lists, dicts)."""
    t, v = report.transcript, report.voice
    data: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "podium_version": __version__,
        "created_at": report.created_at or datetime.now(UTC).isoformat(timespec="seconds"),
        "source": report.source.to_dict(),
        "talk": report.talk,
        "summary": summary(report),
        "transcript": _transcript(t) if t is not None else None,
        "voice": _voice(v) if v is not None else None,
        "language": _language(report.language) if report.language is not None else None,
        "face": _face(report.face) if report.face is not None else None,
        "slides": dataclasses.asdict(report.slides) if report.slides is not None else None,
        "feedback": _feedback(report.feedback) if report.feedback is not None else None,
        "notes": list(report.notes),
        "timings_s": dict(report.timings),
        "options": report.options,
    }
    plain: dict[str, Any] = _plain(data)
    return plain


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False, allow_nan=False) + "\n"


def summary(report: Report) -> dict[str, Any]:
    """The headline figures (report.json's ``summary``), read from the stages' results."""
    t, v, lang = report.transcript, report.voice, report.language
    words = t.words if t else ()
    fillers = Counter(lang.fillers_by_kind) if lang else Counter()
    n_fill = sum(fillers.values())
    n_words = sum(1 for w in words if not is_non_lexical(w))
    minutes = (v.speaking_time_s / 60) if v and v.speaking_time_s else 0.0
    return {
        "duration_s": report.source.duration_s,
        "words": n_words,
        "fillers": n_fill,
        "fillers_per_min": round(n_fill / minutes, 2) if minutes else None,
        "filler_ratio": round(n_fill / (n_words + n_fill), 4) if words else None,
        "fillers_by_kind": dict(fillers.most_common()),
        "wpm": v.wpm if v else None,
        "pauses": len(v.pauses) if v else 0,
        "long_pauses": len(v.long_pauses) if v else 0,
        "pitch_variation_st": v.pitch.variation_st if v else None,
        "loudness_variation_db": v.loudness.variation_db if v else None,
        "transcript_confidence": round(t.mean_confidence, 3) if t and t.mean_confidence is not None else None,
        "overall_score": report.feedback.overall if report.feedback else None,
        "face_visible": report.face.present_ratio if report.face is not None else None,
        "eye_contact_ratio": report.face.eye_contact_ratio if report.face is not None else None,
        "scores": {s.dimension: s.score for s in report.feedback.scores} if report.feedback else {},
    }


def _transcript(t: Transcript) -> dict[str, Any]:
    return {
        "language": t.language,
        "model": t.model,
        "text": t.text,
        "words": [dataclasses.asdict(w) for w in t.words],
        "segments": [dataclasses.asdict(s) for s in t.segments],
        "speech_spans": [dataclasses.asdict(s) for s in t.speech_spans],
    }


def _voice(v: Voice) -> dict[str, Any]:
    pauses = [{**dataclasses.asdict(p), "duration": round(p.duration, 2)} for p in v.pauses]
    return {
        "wpm": v.wpm,
        "wpm_overall": v.wpm_overall,
        "articulation_wpm": v.articulation_wpm,
        "speaking_time_s": v.speaking_time_s,
        "pauses": pauses,
        "long_pauses": [p for p in pauses if p["long"]],
        "pace_timeline": [dataclasses.asdict(p) for p in v.pace_timeline],
        "pitch": dataclasses.asdict(v.pitch),
        "loudness": dataclasses.asdict(v.loudness),
        "skipped_reason": v.skipped_reason,
        "contour": [list(c) for c in v.contour],
    }


def _language(lang: Language) -> dict[str, Any]:
    d = dataclasses.asdict(lang)
    d["fillers"] = {
        "count": lang.filler_count,
        "per_min": lang.filler_per_min,
        "ratio": lang.filler_ratio,
        "by_word": dict(lang.fillers_by_kind),
    }
    for k in ("filler_count", "filler_per_min", "filler_ratio", "fillers_by_kind"):
        d.pop(k)
    d["readability"] = {
        "flesch_reading_ease": d.pop("flesch_reading_ease"),
        "fk_grade": d.pop("fk_grade"),
        "words_per_sentence": d.pop("words_per_sentence"),
    }
    d["vocabulary"] = {"type_token_ratio": d.pop("type_token_ratio"), "mattr": d.pop("mattr")}
    d["sentiment"] = {
        "compound": d.pop("sentiment"),
        "arc": [{"start": a, "end": b, "compound": c} for a, b, c in lang.sentiment_arc],
        "sentences": [{"start": s.start, "end": s.end, "compound": s.sentiment} for s in lang.sentences],
    }
    d.pop("sentiment_arc")
    d["overused"] = [{"word": w, "count": n} for w, n in lang.overused]
    return d


def _face(face: Face) -> dict[str, Any]:
    d = dataclasses.asdict(face)
    d["timeline"] = [{k: v for k, v in s.items() if k != "expressive"} for s in d["timeline"]]
    return d


def _feedback(fb: Feedback) -> dict[str, Any]:
    return {
        "overall": fb.overall,
        "scores": {s.dimension: s.score for s in fb.scores},
        "dimensions": [{**dataclasses.asdict(s), "title": TITLES.get(s.dimension, s.dimension)} for s in fb.scores],
        "moments": [dataclasses.asdict(m) for m in fb.moments],
        "priorities": list(fb.priorities),
        "focus": [dataclasses.asdict(f) for f in fb.focus],
        "strengths": list(fb.strengths),
        "coverage": dict(fb.coverage),
    }


def _plain(x: Any) -> Any:
    """numpy scalars to Python, NaN/inf to None, tuples to lists."""
    if isinstance(x, dict):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_plain(v) for v in x]
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x
