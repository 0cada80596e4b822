"""One recording's work: the item, its outcome, and what a worker does with it (picklable for any engine)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ParameterError
from ..options import AnalysisOptions
from ..types import Report

__all__ = ["STAMP", "Item", "Outcome", "analyse_one", "complete", "file_hash", "item_options"]

STAMP = ".podium-done.json"


@dataclass(frozen=True)
class Item:
    """One recording to analyse."""

    path: str
    name: str
    speaker: str = ""
    title: str = ""
    options: str = ""  # JSON of option sections to change for this recording, e.g. {"speech": {"beam_size": 1}}
    slides: str = ""  # the talk's deck (a manifest's ``slides`` column)
    slide_times: str = ""  # its timing file (``slide_times``)
    target_minutes: float | None = None  # its target length (``target_minutes``)
    talk: str = ""  # which talk it is a take of (``talk``)


@dataclass
class Outcome:
    """What happened to one recording."""

    item: Item
    status: str  # done, skipped, failed
    error: str = ""
    seconds: float = 0.0
    summary: dict[str, Any] = field(default_factory=dict)
    attempts: int = 0


def _options_hash(options: AnalysisOptions) -> str:
    """Equal options hash equal, whether a number came as 14400 or 14400.0."""

    def canon(x: Any) -> Any:
        if isinstance(x, dict):
            return {k: canon(v) for k, v in x.items()}
        if isinstance(x, list | tuple):
            return [canon(v) for v in x]
        if isinstance(x, int | float) and not isinstance(x, bool):
            return float(x)
        return x

    data = options.to_dict()
    data["speech"].pop("cpu_threads", None)  # how many threads does not change the result
    return hashlib.sha256(json.dumps(canon(data), sort_keys=True, default=str).encode()).hexdigest()[:16]


def item_options(options: AnalysisOptions, item: Item) -> AnalysisOptions:
    """The batch's options with the item's own changes (a manifest's ``options`` and ``slides`` columns) laid over
    them. A deck that cannot be read never fails the recording: its talk is analysed without it, and says why."""
    if item.slides:
        from ..options import SlideOptions

        deck = SlideOptions(item.slides, item.slide_times or None, item.target_minutes, optional=True)
        options = dataclasses.replace(options, slides=deck)
    if item.talk.strip():
        options = dataclasses.replace(options, talk=item.talk)
    if not item.options:
        return options
    try:
        extra = json.loads(item.options)
        if not isinstance(extra, dict):
            raise ValueError("not a JSON object")
    except ValueError as e:
        raise ParameterError(f"{item.path}: options {item.options!r} must be a JSON object ({e})") from None
    data = options.to_dict()
    for section, values in extra.items():
        if not isinstance(values, dict) or section not in data or not isinstance(data[section], dict):
            raise ParameterError(f"{item.path}: options section {section!r} must be one of media, speech, voice, face")
        data[section] = {**data[section], **values}
    return AnalysisOptions.from_dict(data)


def file_hash(path: str) -> str:
    from ..media import file_sha256

    return file_sha256(path)


def complete(out: Path, item: Item, options: AnalysisOptions) -> bool:
    stamp = out / item.name / STAMP
    try:
        data = json.loads(stamp.read_text())
        same_options = data["options"] == _options_hash(item_options(options, item))
        return bool(same_options and data["sha256"] == file_hash(item.path))
    except (OSError, ValueError, KeyError):
        return False


def analyse_one(item: Item, out: str, options: AnalysisOptions) -> dict[str, Any]:
    """Worker: analyse one recording into ``out/item.name`` (temporary name, then rename). Picklable."""
    from ..folder import analyze_to_folder
    from ..report import summary

    t = time.perf_counter()
    options = item_options(options, item)
    opt_hash = _options_hash(options)

    def stamp(report: Report) -> dict[str, str]:
        return {STAMP: json.dumps({"sha256": report.source.sha256, "options": opt_hash})}

    report = analyze_to_folder(item.path, Path(out) / item.name, options, extra=stamp)
    return {"seconds": time.perf_counter() - t, "summary": summary(report), "duration_s": report.source.duration_s}
