"""``podium batch``: many recordings in parallel, resumable, one failure never stops the rest.

Input is a folder (searched recursively for media files) or a CSV manifest
with a ``path`` column (``speaker`` and ``title`` are kept in the summary;
``options`` may hold JSON that changes options for that file, such as
``{"speech": {"beam_size": 1}, "voice": {"long_pause_s": 3}}``).
Each recording gets a report folder under ``out`` named stably from its path
(relative path with ``__`` for folders, plus a short hash, so equal file names
in different folders never collide). A report is written under a temporary
name and renamed when complete, with a ``.podium-done.json`` stamp holding the
input's sha256 and the options' hash: ``--resume`` skips exactly the
recordings whose stamp matches. ``summary.csv`` and ``summary.html`` list
every recording with its status and scores.

Engines: ``local`` (a process pool; a worker that dies is replaced and its
recording retried once) and ``ray`` (one task per recording, on a Ray
cluster; the same outputs). Only the Ray engine imports Ray. With ``--db``
every finished recording is also recorded in the store (``podium.store``).
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .cores import per_worker
from .errors import InputError, MissingDependency, ParameterError
from .options import AnalysisOptions

__all__ = ["Item", "Outcome", "default_workers", "discover", "run"]

log = logging.getLogger(__name__)

MEDIA_SUFFIXES = {".mp4", ".mov", ".mkv", ".webm", ".avi", ".mpg", ".mpeg", ".m4v", ".wav", ".flac", ".mp3", ".m4a",
                  ".ogg", ".opus", ".aac", ".wma"}  # fmt: skip
STAMP = ".podium-done.json"


@dataclass(frozen=True)
class Item:
    """One recording to analyse."""

    path: str
    name: str
    speaker: str = ""
    title: str = ""
    options: str = ""  # JSON of option sections to change for this recording, e.g. {"speech": {"beam_size": 1}}


@dataclass
class Outcome:
    """What happened to one recording."""

    item: Item
    status: str  # done, skipped, failed
    error: str = ""
    seconds: float = 0.0
    summary: dict[str, Any] = field(default_factory=dict)
    attempts: int = 0


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
        for row in rows:
            p = Path(row["path"])
            if not p.is_absolute():
                p = (src.parent / p).resolve()
            extra = (row.get("options") or "").strip()
            if extra:
                _item_options(AnalysisOptions(), Item(str(p), "", options=extra))  # a bad cell fails now, naming it
            items.append(
                Item(
                    str(p), _name(Path(row["path"]), p), row.get("speaker", "") or "", row.get("title", "") or "", extra
                )
            )
    else:
        raise InputError(f"{src}: not a folder or a .csv manifest", src)
    if not items:
        raise InputError(f"{src}: no recordings found (looked for {', '.join(sorted(MEDIA_SUFFIXES))})", src)
    return items


def _name(rel: Path, full: Path) -> str:
    stem = "__".join(rel.parts)
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in stem)[:80]
    digest = hashlib.sha256(str(full.resolve()).encode()).hexdigest()[:8]
    return f"{safe}-{digest}"


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


def _item_options(options: AnalysisOptions, item: Item) -> AnalysisOptions:
    """The batch's options with the item's own changes (a manifest's ``options`` column) laid over them."""
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


def _file_hash(path: str) -> str:
    from .media import file_sha256

    return file_sha256(path)


def _complete(out: Path, item: Item, options: AnalysisOptions) -> bool:
    stamp = out / item.name / STAMP
    try:
        data = json.loads(stamp.read_text())
        return data["options"] == _options_hash(_item_options(options, item)) and data["sha256"] == _file_hash(
            item.path
        )
    except (OSError, ValueError, KeyError):
        return False


def analyse_one(item: Item, out: str, options: AnalysisOptions) -> dict[str, Any]:
    """Worker: analyse one recording into ``out/item.name`` (temporary name, then rename). Picklable."""
    from . import analyze, write_report
    from .report import to_dict

    t = time.perf_counter()
    final = Path(out) / item.name
    tmp = Path(out) / f".{item.name}.partial-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    options = _item_options(options, item)
    opt_hash = _options_hash(options)
    report = analyze(item.path, options)
    write_report(report, tmp)
    data = to_dict(report)
    (tmp / STAMP).write_text(json.dumps({"sha256": report.source.sha256, "options": opt_hash}))
    if final.exists():
        shutil.rmtree(final)
    os.replace(tmp, final)
    return {"seconds": time.perf_counter() - t, "summary": data["summary"], "duration_s": report.source.duration_s}


def run(
    items: Iterable[Item],
    out: str | os.PathLike[str],
    options: AnalysisOptions | None = None,
    *,
    workers: int | None = None,
    resume: bool = False,
    on_update: Callable[[Outcome, int, int], None] | None = None,
    engine: str = "local",
    address: str | None = None,
    db: str | None = None,
) -> list[Outcome]:
    """Analyse every item in parallel; write ``summary.csv`` and ``summary.html``.

    Args:
        engine: ``local`` (a process pool of ``workers``) or ``ray`` (one Ray task per recording, on the cluster at
            ``address``, or a local one started for the run when ``address`` is ``None``; the report folder must be
            on storage every node can write).
        db: a database URL (``sqlite:///path`` or ``postgresql://...``): every finished recording is also
            recorded in the store the web app reads (recording, job, analysis with its scores).

    A recording that fails is recorded with its error; a worker that dies is replaced and its recording retried
    once. ``KeyboardInterrupt`` stops the workers and leaves only complete reports (and the summary so far).
    """
    if engine not in ("local", "ray"):
        raise ParameterError(f"engine={engine!r}: must be 'local' or 'ray'")
    options = options or AnalysisOptions()
    items = list(items)
    workers = workers or default_workers()
    if workers < 1:
        raise ParameterError(f"workers={workers}: must be at least 1")
    if options.speech.cpu_threads == 0:  # share the cores: workers must not oversubscribe the CPU
        options = replace(options, speech=replace(options.speech, cpu_threads=per_worker(workers)))
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    for stale in root.glob(".*.partial-*"):  # left by a run that was killed
        shutil.rmtree(stale, ignore_errors=True)
    store = None
    if db:
        from .store import open_store

        store = open_store(db)
    outcomes: dict[str, Outcome] = {}
    todo: list[Item] = []
    for it in items:
        if resume and _complete(root, it, options):
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
    attempts = {it.name: 0 for it in todo}
    pending = list(todo)
    try:
        if engine == "ray" and pending:
            _ray_round(pending, root, options, workers, address, report)
            pending = []
        while pending:
            pending = _round(pending, root, options, workers, attempts, report)
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


def _round(
    pending: list[Item],
    root: Path,
    options: AnalysisOptions,
    workers: int,
    attempts: dict[str, int],
    report: Callable[[Outcome], None],
) -> list[Item]:
    """Run ``pending`` in one pool; return the items to retry because their worker died."""
    import multiprocessing

    retry: list[Item] = []
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=_worker_init)
    try:
        futures: dict[Future[Any], Item] = {}
        for it in pending:
            attempts[it.name] += 1
            futures[pool.submit(analyse_one, it, str(root), options)] = it
        while futures:
            done, _ = wait(futures, return_when=FIRST_COMPLETED)
            for fut in done:
                it = futures.pop(fut)
                try:
                    r = fut.result()
                    report(Outcome(it, "done", seconds=r["seconds"], summary=r["summary"], attempts=attempts[it.name]))
                except BrokenProcessPool:
                    # the pool is broken: this one and every unfinished one go round again (once each)
                    for other in [it, *futures.values()]:
                        if attempts[other.name] < 2:
                            retry.append(other)
                        else:
                            report(
                                Outcome(
                                    other,
                                    "failed",
                                    "the analysis process died (killed or out of memory)",
                                    attempts=attempts[other.name],
                                )
                            )
                    futures.clear()
                    break
                except Exception as e:
                    report(
                        Outcome(it, "failed", " ".join(str(e).split()) or type(e).__name__, attempts=attempts[it.name])
                    )
    except KeyboardInterrupt:
        # stop now: running analyses are killed (their temporary folders are removed by the caller)
        for proc in list(getattr(pool, "_processes", {}).values()):
            proc.terminate()
        raise
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    return retry


