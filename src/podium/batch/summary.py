"""summary.csv and summary.html: every recording of a batch with its status, scores and figures."""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any

from .work import Outcome

__all__ = ["write_summary"]

_COLUMNS = [
    "name",
    "path",
    "speaker",
    "title",
    "talk",
    "status",
    "analysed",
    "error",
    "attempts",
    "duration_s",
    "overall_score",
]
# how a run's outcome reads in the summary: a report kept from an earlier run (--resume) is still "done"
_STATUS = {"skipped": ("done", "earlier run"), "done": ("done", "this run")}


def write_summary(root: Path, outcomes: list[Outcome]) -> tuple[Path, Path]:
    """summary.csv (one row per recording: status, which run analysed it, every top-level score and metric) and
    summary.html."""
    score_keys = sorted({k for o in outcomes for k in (o.summary.get("scores") or {})})
    metric_keys = sorted(
        {
            k
            for o in outcomes
            for k, v in o.summary.items()
            if k not in ("scores", "fillers_by_kind", "overall_score", "duration_s") and not isinstance(v, dict | list)
        }
    )
    header = _COLUMNS + [f"score_{k}" for k in score_keys] + metric_keys + ["report"]
    rows = []
    for o in outcomes:
        s = o.summary
        rows.append(
            [
                o.item.name,
                o.item.path,
                o.item.speaker,
                o.item.title,
                o.item.talk,
                *_STATUS.get(o.status, (o.status, "")),
                o.error,
                o.attempts,
                s.get("duration_s", ""),
                s.get("overall_score", ""),
            ]
            + [(s.get("scores") or {}).get(k, "") for k in score_keys]
            + [s.get(k, "") for k in metric_keys]
            + [f"{o.item.name}/report.html" if o.status in ("done", "skipped") else ""]
        )
    csv_path = root / "summary.csv"
    tmp = root / ".summary.csv.part"
    with open(tmp, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows([["" if v is None else v for v in r] for r in rows])
    os.replace(tmp, csv_path)
    html_path = root / "summary.html"
    html_path.write_text(_summary_html(header, rows), encoding="utf-8")
    return csv_path, html_path


def _summary_html(header: list[str], rows: list[list[Any]]) -> str:
    from html import escape

    from ..report.html import _asset, embed_json

    data = embed_json({"header": header, "rows": rows})
    done = sum(1 for r in rows if r[4] == "done")
    charts = "".join(
        _histogram(title, [r[i] for r in rows])
        for i, title in enumerate(header)
        if title == "overall_score" or title.startswith("score_")
    )
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'><title>Podium batch</title>"
        f"<style>{_asset('report.css')} th{{cursor:pointer}}</style></head><body><main>"
        f"<h1>Podium batch: {len(rows)} recordings</h1><p class='muted'>{done} analysed, {len(rows) - done} not. "
        "Click a column to sort.</p>"
        f"<section><h2 style='margin-top:0'>Across the cohort</h2><div class='cards'>{charts}</div></section>"
        "<section style='overflow-x:auto'><table id='t'></table></section>"
        f"<script type='application/json' id='d'>{data}</script><script>{_SORT_JS}</script>"
        f"<p class='muted small'>{escape('Made on this computer; nothing was uploaded.')}</p></main></body></html>\n"
    )


def _histogram(title: str, values: list[Any]) -> str:
    """Counts of scores in ten bands of 10 points, as a small SVG."""
    from html import escape

    vals = [float(v) for v in values if isinstance(v, int | float)]
    if not vals:
        return ""
    counts = [0] * 10
    for v in vals:
        counts[min(9, int(v // 10))] += 1
    top = max(counts)
    bars = "".join(
        f"<rect x='{10 + 20 * k}' y='{70 - 60 * c / top:.1f}' width='16' height='{60 * c / top:.1f}' fill='#3457d5'>"
        f"<title>{10 * k}-{10 * k + 9}: {c}</title></rect>"
        for k, c in enumerate(counts)
    )
    median = sorted(vals)[len(vals) // 2]
    name = escape(title.replace("score_", "").replace("_", " "))
    return (
        f"<div class='card'><h3>{name}</h3><svg viewBox='0 0 215 85' role='img' aria-label='{name} "
        f"distribution'>{bars}<text x='10' y='83' font-size='9'>0</text><text x='190' y='83' font-size='9'>100"
        f"</text></svg><p class='small muted'>{len(vals)} scored, median {median:.0f}</p></div>"
    )


_SORT_JS = """(function(){const D=JSON.parse(document.getElementById('d').textContent),t=document.getElementById('t');
let key=8,dir=-1;function draw(){t.textContent='';const h=document.createElement('tr');
D.header.forEach((c,i)=>{const th=document.createElement('th');th.textContent=c+(i===key?(dir>0?' ▲':' ▼'):'');
th.tabIndex=0;th.onclick=th.onkeydown=(e)=>{if(e.type==='keydown'&&e.key!=='Enter')return;
dir=key===i?-dir:-1;key=i;draw();};h.append(th);});t.append(h);
const rows=D.rows.slice().sort((a,b)=>{const x=a[key],y=b[key];if(x===y)return 0;if(x===''||x==null)return 1;
if(y===''||y==null)return -1;return (x<y?-1:1)*dir;});
for(const r of rows){const tr=document.createElement('tr');r.forEach((v,i)=>{const td=document.createElement('td');
if(i===r.length-1&&v){const a=document.createElement('a');a.href=v;a.textContent='report';td.append(a);}
else td.textContent=(v===null?'':String(v));tr.append(td);});t.append(tr);}}draw();})();"""
