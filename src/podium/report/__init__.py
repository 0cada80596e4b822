"""Writing a :class:`~podium.types.Report` to a folder.

``write(report, out_dir)`` produces ``report.json`` (the versioned public
contract, see ``docs/report-json.md``), ``report.html`` (a plain page; no
network, no scripts), and ``transcript.srt`` / ``transcript.vtt``. Each file is
written to a temporary name and renamed, so a crash never leaves a
half-written report behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..errors import InputError
from ..types import Report
from .html import render_html
from .json import SCHEMA_VERSION, from_json, to_dict, to_json
from .subtitles import cues, to_srt, to_vtt

__all__ = ["SCHEMA_VERSION", "cues", "from_json", "render_html", "to_dict", "to_json", "to_srt", "to_vtt", "write"]


def write(report: Report, out_dir: str | os.PathLike[str]) -> dict[str, Path]:
    """Write every report file into ``out_dir`` (created if needed).

    Returns:
        ``{"json": path, "html": path, "srt": path, "vtt": path}``.

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
    data = to_dict(report)
    words = report.transcript.words if report.transcript else ()
    files = {
        "json": ("report.json", to_json(data)),
        "html": ("report.html", render_html(data)),
        "srt": ("transcript.srt", to_srt(words)),
        "vtt": ("transcript.vtt", to_vtt(words)),
    }
    paths: dict[str, Path] = {}
    for key, (name, text) in files.items():
        paths[key] = _atomic_write(out / name, text)
    return paths


def _atomic_write(path: Path, text: str) -> Path:
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except OSError as e:
        raise InputError(f"{path}: cannot write ({e.strerror or e})", path) from None
    return path
