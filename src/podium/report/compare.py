"""``podium compare``: a progress page across rehearsals of one talk.

Reads report folders or report.json files (oldest first) and writes
``progress.html`` (self-contained, same styles as the report) and
``progress.json``. A dimension improved when its score rose by at least
``STEADY`` points from the first rehearsal to the last.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
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


_METRICS: list[tuple[str, Callable[[Report], Any], str, str]] = [  # (label, figure, unit, better)
    ("Overall score", lambda r: r.feedback.overall if r.feedback else None, "", "up"),
    ("Pace", lambda r: r.voice.wpm if r.voice else None, " wpm", "range"),
    ("Fillers per minute", lambda r: summary(r)["fillers_per_min"], "/min", "down"),
    ("Long pauses", lambda r: len(r.voice.long_pauses) if r.voice else None, "", "down"),
    ("Pitch variation", lambda r: r.voice.pitch.variation_st if r.voice else None, " st", "up"),
    ("Hedges", _hedges, "", "down"),
]
_TITLES = DIMENSION_TITLES


def load_reports(paths: Sequence[str | Path]) -> list[tuple[str, Report]]:
    """Each path's report (a report folder or its report.json), labelled by its folder's name."""
    if len(paths) < 2:
        raise InputError("compare needs at least two reports, oldest first")
    out = []
    for p in map(Path, paths):
        f = p / "report.json" if p.is_dir() else p
        if not f.is_file():
            raise InputError(f"{p}: no report.json here (give report folders or report.json files)", p)
        out.append((p.name if p.is_dir() else p.parent.name, read(f)))
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
        {"label": label, "unit": unit, "better": better, "values": [figure(r) for _, r in reports]}
        for label, figure, unit, better in _METRICS
    ]
    return {
        "labels": [label for label, _ in reports],
        "dates": [r.created_at or None for _, r in reports],
        "scores": dims,
        "metrics": metrics,
        "improved": improved,
        "declined": declined,
        "steady": steady,
    }


def _spark(values: list[Any], lo: float = 0, hi: float = 100) -> str:
    pts = [(i, v) for i, v in enumerate(values) if v is not None]
    if not pts:
        return ""
    n = max(1, len(values) - 1)
    span = (hi - lo) or 1
    xy = [(10 + 200 * i / n, 50 - 40 * (min(hi, max(lo, v)) - lo) / span) for i, v in pts]
    path = "M" + " L".join(f"{x:.1f} {y:.1f}" for x, y in xy)
    dots = "".join(f"<circle cx='{x:.1f}' cy='{y:.1f}' r='3' fill='#3457d5'/>" for x, y in xy)
    return (
        f"<svg viewBox='0 0 220 60' width='220' height='60' role='img' aria-label='trend'>"
        f"<rect x='10' y='10' width='200' height='40' fill='#fbfbfd' stroke='#e3e3e8'/>"
        f"<path d='{path}' fill='none' stroke='#3457d5' stroke-width='2'/>{dots}</svg>"
    )


def render_progress(p: dict[str, Any]) -> str:
    """progress.html for the result of :func:`progress`."""

    def fmt(v: Any, unit: str = "") -> str:
        if v is None:
            return "–"
        return (f"{v:.1f}" if isinstance(v, float) else str(v)) + unit

    def change_list(title: str, items: list[dict[str, Any]], css: str) -> str:
        if not items:
            return ""
        li = "".join(
            f"<li>{escape(_TITLES.get(i['dimension'], i['dimension']))}: {i['from']} → {i['to']} "
            f"({i['change']:+d})</li>"
            for i in items
        )
        return f"<div class='card {css}'><h3>{escape(title)}</h3><ul>{li}</ul></div>"

    head = "".join(f"<th scope='col'>{k + 1}. {escape(str(label))}</th>" for k, label in enumerate(p["labels"]))
    rows = []
    for dim, scores in p["scores"].items():
        cells = "".join(f"<td>{fmt(s)}</td>" for s in scores)
        rows.append(f"<tr><th scope='row'>{escape(_TITLES.get(dim, dim))}</th>{cells}<td>{_spark(scores)}</td></tr>")
    mrows = []
    for m in p["metrics"]:
        vals = [v for v in m["values"] if v is not None]
        lo, hi = (min(vals), max(vals)) if vals else (0, 1)
        cells = "".join(f"<td>{fmt(v, m['unit'])}</td>" for v in m["values"])
        mrows.append(f"<tr><th scope='row'>{escape(m['label'])}</th>{cells}<td>{_spark(m['values'], lo, hi)}</td></tr>")
    body = (
        f"<header><h1>Progress over {len(p['labels'])} rehearsals</h1>"
        f"<p class='muted small'>Oldest first: {escape(' → '.join(map(str, p['labels'])))}. Made on this computer.</p>"
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
    html.write_text(render_progress(p), encoding="utf-8")
    return p, html
