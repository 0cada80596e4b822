"""``podium compare``: a progress page across rehearsals of one talk.

Reads report folders or report.json files (oldest first) and writes
``progress.html`` (self-contained, same styles as the report) and
``progress.json``. A dimension improved when its score rose by at least
``STEADY`` points from the first rehearsal to the last.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any

from ..coach import TITLES as DIMENSION_TITLES
from ..errors import InputError
from ..types import Report
from .html import _asset
from .json import summary
from .read import read

__all__ = ["STEADY", "load_reports", "progress", "render_progress", "write_progress"]

STEADY = 5  # points of score change that count as a change, not noise (Podium's choice)


def _hedges(r: Report) -> int | None:
    return len(r.language.hedges) if r.language is not None else None


# (label, figure, unit, better, least top of its scale): every chart of a figure starts at 0 and reaches at least
# that top, so 4.9 -> 4.3 semitones looks like the small change it is, not a crash
_METRICS: list[tuple[str, Callable[[Report], Any], str, str, float]] = [
    ("Overall score", lambda r: r.feedback.overall if r.feedback else None, "", "up", 100),
    ("Pace", lambda r: r.voice.wpm if r.voice else None, " wpm", "range", 220),
    ("Fillers per minute", lambda r: summary(r)["fillers_per_min"], "/min", "down", 10),
    ("Long pauses", lambda r: len(r.voice.long_pauses) if r.voice else None, "", "down", 5),
    ("Pitch variation", lambda r: r.voice.pitch.variation_st if r.voice else None, " st", "up", 8),
    ("Hedges", _hedges, "", "down", 10),
]
_TITLES = DIMENSION_TITLES


def load_reports(paths: Sequence[str | Path]) -> list[tuple[str, Report]]:
    """Each path's report (a report folder or its report.json), labelled by where it is (its report.json's path)."""
    if len(paths) < 2:
        raise InputError("compare needs at least two reports, oldest first")
    out = []
    for p in map(Path, paths):
        f = p / "report.json" if p.is_dir() else p
        if not f.is_file():
            raise InputError(f"{p}: no report.json here (give report folders or report.json files)", p)
        out.append((str(f.resolve()), read(f)))
    return out


def progress(reports: Sequence[tuple[str, Report]]) -> dict[str, Any]:
    """Trends per dimension and per headline metric, and what improved or not (first vs last)."""
    dims: dict[str, list[int | None]] = {}
    for _, r in reports:
        for s in r.feedback.scores if r.feedback else ():
            dims.setdefault(s.dimension, [None] * len(reports))
    for i, (_, r) in enumerate(reports):
        for s in r.feedback.scores if r.feedback else ():
            dims[s.dimension][i] = s.score
    improved: list[dict[str, Any]] = []
    declined: list[dict[str, Any]] = []
    steady: list[dict[str, Any]] = []
    for dim, scores in dims.items():
        known = [s for s in scores if s is not None]
        if len(known) < 2:
            continue
        delta = known[-1] - known[0]
        entry = {"dimension": dim, "from": known[0], "to": known[-1], "change": delta}
        (improved if delta >= STEADY else declined if delta <= -STEADY else steady).append(entry)
    metrics = [
        {"label": label, "unit": unit, "better": better, "values": [figure(r) for _, r in reports], "top": top}
        for label, figure, unit, better, top in _METRICS
    ]
    return {
        "labels": [_take(r) for _, r in reports],
        "reports": [where for where, _ in reports],
        "dates": [r.created_at or None for _, r in reports],
        "scores": dims,
        "metrics": metrics,
        "improved": improved,
        "declined": declined,
        "steady": steady,
    }


def _take(r: Report) -> str:
    """A take as people name it: the talk it is a take of, the recording's file name and when it was analysed."""
    name = Path(r.source.path.replace("\\", "/")).name or "take"
    if r.talk:
        name = f"{r.talk}: {name}"
    try:
        d = datetime.fromisoformat(r.created_at)
        when = f"{d.day} {d:%b %Y}, {d:%H:%M} UTC"  # a date people read, not an ISO stamp
    except ValueError:
        when = ""
    return f"{name} · {when}" if when else name


