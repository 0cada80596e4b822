"""report.json back into a :class:`~podium.types.Report`: the inverse of ``report.json.to_dict``.

Everything after the pipeline (the page, CSV, compare, the store, batch and the
web app) takes a ``Report``; a report folder written earlier is read back with
:func:`read` (or :func:`from_dict`) and handled exactly like a fresh analysis.
Derived fields (``summary``, ``long_pauses``, score maps) are recomputed on
writing, so ``to_dict(from_dict(d))`` equals ``d`` apart from ``created_at``.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from ..errors import InputError
from ..types import Face, Feedback, Language, MediaInfo, Report, Slides, Transcript, Voice

__all__ = ["from_dict", "read"]

SUPPORTED_MAJOR = "1"
T = TypeVar("T")


def read(path: str | Path) -> Report:
    """The Report in a report folder (its report.json) or a report.json file.

    Raises:
        InputError: missing, unreadable, not JSON, or written by an incompatible Podium.
    """
    p = Path(path)
    f = p / "report.json" if p.is_dir() else p
    try:
        data = json.loads(f.read_text(encoding="utf-8"))
    except OSError as e:
        raise InputError(f"{f}: cannot read the report ({e.strerror or e})", str(f)) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InputError(f"{f}: not a report.json ({e})", str(f)) from None
    return from_dict(data, where=str(f))


def from_dict(data: Mapping[str, Any], where: str = "report") -> Report:
    """A Report from report.json's dict (schema 1.x)."""
    if not isinstance(data, Mapping) or "source" not in data:
        raise InputError(f"{where}: not a Podium report.json (no source)", where)
    major = str(data.get("schema_version", "0")).split(".")[0]
    if major != SUPPORTED_MAJOR:
        raise InputError(
            f"{where}: report schema_version={data.get('schema_version')!r}; this Podium reads {SUPPORTED_MAJOR}.x",
            where,
        )
    try:
        return Report(
            source=_build(MediaInfo, data["source"]),
            transcript=_opt(Transcript, data.get("transcript")),
            voice=_opt(Voice, data.get("voice")),
            language=_language(data["language"]) if data.get("language") else None,
            feedback=_feedback(data["feedback"]) if data.get("feedback") else None,
            face=_opt(Face, data.get("face")),
            slides=_opt(Slides, data.get("slides")),
            notes=tuple(data.get("notes", ())),
            timings=dict(data.get("timings_s", {})),
            options=dict(data.get("options", {})),
            created_at=str(data.get("created_at", "")),
            talk=data.get("talk"),
        )
    except (TypeError, ValueError, KeyError, AttributeError) as e:
        raise InputError(f"{where}: a field does not have the shape of report.json ({type(e).__name__}: {e})") from e


def _language(d: Mapping[str, Any]) -> Language:
    flat = dict(d)
    fillers = flat.pop("fillers", {})
    readability = flat.pop("readability", {})
    vocabulary = flat.pop("vocabulary", {})
    sentiment = flat.pop("sentiment", {})
    flat.update(
        filler_count=fillers.get("count", 0),
        filler_per_min=fillers.get("per_min"),
        filler_ratio=fillers.get("ratio"),
        fillers_by_kind=fillers.get("by_word", {}),
        **readability,
        **vocabulary,
        sentiment=sentiment.get("compound"),
        sentiment_arc=[(a["start"], a["end"], a["compound"]) for a in sentiment.get("arc", [])],
        overused=[(o["word"], o["count"]) for o in flat.get("overused", [])],
    )
    return _build(Language, flat)


def _feedback(d: Mapping[str, Any]) -> Feedback:
    return _build(Feedback, {**d, "scores": d.get("dimensions", [])})


def _opt(cls: type[T], value: Any) -> T | None:
    return None if value is None else _build(cls, value)


def _build(cls: type[T], data: Mapping[str, Any]) -> T:
    """``cls`` (a dataclass) from a dict: fields by name, nested types converted, unknown keys ignored."""
    hints = typing.get_type_hints(cls)
    kwargs = {f.name: _convert(hints[f.name], data[f.name]) for f in dataclasses.fields(cls) if f.name in data}  # type: ignore[arg-type]
    return cls(**kwargs)


def _convert(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return _convert(inner[0], value) if len(inner) == 1 else value
    if dataclasses.is_dataclass(tp):
        return _build(tp, value)  # type: ignore[arg-type]
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_convert(args[0], v) for v in value)
        return tuple(_convert(a, v) for a, v in zip(args, value, strict=True))
    if origin is dict:
        return {k: _convert(args[1], v) for k, v in value.items()}
    return value
