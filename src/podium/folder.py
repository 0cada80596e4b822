"""Analyse a recording into a report folder, atomically: the one way the CLI, batch and the web worker do it.

The folder is written under a temporary name beside its final place and renamed
into place only when complete, so a crash, a kill or a full disk never leaves a
half-written report where a finished one is expected. Everything that can be
checked before the analysis starts (where the folder goes) is checked first.
Cores are shared by one rule (``podium.cores.sharing_cores``).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path

from .cores import sharing_cores
from .errors import InputError
from .options import AnalysisOptions
from .pipeline import ProgressHook, analyze
from .report import named, write
from .types import Report

__all__ = ["analyze_to_folder", "check_out"]


def check_out(out: str | os.PathLike[str]) -> Path:
    """``out`` as a report folder to (re)write, checked before any work: not a file, not a folder of other things,
    and its parent can be written.

    Raises:
        InputError: with what is wrong with ``out``.
    """
    p = Path(out)
    if p.exists() and not p.is_dir():
        raise InputError(f"{p}: exists and is not a folder; give a new folder name for the report", p)
    if p.is_dir() and any(p.iterdir()) and not (p / "report.json").is_file():
        raise InputError(f"{p}: is a folder of other files, not a report folder; give a new folder name", p)
    parent = p.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(f"{parent}: cannot create the folder for the report ({e.strerror or e})", parent) from None
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(f"{parent}: cannot write here (permission denied); choose another --out", parent)
    return p


def analyze_to_folder(
    path: str | os.PathLike[str],
    out: str | os.PathLike[str],
    options: AnalysisOptions | None = None,
    *,
    progress: ProgressHook | None = None,
    workers: int = 1,
    name: str | None = None,
    extra: Callable[[Report], Mapping[str, str]] | None = None,
) -> Report:
    """Analyse ``path`` and write its report folder at ``out`` (replacing an earlier report there); return the
    report as written (shown under ``name`` when one is given).

    Args:
        path: the recording.
        out: the report folder.
        options: analysis options; when they leave the recogniser's threads unset (0), this analysis gets
            ``cores // workers`` of them.
        progress: called between and during stages (see ``pipeline.analyze``).
        workers: how many analyses run at once on this machine.
        name: the recording's name to show instead of its path (see ``report.write``).
        extra: more files to write into the folder, from the report (name -> text), e.g. batch's completion stamp.

    Raises:
        InputError: the recording or the folder cannot be used; and everything ``pipeline.analyze`` raises.
    """
    final = check_out(out)
    options = sharing_cores(options or AnalysisOptions(), workers)
    report = analyze(path, options, progress)
    tmp = final.parent / f".{final.name}.partial-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        if progress is not None:
            progress("report", 0, 1)
        write(report, tmp, name=name)
        for fname, text in (extra(report) if extra else {}).items():
            (tmp / fname).write_text(text, encoding="utf-8")
        if final.is_dir():
            shutil.rmtree(final)
        os.replace(tmp, final)
    except OSError as e:
        raise InputError(f"{final}: cannot write the report ({e.strerror or e})", final) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return named(report, name)
