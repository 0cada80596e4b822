"""A plain, self-contained report.html: no scripts, no network, readable printed.

The rich interactive page (charts, synced player) is separate work; this one
shows every figure in report.json in words and tables. Everything taken
from the recording is HTML-escaped.
"""

from __future__ import annotations

from html import escape
from typing import Any

__all__ = ["render_html"]

_CSS = """
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:52rem;margin:2rem auto;
padding:0 1rem;color:#1d1d1f}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
.muted{color:#555}.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:.75rem}
.card{border:1px solid #ddd;border-radius:.5rem;padding:.6rem .8rem}.card b{display:block;font-size:1.4rem}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.25rem .5rem;border-bottom:1px solid #eee}
mark.filler{background:#ffe08a;border-radius:.2rem;padding:0 .15rem}mark.recovered{background:#ffc8a0}
.pause{color:#4b2f9a;background:#efeaff;border-radius:.6rem;padding:0 .4rem;font-size:.8em;white-space:nowrap}
.transcript{line-height:2}
.note{background:#f3f6ff;border-left:4px solid #5b7be0;padding:.4rem .8rem}
.overall b{font-size:2.4rem}.band{font-size:.75em;color:#555;text-transform:uppercase;letter-spacing:.03em}
tr.major td:first-child{border-left:4px solid #d9534f}tr.minor td:first-child{border-left:4px solid #f0ad4e}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}}
"""


def _fmt_time(t: float | None) -> str:
    if t is None:
        return "–"
    m, s = divmod(float(t), 60)
    return f"{int(m)}:{s:04.1f}"


def _num(x: Any, unit: str = "", nd: int = 0) -> str:
    if x is None:
        return "–"
    return f"{x:.{nd}f}{unit}" if isinstance(x, int | float) else escape(str(x))


def render_html(data: dict[str, Any]) -> str:
    """The page for a report dict (``report.json``'s content)."""
    src, summ, voice, tr = data["source"], data["summary"], data.get("voice"), data.get("transcript")
    name = escape(src["path"].replace("\\", "/").rsplit("/", 1)[-1])
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width,initial-scale=1'>",
        f"<title>Podium report: {name}</title><style>{_CSS}</style></head><body>",
        f"<h1>Podium report: {name}</h1>",
        f"<p class='muted'>{_fmt_time(src['duration_s'])} long · analysed {escape(str(data['created_at']))} · "
        f"Podium {escape(str(data['podium_version']))} · report schema {escape(str(data['schema_version']))}</p>",
    ]
    for note in data.get("notes", []):
        parts.append(f"<p class='note'>{escape(note)}</p>")
    if data.get("feedback"):
        parts.append(_coach_section(data["feedback"]))
    parts.append("<h2>At a glance</h2><div class='cards'>")
    cards = [
        ("Pace (speaking time)", _num(summ.get("wpm"), " wpm")),
        (
            "Fillers",
            f"{summ.get('fillers', 0)}"
            + (f" ({summ['fillers_per_min']:.1f}/min)" if summ.get("fillers_per_min") is not None else ""),
        ),
        ("Long pauses", str(summ.get("long_pauses", 0))),
        ("Pitch variation", _num(summ.get("pitch_variation_st"), " st", 1)),
        ("Loudness variation", _num(summ.get("loudness_variation_db"), " dB", 1)),
        ("Transcript confidence", _num(summ.get("transcript_confidence"), "", 2)),
    ]
    parts += [f"<div class='card'><span class='muted'>{escape(k)}</span><b>{v}</b></div>" for k, v in cards]
    parts.append("</div>")
    if voice:
        parts.append(_voice_section(voice, summ))
    if data.get("language"):
        parts.append(_language_section(data["language"]))
    if tr:
        parts.append(_transcript_section(tr, voice))
    parts.append("<p class='muted'>Made on this computer by Podium; nothing was uploaded.</p></body></html>")
    return "\n".join(parts)


