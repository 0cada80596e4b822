"""``podium batch``: many recordings in parallel, resumable, one failure never stops the rest.

Input is a folder (searched recursively for media files) or a CSV manifest
with a ``path`` column (``speaker`` and ``title`` are kept in the summary,
``talk`` too and in each report: which talk the recording is a take of;
``options`` may hold JSON that changes options for that file, such as
``{"speech": {"beam_size": 1}, "voice": {"long_pause_s": 3}}``; ``slides``,
``slide_times`` and ``target_minutes`` give the talk's deck, as
``podium analyze --slides`` does; a deck that cannot be read leaves its talk
analysed without it, with a note).
Each recording gets a report folder under ``out`` named stably from its path
(relative path with ``__`` for folders, plus a short hash, so equal file names
in different folders never collide). A report is written under a temporary
name and renamed when complete, with a ``.podium-done.json`` stamp holding the
input's sha256 and the options' hash: ``--resume`` skips exactly the
recordings whose stamp matches. ``summary.csv`` and ``summary.html`` list
every recording with its status and scores.

Engines sit behind one small interface (``engines.Engine``), chosen by name at
the edge (``engine_named("ray", address=...)``): ``LocalEngine`` (a process
pool; a worker that dies is replaced and its recording retried once) and
``RayEngine`` (one task per recording, on a Ray cluster; the same outputs).
Only the Ray engine imports Ray. With ``--db`` every finished recording is
also recorded in the store (``podium.store``).

    work.py      Item, Outcome, what one worker does (analyse_one), resume stamps
    engines.py   Engine, LocalEngine, RayEngine, engine_named
    summary.py   summary.csv and summary.html
"""

from __future__ import annotations

import csv
import hashlib
import logging
import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ..cores import sharing_cores
from ..errors import InputError, ParameterError
from ..options import TALK_MAX, AnalysisOptions, talk_name
from ..report import read
from ..report import summary as headline
from .engines import ENGINES, Engine, LocalEngine, RayEngine, engine_named
from .summary import write_summary
from .work import STAMP, Item, Outcome, analyse_one, complete, file_hash, item_options

__all__ = [
    "ENGINES",
    "STAMP",
    "Engine",
    "Item",
    "LocalEngine",
    "Outcome",
    "RayEngine",
    "analyse_one",
    "default_workers",
    "discover",
    "engine_named",
    "run",
    "write_summary",
]

log = logging.getLogger(__name__)

MEDIA_SUFFIXES = {".mp4", ".mov", ".mkv", ".webm", ".avi", ".mpg", ".mpeg", ".m4v", ".wav", ".flac", ".mp3", ".m4a",
                  ".ogg", ".opus", ".aac", ".wma"}  # fmt: skip


