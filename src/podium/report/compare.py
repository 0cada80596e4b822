"""``podium compare``: a progress page across rehearsals of one talk.

Reads report folders or report.json files (oldest first) and writes
``progress.html`` (self-contained, same styles as the report) and
``progress.json``. A dimension improved when its score rose by at least
``STEADY`` points from the first rehearsal to the last.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..feedback import DIMENSION_TITLES
from .html import _asset
from .json import from_json

__all__ = ["STEADY", "load_reports", "progress", "render_progress", "write_progress"]

STEADY = 5  # points of score change that count as a change, not noise (Podium's choice)

_METRICS = [  # (label, path into report.json, unit, better)
    ("Overall score", ("feedback", "overall"), "", "up"),
    ("Pace", ("voice", "wpm"), " wpm", "range"),
    ("Fillers per minute", ("summary", "fillers_per_min"), "/min", "down"),
    ("Long pauses", ("summary", "long_pauses"), "", "down"),
    ("Pitch variation", ("voice", "pitch", "variation_st"), " st", "up"),
    ("Hedges", ("language", "hedges"), "", "down"),
]
_TITLES = DIMENSION_TITLES


def load_reports(paths: list[str | Path]) -> list[dict[str, Any]]:
    """report.json of each path (a report folder or the file itself)."""
    if len(paths) < 2:
        raise InputError("compare needs at least two reports, oldest first")
    out = []
    for p in map(Path, paths):
        f = p / "report.json" if p.is_dir() else p
        if not f.is_file():
            raise InputError(f"{p}: no report.json here (give report folders or report.json files)", p)
        try:
            out.append(from_json(f.read_text(encoding="utf-8")))
        except (ValueError, KeyError) as e:
            raise InputError(f"{f}: not a Podium report ({e})", f) from None
        out[-1]["_label"] = p.name if p.is_dir() else p.parent.name
    return out


def _get(d: Any, path: tuple[str, ...]) -> Any:
    for k in path:
        if not isinstance(d, dict) or d.get(k) is None:
            return None
        d = d[k]
    return len(d) if isinstance(d, list) else d


def progress(reports: list[dict[str, Any]]) -> dict[str, Any]:
    """Trends per dimension and per headline metric, and what improved or not (first vs last)."""
    dims: dict[str, list[int | None]] = {}
    for r in reports:
        for d in (r.get("feedback") or {}).get("dimensions", []):
            dims.setdefault(d["dimension"], [None] * len(reports))
    for i, r in enumerate(reports):
        for d in (r.get("feedback") or {}).get("dimensions", []):
            dims[d["dimension"]][i] = d["score"]
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
        {"label": label, "unit": unit, "better": better, "values": [_get(r, path) for r in reports]}
        for label, path, unit, better in _METRICS
    ]
    return {
        "labels": [r["_label"] for r in reports],
        "dates": [r.get("created_at") for r in reports],
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


def write_progress(paths: list[str | Path], out_dir: str | Path) -> tuple[dict[str, Any], Path]:
    """Compare the reports and write progress.html and progress.json into ``out_dir``."""
    p = progress(load_reports(paths))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "progress.json").write_text(json.dumps(p, indent=1) + "\n", encoding="utf-8")
    html = out / "progress.html"
    html.write_text(render_progress(p), encoding="utf-8")
    return p, html