def _coach_section(fb: dict[str, Any]) -> str:
    overall = fb.get("overall")
    out = ["<h2>Your coach</h2>"]
    out.append(f"<p class='overall'>Overall <b>{overall if overall is not None else '–'}</b>/100</p>")
    cov = fb.get("coverage", {})
    out.append(
        f"<p class='muted'>Based on {cov.get('speech_s', 0):.0f} s of speech and {cov.get('words', 0)} words; "
        f"transcript confidence {_num(cov.get('transcript_confidence'), '', 2)}"
        + (" (low: check the transcript before trusting the language figures)" if cov.get("low_confidence") else "")
        + f"; video {escape(str(cov.get('video', 'not analysed')))}.</p>"
    )
    if fb["priorities"]:
        out.append("<h3>Work on first</h3><ol>" + "".join(f"<li>{escape(p)}</li>" for p in fb["priorities"]) + "</ol>")
    if fb["strengths"]:
        out.append("<h3>What works</h3><ul>" + "".join(f"<li>{escape(s)}</li>" for s in fb["strengths"]) + "</ul>")
    out.append(
        "<h3>Scorecard</h3><table><tr><th>Dimension</th><th>Score</th><th>Figure</th><th>Aim</th>"
        "<th>One thing to try</th></tr>"
    )
    for d in fb["dimensions"]:
        score = (
            f"{d['score']} <span class='band'>{escape(d['band'])}</span>"
            if d["score"] is not None
            else (f"<span class='band'>unscored</span><br><span class='muted'>{escape(d['reason'] or '')}</span>")
        )
        out.append(
            f"<tr><th scope='row'>{escape(d['dimension'].replace('_', ' ').capitalize())}</th><td>{score}</td>"
            f"<td>{escape(d['value'])}</td><td class='muted'>{escape(d['target'])}</td><td>{escape(d['tip'])}</td></tr>"
        )
    out.append("</table>")
    if fb["moments"]:
        out.append("<h3>Moments</h3><table><tr><th>When</th><th>What</th><th>Try</th></tr>")
        for m in fb["moments"]:
            out.append(
                f"<tr class='{escape(m['severity'])}'><td>{_fmt_time(m['start'])}–{_fmt_time(m['end'])}</td>"
                f"<td>{escape(m['evidence'])}</td><td>{escape(m['tip'])}</td></tr>"
            )
        out.append("</table>")
    return "\n".join(out)


def _language_section(lang: dict[str, Any]) -> str:
    rd, voc, sent = lang["readability"], lang["vocabulary"], lang["sentiment"]
    rows = [
        ("Sentences", str(len(lang["sentences"]))),
        ("Words per sentence", _num(rd["words_per_sentence"], "", 1)),
        ("Reading ease (Flesch) / grade", f"{_num(rd['flesch_reading_ease'], '', 0)} / {_num(rd['fk_grade'], '', 1)}"),
        ("Vocabulary diversity (MATTR)", _num(voc["mattr"], "", 2)),
        ("Overall sentiment (−1 to 1)", _num(sent["compound"], "", 2)),
        ("Questions to the audience", str(len(lang["questions"]))),
        ("Key phrases", escape(", ".join(k["text"] for k in lang["key_phrases"]) or "–")),
        ("Overused words", escape(", ".join(f"{o['word']} ×{o['count']}" for o in lang["overused"]) or "none")),
    ]
    out = ["<h2>What the words do</h2><table>"]
    out += [f"<tr><th scope='row'>{escape(k)}</th><td>{v}</td></tr>" for k, v in rows]
    out.append("</table>")
    found = [*lang["hedges"], *lang["sensitive"], *lang["profanity"], *lang["repetitions"], *lang["undercuts"]]
    if found:
        out.append("<h3>Words to look at</h3><ul>")
        for f in sorted(found, key=lambda f: f["start"]):
            extra = f" — {escape(f['suggestion'])}" if f.get("suggestion") and f["kind"] != "hedge" else ""
            out.append(
                f"<li>{_fmt_time(f['start'])} <b>{escape(f['kind'].replace('_', ' '))}</b>: "
                f"“{escape(f['text'])}”{extra}</li>"
            )
        out.append("</ul>")
    return "\n".join(out)