def _ray_round(
    pending: list[Item],
    root: Path,
    options: AnalysisOptions,
    workers: int,
    address: str | None,
    report: Callable[[Outcome], None],
) -> None:
    """One Ray task per recording; Ray retries a task whose worker died once (max_retries=1)."""
    try:
        import ray
    except ImportError as e:
        raise MissingDependency("the Ray engine needs Ray: pip install 'podium-coach[ray]'") from e
    started = not ray.is_initialized()
    if started:
        ray.init(
            address=address,
            include_dashboard=False,
            log_to_driver=False,
            logging_level=logging.ERROR,
            num_cpus=None if address else (os.cpu_count() or 1),  # a cluster brings its own CPUs
        )
    try:
        threads = options.speech.cpu_threads or 1
        task = ray.remote(num_cpus=threads, memory=int(1.5 * 2**30), max_retries=1)(analyse_one)
        refs = {task.remote(it, str(root), options): it for it in pending}
        while refs:
            ready, _ = ray.wait(list(refs), num_returns=1)
            for ref in ready:
                it = refs.pop(ref)
                try:
                    r = ray.get(ref)
                    report(Outcome(it, "done", seconds=r["seconds"], summary=r["summary"], attempts=1))
                except ray.exceptions.RayTaskError as e:
                    cause = e.cause if getattr(e, "cause", None) is not None else e
                    report(Outcome(it, "failed", " ".join(str(cause).split()) or type(cause).__name__, attempts=1))
                except ray.exceptions.RayError as e:  # the worker died twice, or the node went away
                    report(Outcome(it, "failed", f"the analysis process died ({type(e).__name__})", attempts=2))
    except KeyboardInterrupt:
        for ref in list(locals().get("refs", {})):
            ray.cancel(ref, force=True)
        raise
    finally:
        if started:
            ray.shutdown()


def _worker_init() -> None:
    """Workers leave Ctrl-C to the parent, which stops them itself (a terminal sends SIGINT to the whole group)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _to_store(store: Any, root: Path, o: Outcome) -> None:
    report = None
    if o.status == "done":
        try:
            report = json.loads((root / o.item.name / "report.json").read_text())
        except (OSError, ValueError) as e:
            o.error = f"analysed, but the report could not be read back for the store: {e}"
    try:
        sha = _file_hash(o.item.path)
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
    )


def _read_summary(folder: Path) -> dict[str, Any]:
    try:
        return json.loads((folder / "report.json").read_text())["summary"]
    except (OSError, ValueError, KeyError):
        return {}


_COLUMNS = ["name", "path", "speaker", "title", "status", "error", "attempts", "duration_s", "overall_score"]


def write_summary(root: Path, outcomes: list[Outcome]) -> tuple[Path, Path]:
    """summary.csv (one row per recording: status, every top-level score and metric) and summary.html."""
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
                o.status,
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

    from .report.html import _asset, embed_json

    data = embed_json({"header": header, "rows": rows})
    done = sum(1 for r in rows if r[4] in ("done", "skipped"))
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