def _spark(values: list[Any], labels: list[str], lo: float = 0, hi: float = 100, unit: str = "") -> str:
    pts = [(i, v) for i, v in enumerate(values) if v is not None]
    if not pts:
        return ""
    n = max(1, len(values) - 1)
    span = (hi - lo) or 1
    xy = [(40 + 170 * i / n, 52 - 40 * (min(hi, max(lo, v)) - lo) / span, v, i) for i, v in pts]
    path = "M" + " L".join(f"{x:.1f} {y:.1f}" for x, y, _, _ in xy)
    dots = "".join(
        f"<circle cx='{x:.1f}' cy='{y:.1f}' r='3.5' fill='#3457d5'><title>{escape(labels[i])}: {_fmt(v, unit)}</title>"
        "</circle>"
        for x, y, v, i in xy
    )
    top, bottom = _fmt(hi if hi != int(hi) else int(hi)), _fmt(lo if lo != int(lo) else int(lo))
    return (
        f"<svg viewBox='0 0 220 62' width='220' height='62' role='img' aria-label='trend from {bottom} to {top}'>"
        f"<rect x='40' y='12' width='170' height='40' fill='#fbfbfd' stroke='#e3e3e8'/>"
        f"<text x='36' y='16' text-anchor='end' font-size='9' fill='#5a5a60'>{top}</text>"
        f"<text x='36' y='54' text-anchor='end' font-size='9' fill='#5a5a60'>{bottom}</text>"
        f"<path d='{path}' fill='none' stroke='#3457d5' stroke-width='2'/>{dots}</svg>"
    )


def _fmt(v: Any, unit: str = "") -> str:
    if v is None:
        return "–"
    return (f"{v:.1f}" if isinstance(v, float) else str(v)) + unit


def render_progress(p: dict[str, Any]) -> str:
    """progress.html for the result of :func:`progress`."""

    fmt = _fmt
    out_dir = p.get("out_dir")

    def change_list(title: str, items: list[dict[str, Any]], css: str) -> str:
        if not items:
            return ""
        li = "".join(
            f"<li>{escape(_TITLES.get(i['dimension'], i['dimension']))}: {i['from']} → {i['to']} "
            f"({i['change']:+d})</li>"
            for i in items
        )
        return f"<div class='card {css}'><h3>{escape(title)}</h3><ul>{li}</ul></div>"

    def column(k: int, label: str) -> str:  # the take's name and time, a link to its report
        where = (p.get("reports") or [None] * len(p["labels"]))[k]
        name = f"{k + 1}. {escape(str(label))}"
        if where and out_dir:
            href = os.path.relpath(Path(where).with_name("report.html"), out_dir)
            name = f"<a href='{escape(Path(href).as_posix())}'>{name}</a>"
        return f"<th scope='col'>{name}</th>"

    labels = [str(x) for x in p["labels"]]
    head = "".join(column(k, label) for k, label in enumerate(labels))
    rows = []
    for dim, scores in p["scores"].items():
        cells = "".join(f"<td>{fmt(s)}</td>" for s in scores)
        trend = _spark(scores, labels)
        rows.append(f"<tr><th scope='row'>{escape(_TITLES.get(dim, dim))}</th>{cells}<td>{trend}</td></tr>")
    mrows = []
    for m in p["metrics"]:
        vals = [v for v in m["values"] if v is not None]
        hi = max([m.get("top", 0), *vals]) if vals else 1
        cells = "".join(f"<td>{fmt(v, m['unit'])}</td>" for v in m["values"])
        trend = _spark(m["values"], labels, 0, hi, m["unit"])
        mrows.append(f"<tr><th scope='row'>{escape(m['label'])}</th>{cells}<td>{trend}</td></tr>")
    body = (
        f"<header><h1>Progress over {len(p['labels'])} rehearsals</h1>"
        f"<p class='muted small'>Oldest first: {escape(' → '.join(labels))}. Select a take to open its report. "
        "Made on this computer.</p>"
        "</header>"
        "<section id='changes'><h2 style='margin-top:0'>What changed</h2><div class='cards'>"
        + change_list("Improved", p["improved"], "improved")
        + change_list("Got worse", p["declined"], "declined")
        + change_list(f"About the same (within {STEADY} points)", p["steady"], "steady")
        + "</div></section>"
        f"<section id='scores'><h2 style='margin-top:0'>Scores</h2><table><tr><th></th>{head}<th>Trend</th></tr>"
        + "".join(rows)
        + "</table></section>"
        f"<section id='metrics'><h2 style='margin-top:0'>Figures</h2><table><tr><th></th>{head}<th>Trend</th></tr>"
        + "".join(mrows)
        + "</table></section>"
    )
    return (
        "<!doctype html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'><title>Podium progress</title>"
        f"<style>{_asset('report.css')}</style></head><body><main>{body}</main></body></html>\n"
    )


def write_progress(paths: Sequence[str | Path], out_dir: str | Path) -> tuple[dict[str, Any], Path]:
    """Compare the reports and write progress.html and progress.json into ``out_dir``."""
    p = progress(load_reports(paths))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "progress.json").write_text(json.dumps(p, indent=1) + "\n", encoding="utf-8")
    html = out / "progress.html"
    html.write_text(render_progress({**p, "out_dir": str(out.resolve())}), encoding="utf-8")
    return p, html