def _voice_section(v: dict[str, Any], summ: dict[str, Any]) -> str:
    p, ld = v["pitch"], v["loudness"]
    rows = [
        ("Words per minute of speaking time", _num(v["wpm"], "", 1)),
        ("Words per minute over the whole recording", _num(v["wpm_overall"], "", 1)),
        ("Articulation rate (words per minute of sound)", _num(v["articulation_wpm"], "", 1)),
        ("Speaking time", _fmt_time(v["speaking_time_s"])),
        ("Pauses (≥ 0.25 s) / long (≥ 2 s)", f"{len(v['pauses'])} / {len(v['long_pauses'])}"),
        ("Median pitch", _num(p["median_hz"], " Hz")),
        ("Pitch spread / range", f"{_num(p['variation_st'], ' st', 1)} / {_num(p['range_st'], ' st', 1)}"),
        ("Median loudness / spread", f"{_num(ld['median_dbfs'], ' dBFS', 1)} / {_num(ld['variation_db'], ' dB', 1)}"),
        (
            "Fillers by kind",
            escape(", ".join(f"{k}: {n}" for k, n in summ.get("fillers_by_kind", {}).items()) or "none"),
        ),
    ]
    out = ["<h2>How it sounded</h2><table>"]
    out += [f"<tr><th scope='row'>{escape(k)}</th><td>{val}</td></tr>" for k, val in rows]
    out.append("</table>")
    if v["pace_timeline"] and len(v["pace_timeline"]) > 1:
        out.append("<h2>Pace over time</h2><table><tr><th>From</th><th>To</th><th>wpm</th></tr>")
        out += [
            f"<tr><td>{_fmt_time(w['start'])}</td><td>{_fmt_time(w['end'])}</td><td>{w['wpm']:.0f}</td></tr>"
            for w in v["pace_timeline"]
        ]
        out.append("</table>")
    spans = [("Monotone stretch", s) for s in p.get("monotone_spans", [])] + [
        ("Quiet stretch", s) for s in ld.get("quiet_spans", [])
    ]
    if spans:
        out.append("<h2>Stretches to listen to</h2><ul>")
        out += [f"<li>{escape(k)}: {_fmt_time(s['start'])}–{_fmt_time(s['end'])}</li>" for k, s in spans]
        out.append("</ul>")
    return "\n".join(out)


def _transcript_section(tr: dict[str, Any], v: dict[str, Any] | None) -> str:
    pauses = sorted(v["pauses"], key=lambda p: p["start"]) if v else []
    out = [
        "<h2>Transcript</h2><p class='muted'>Fillers are <mark class='filler'>marked</mark>; "
        "<mark class='filler recovered'>orange</mark> ones were heard in the audio where the recogniser wrote nothing. "
        "Pauses of 0.25 s or more are shown in <span class='pause'>purple</span>.</p><p class='transcript'>"
    ]
    k = 0
    for w in tr["words"]:
        while k < len(pauses) and pauses[k]["end"] <= w["start"] + 0.05:
            out.append(
                f"<span class='pause' title='pause at {_fmt_time(pauses[k]['start'])}'>"
                f"pause {pauses[k]['duration']:.1f} s</span> "
            )
            k += 1
        text = escape(w["text"])
        title = f"{_fmt_time(w['start'])} · confidence {w['confidence']:.2f}"
        if w["filler"]:
            cls = "filler recovered" if w.get("source") == "recovered" else "filler"
            title += f" · filler: {w['filler_kind']}"
            out.append(f"<mark class='{cls}' title='{escape(title)}'>{text}</mark> ")
        else:
            out.append(f"<span title='{escape(title)}'>{text}</span> ")
    out.append("</p>")
    return "".join(out)
