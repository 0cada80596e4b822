"""Writing a :class:`~podium.types.Report` to a folder.

``write(report, out_dir)`` produces ``report.json`` (the versioned public
contract, see ``docs/report-json.md``), ``report.html`` (one self-contained
page that plays the recording from ``media/``), ``metrics.csv`` and
``transcript.srt`` / ``transcript.vtt``. Each file is
written to a temporary name and renamed, so a crash never leaves a
half-written report behind.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from dataclasses import replace
from pathlib import Path

from ..errors import InputError
from ..types import Report
from .html import render_html, render_page
from .json import SCHEMA_VERSION, summary, to_dict, to_json
from .playback import existing_media, place_media
from .read import from_dict, read
from .subtitles import cues, to_srt, to_vtt

__all__ = [
    "SCHEMA_VERSION",
    "cues",
    "from_dict",
    "named",
    "read",
    "redraw",
    "render_html",
    "summary",
    "to_csv",
    "to_dict",
    "to_json",
    "to_srt",
    "to_vtt",
    "write",
]


def write(
    report: Report,
    out_dir: str | os.PathLike[str],
    *,
    media: str = "link",
    name: str | None = None,
) -> dict[str, Path]:
    """Write every report file into ``out_dir`` (created if needed).

    Args:
        report: what ``podium.analyze`` returned.
        out_dir: the report folder.
        media: ``link`` the recording into ``out_dir/media`` (a copy where linking fails), ``copy`` it,
            or ``none``.
        name: the recording's file name to show instead of its path, and to give it under ``media/`` (the web
            app keeps its server's paths out of the reports it serves).

    Returns:
        ``{"json", "html", "csv", "srt", "vtt"}`` paths.

    Raises:
        InputError: ``out_dir`` exists and is not a folder, or cannot be written.
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: exists and is not a folder", out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(f"{out}: cannot create the report folder ({e.strerror or e})", out) from None
    source = report.source  # the recording to place; the report shows ``name`` instead of its path
    deck = (report.options.get("slides") or {}).get("deck") if report.slides is not None else None
    report = named(report, name)
    data = to_dict(report)
    words = report.transcript.words if report.transcript else ()
    try:
        placed = place_media(source, out, media, name)
    except OSError as e:
        raise InputError(f"{out}: cannot place the recording next to the report ({e.strerror or e})", out) from None
    if deck:
        from ..slides import thumbnails

        placed["slide_images"] = thumbnails(deck) or []
    files = {
        "json": ("report.json", to_json(data)),
        "html": ("report.html", render_page(data, placed)),
        "csv": ("metrics.csv", to_csv(report)),
        "srt": ("transcript.srt", to_srt(words)),
        "vtt": ("transcript.vtt", to_vtt(words)),
    }
    paths: dict[str, Path] = {}
    for key, (name, text) in files.items():
        paths[key] = _atomic_write(out / name, text)
    return paths


def redraw(folder: str | os.PathLike[str]) -> Path:
    """Redraw a report folder's report.json, report.html and metrics.csv from its report.json (after an upgrade, or
    after the recording was moved into its media folder). The page plays what is in ``folder/media`` now.

    Returns report.html's path.

    Raises:
        InputError: no readable report.json there, or the folder cannot be written.
    """
    out = Path(folder)
    if not (out / "report.json").is_file():
        raise InputError(f"{out}: no report.json here (give a folder written by 'podium analyze')", out)
    report = read(out)
    data = to_dict(report)
    _atomic_write(out / "report.json", to_json(data))
    _atomic_write(out / "metrics.csv", to_csv(report))
    return _atomic_write(out / "report.html", render_page(data, existing_media(report.source, out)))


def named(report: Report, name: str | None) -> Report:
    """``report`` as it is written when the recording is shown under ``name`` instead of its path (the web app
    keeps its server's paths out of every report it keeps)."""
    if not name:
        return report
    options = report.options
    if isinstance(options.get("slides"), dict):  # the deck and its timing file by name, not by path
        o = dict(options["slides"])
        o["deck"] = o.get("name") or Path(str(o.get("deck", ""))).name
        o["times"] = Path(str(o["times"])).name if o.get("times") else None
        options = {**options, "slides": o}
    return replace(report, source=replace(report.source, path=name), options=options)


def to_csv(report: Report) -> str:
    """metrics.csv: one row per dimension (in the registry's order), then the overall score and the headline figures."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["dimension", "score", "band", "value", "target", "basis", "tip"])
    fb = report.feedback
    for s in fb.scores if fb else ():
        w.writerow([s.dimension, "" if s.score is None else s.score, s.band, s.value, s.target, s.basis, s.tip])
    overall = fb.overall if fb else None
    w.writerow(["overall", "" if overall is None else overall, "", "", "", "", ""])
    for k, v in summary(report).items():
        if isinstance(v, int | float | str) or v is None:
            w.writerow([f"summary.{k}", "" if v is None else v, "", "", "", "", ""])
    return buf.getvalue()


_UMASK = os.umask(0)
os.umask(_UMASK)


def _atomic_write(path: Path, text: str) -> Path:
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; a report is an ordinary file
        os.replace(tmp, path)
    except OSError as e:
        raise InputError(f"{path}: cannot write ({e.strerror or e})", path) from None
    return path