def default_workers() -> int:
    """One analysis per core (each then runs its recogniser on one thread), memory permitting (~1.5 GB each).

    Measured on 2 cores with 62 short recordings: 2 workers of one thread each analyse 2.0x as many a minute as
    one worker using both threads (bench/batch_bench.py).
    """
    cores = os.cpu_count() or 1
    try:
        mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        mem_gb = 8.0
    return max(1, min(cores, int(mem_gb // 1.5)))


def discover(source: str | os.PathLike[str]) -> list[Item]:
    """Recordings in a folder (recursively) or a CSV manifest.

    Raises:
        InputError: missing source, manifest without a ``path`` column, nothing to analyse.
    """
    src = Path(source)
    if src.is_dir():
        files = sorted(
            p
            for p in src.rglob("*")
            if p.is_file()
            and p.suffix.lower() in MEDIA_SUFFIXES
            and not any(part.startswith(".") for part in p.relative_to(src).parts)
        )
        items = [Item(str(p), _name(p.relative_to(src), p)) for p in files]
    elif src.is_file() and src.suffix.lower() == ".csv":
        with open(src, newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            if "path" not in (reader.fieldnames or []):
                raise InputError(f"{src}: a manifest needs a 'path' column (and may have speaker, title)", src)
            rows = list(reader)
        items = []
        seen: dict[Path, int] = {}
        for row in rows:
            p = Path(row["path"])
            if not p.is_absolute():
                p = (src.parent / p).resolve()
            extra = (row.get("options") or "").strip()
            if extra:
                item_options(AnalysisOptions(), Item(str(p), "", options=extra))  # a bad cell fails now, naming it
            deck, times = (_beside(src, row.get(k)) for k in ("slides", "slide_times"))
            target = (row.get("target_minutes") or "").strip()
            try:
                minutes = float(target) if target else None
                if minutes is not None and not (0 < minutes < 1e6):
                    raise ValueError(target)
            except ValueError:
                why = f"{src}: target_minutes {target!r} for {row['path']} is not a number of minutes"
                raise InputError(why, src) from None
            seen[p] = seen.get(p, 0) + 1
            name = _name(Path(row["path"]), p, seen[p])
            speaker, title = row.get("speaker", "") or "", row.get("title", "") or ""
            try:
                talk = talk_name(row.get("talk")) or ""
            except ParameterError:
                why = f"{src}: the talk named for {row['path']} is over {TALK_MAX} characters"
                raise InputError(why, src) from None
            items.append(Item(str(p), name, speaker, title, extra, deck, times, minutes, talk))
    else:
        raise InputError(f"{src}: not a folder or a .csv manifest", src)
    if not items:
        raise InputError(f"{src}: no recordings found (looked for {', '.join(sorted(MEDIA_SUFFIXES))})", src)
    return items


def _beside(manifest: Path, cell: str | None) -> str:
    """A manifest's file cell as a path (relative to the manifest's folder), or ``""``."""
    cell = (cell or "").strip()
    if not cell:
        return ""
    p = Path(cell)
    return str(p if p.is_absolute() else (manifest.parent / p).resolve())


def _name(rel: Path, full: Path, take: int = 1) -> str:
    """A report folder's name: the path made safe, and a short hash of the full path; a recording listed again in a
    manifest (other options, another deck) is its ``take``-th row and gets a folder of its own."""
    stem = "__".join(rel.parts)
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in stem)[:80]
    digest = hashlib.sha256(str(full.resolve()).encode()).hexdigest()[:8]
    return f"{safe}-{digest}" + (f"-{take}" if take > 1 else "")


def run(
    items: Iterable[Item],
    out: str | os.PathLike[str],
    options: AnalysisOptions | None = None,
    *,
    workers: int | None = None,
    resume: bool = False,
    on_update: Callable[[Outcome, int, int], None] | None = None,
    engine: Engine | None = None,
    db: str | None = None,
) -> list[Outcome]:
    """Analyse every item in parallel; write ``summary.csv`` and ``summary.html``.

    Args:
        engine: where the analyses run: :class:`LocalEngine` (default, a process pool of ``workers``) or
            :class:`RayEngine` (see ``engine_named``).
        db: a database URL (``sqlite:///path`` or ``postgresql://...``): every finished recording is also
            recorded in the store the web app reads (recording, job, analysis with its scores).

    A recording that fails is recorded with its error; a worker that dies is replaced and its recording retried
    once. ``KeyboardInterrupt`` stops the workers and leaves only complete reports (and the summary so far).
    """
    engine = engine or LocalEngine()
    options = options or AnalysisOptions()
    items = list(items)
    workers = workers or default_workers()
    if workers < 1:
        raise ParameterError(f"workers={workers}: must be at least 1")
    options = sharing_cores(options, workers)  # workers must not oversubscribe the CPU
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    for stale in root.glob(".*.partial-*"):  # left by a run that was killed
        shutil.rmtree(stale, ignore_errors=True)
    store = None
    if db:
        from ..store import open_store

        store = open_store(db)
    outcomes: dict[str, Outcome] = {}
    todo: list[Item] = []
    for it in items:
        if resume and complete(root, it, options):
            outcomes[it.name] = Outcome(it, "skipped", summary=_read_summary(root / it.name))
        else:
            todo.append(it)
    total = len(items)

    def report(o: Outcome) -> None:
        outcomes[o.item.name] = o
        if store is not None and o.status in ("done", "failed"):
            _to_store(store, root, o)
        if on_update is not None:
            on_update(o, sum(x.status != "pending" for x in outcomes.values()), total)

    for o in list(outcomes.values()):
        report(o)
    try:
        engine.run(list(todo), root, options, workers, report)
    except KeyboardInterrupt:
        for stale in root.glob(".*.partial-*"):
            shutil.rmtree(stale, ignore_errors=True)
        write_summary(root, [outcomes.get(it.name) or Outcome(it, "interrupted") for it in items])
        raise
    finally:
        if store is not None:
            store.close()
    result = [outcomes[it.name] for it in items]
    write_summary(root, result)
    return result


def _to_store(store: Any, root: Path, o: Outcome) -> None:
    report = None
    if o.status == "done":
        try:
            report = read(root / o.item.name)
        except InputError as e:
            o.error = f"analysed, but the report could not be read back for the store: {e}"
    try:
        sha = file_hash(o.item.path)
    except OSError:
        sha = ""
    store.record(
        path=o.item.path,
        sha256=sha,
        report=report,
        report_dir=str((root / o.item.name).resolve()) if report else None,
        status=o.status,
        error=o.error,
        attempts=o.attempts,
        speaker=o.item.speaker,
        title=o.item.title,
        talk=o.item.talk,
    )


def _read_summary(folder: Path) -> dict[str, Any]:
    try:
        return headline(read(folder))
    except InputError:
        return {}
