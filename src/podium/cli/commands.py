"""The ``podium`` commands, one function each: ``fn(namespace) -> exit code``. They raise PodiumError for the
user's mistakes; ``podium.cli.main`` turns those into one line on stderr and exit code 1."""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from ..errors import ParameterError
from .output import Progress, summary
from .parser import analysis_options

__all__ = ["COMMANDS"]


def _analyze(ns: argparse.Namespace) -> int:
    from ..folder import analyze_to_folder
    from ..report import to_dict, to_json

    options = analysis_options(ns)
    if ns.slides is not None:
        from ..options import SlideOptions

        deck = SlideOptions(ns.slides, ns.slide_times, ns.target_minutes, ns.slides_optional)
        options = dataclasses.replace(options, slides=deck)
    elif ns.slide_times is not None or ns.target_minutes is not None:
        raise ParameterError("--slide-times and --target-minutes need --slides DECK")
    if ns.talk is not None:
        from ..options import TALK_MAX, talk_name

        try:
            talk = talk_name(ns.talk)
        except ParameterError:
            talk = None
        if talk is None:
            raise ParameterError(f'--talk needs the talk\'s name, 1-{TALK_MAX} characters (e.g. --talk "Keynote")')
        options = dataclasses.replace(options, talk=talk)
    src = Path(ns.file)
    out = Path(ns.out) if ns.out else Path.cwd() / f"{src.stem or 'recording'}.podium"
    with Progress(enabled=not ns.quiet) as bar:
        report = analyze_to_folder(src, out, options, progress=bar.update)
    if ns.json:
        sys.stdout.write(to_json(to_dict(report)))
    elif not ns.quiet:
        print(summary(report, out / "report.html"))
    return 0


def _batch(ns: argparse.Namespace) -> int:
    from .. import batch
    from ..store import default_url

    items = batch.discover(ns.source)
    options = analysis_options(ns)
    workers = ns.workers or batch.default_workers()
    bar: Any = None
    if not ns.quiet and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(
            total=len(items), unit="rec", file=sys.stderr, ncols=min(100, shutil.get_terminal_size().columns or 80)
        )
    counts = {"done": 0, "failed": 0, "skipped": 0}

    def update(o: Any, finished: int, total: int) -> None:
        counts[o.status] = counts.get(o.status, 0) + 1
        if bar is not None:
            bar.update(1)
            bar.set_postfix(done=counts["done"], failed=counts["failed"], skipped=counts["skipped"])
        elif not ns.quiet:
            print(
                f"[{finished}/{total}] {o.status:7s} {o.item.path}" + (f": {o.error}" if o.error else ""),
                file=sys.stderr,
            )

    try:
        results = batch.run(
            items,
            ns.out,
            options,
            workers=workers,
            resume=ns.resume,
            on_update=update,
            engine=batch.engine_named(ns.engine, address=ns.address),
            db=(ns.db or default_url(ns.out)) if ns.db is not None else None,
        )
    finally:
        if bar is not None:
            bar.close()
    failed = [r for r in results if r.status == "failed"]
    print(
        f"{len(results)} recordings: {counts['done']} analysed, {counts['skipped']} already done, "
        f"{len(failed)} failed ({workers} workers)"
    )
    for r in failed:
        print(f"  failed: {r.item.path}: {r.error}")
    print(f"Summary: {(Path(ns.out) / 'summary.html').resolve()}")
    return 1 if failed and len(failed) == len(results) else 0


def _user(ns: argparse.Namespace) -> int:
    from ..store import data_dir, default_url, open_store

    if ns.action is None:
        raise ParameterError("say what to do: 'podium user add EMAIL' or 'podium user passwd EMAIL'")
    if ns.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        import getpass

        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            raise ParameterError("the two passwords differ")
    url = ns.db or os.environ.get("PODIUM_DB") or default_url(Path(ns.data) if ns.data else data_dir())
    store = open_store(url)
    try:
        if ns.action == "add":
            store.add_user(ns.email, ns.name, ns.role, password, ns.team)
            print(f"Added {ns.role} {ns.email.strip().lower()}" + (f" to team {ns.team}" if ns.team else ""))
        else:
            store.set_password(ns.email, password)
            print(f"Password changed for {ns.email.strip().lower()}")
    finally:
        store.close()
    return 0


def _web_settings(ns: argparse.Namespace, **flags: Any) -> Any:
    from ..web import Settings

    return Settings.from_env(
        data=Path(ns.data) if ns.data else None,
        db=ns.db,
        analyze_face=False if ns.no_face else None,
        **flags,
    )


def _serve(ns: argparse.Namespace) -> int:
    from ..web import serve

    settings = _web_settings(
        ns,
        host=ns.host,
        port=ns.port,
        workers=ns.workers,
        max_upload_mb=ns.max_upload_mb,
        forwarded_allow_ips=ns.forwarded_allow_ips,
    )
    logging.getLogger("podium").setLevel(min(logging.getLogger("podium").getEffectiveLevel(), logging.INFO))
    where = "this machine only" if settings.loopback else "other machines too"
    print(f"Podium on http://{settings.host}:{settings.port} ({where}); data in {settings.data}", file=sys.stderr)
    serve(settings)
    return 0


def _rehearse(ns: argparse.Namespace) -> int:
    import threading
    import webbrowser

    from ..web import serve

    settings = _web_settings(ns, host="127.0.0.1", port=ns.port, workers=1, single_user=True)
    url = f"http://127.0.0.1:{settings.port}/rehearse"
    print(f"Podium rehearsal on {url} (this machine only); recordings in {settings.data}. Ctrl-C stops it.",
          file=sys.stderr)  # fmt: skip
    if not ns.no_browser:
        threading.Timer(1.5, webbrowser.open, args=(url,)).start()
    serve(settings)
    return 0


def _worker(ns: argparse.Namespace) -> int:
    from ..web.jobs import run_worker

    if ns.nice and hasattr(os, "nice"):  # POSIX; the analysis's face process inherits it
        os.nice(ns.nice)
    n = run_worker(_web_settings(ns), once=ns.once)
    print(f"worker: {n} job{'s' * (n != 1)} finished", file=sys.stderr)
    return 0


def _setup(ns: argparse.Namespace) -> int:
    from ..models import setup

    setup(expressions=ns.expressions, wheels=Path(ns.wheels) if ns.wheels else None, say=print)
    print("Done. 'podium doctor' lists every model.")
    return 0


def _doctor(ns: argparse.Namespace) -> int:
    from ..models import models_dir, status

    missing = 0
    for m in status():
        mark = "ok" if m.present else ("absent (optional)" if m.opt_in else "MISSING")
        missing += not m.present and not m.opt_in
        print(f"{m.name:<11} {mark}")
        print(f"  {m.job}; used for {m.needed_for}")
        print(f"  source: {m.source}; licence: {m.licence}")
        print(f"  {m.where}" if m.present else f"  {m.problem}")
    print(f"Models folder: {models_dir()}")
    return 1 if missing else 0


def _report(ns: argparse.Namespace) -> int:
    from ..report import redraw
    from ..report.pdf import print_pdf

    folder = Path(ns.dir)
    html = redraw(folder)
    print(f"Report: {html.resolve()}")
    if ns.pdf:
        print(f"PDF: {print_pdf(html, folder / 'report.pdf').resolve()}")
    return 0


def _compare(ns: argparse.Namespace) -> int:
    from ..report.compare import write_progress

    p, html = write_progress(ns.reports, ns.out)
    for title, items in (("Improved", p["improved"]), ("Got worse", p["declined"]), ("About the same", p["steady"])):
        if items:
            print(f"{title}: " + ", ".join(f"{i['dimension'].replace('_', ' ')} {i['from']}→{i['to']}" for i in items))
    print(f"Progress: {html.resolve()}")
    return 0


def _eval(ns: argparse.Namespace) -> int:
    if ns.what == "faces":
        from ..eval.faces import evaluate

        result = evaluate(ns.dir, expressions=ns.expressions)
        for key, value in result.items():
            if isinstance(value, dict) and "share" in value:
                print(
                    f"{key.replace('_', ' '):32s} {value['right']} of {value['of']}"
                    + (f" ({value['share']:.0%})" if value["share"] is not None else "")
                )
            elif isinstance(value, dict):
                for name, v in value.items():
                    print(f"face presence agrees, {name:18s} {v['right']} of {v['of']} samples ({v['share']:.0%})")
            else:
                print(f"{key.replace('_', ' '):32s} {value}")
        return 0
    return _eval_speech(ns)


def _eval_speech(ns: argparse.Namespace) -> int:
    from ..eval.events import UNTIMED
    from ..eval.speech import FILLED_PAUSES, UM_UH, evaluate

    options = analysis_options(ns)

    def show(f: Any) -> None:
        print(
            f"{f.name[:44]:44s} WER {f.wer.wer:6.3f}  "
            f"fillers ref {_counts(f.ref_fillers)}  found {_counts(f.hyp_fillers)}"
        )

    result = evaluate(ns.dir, options, on_file=show, tolerance_s=ns.tolerance)
    print(
        f"\nOverall WER {result.wer:.4f} over {sum(f.wer.ref_words for f in result.files)} reference words "
        f"in {len(result.files)} files"
    )
    worst = max(result.files, key=lambda f: f.wer.wer)
    print(f"Worst file: {worst.name} (WER {worst.wer.wer:.3f})")
    print("\nFillers        precision  recall     F1   (tp/fp/fn)")
    rows = [("um+uh", result.filler_scores(UM_UH)), ("um/uh/hm", result.filler_scores(FILLED_PAUSES))]
    rows += [(k, result.filler_scores((k,))) for k in result.kinds()]
    for k, s in rows:
        print(f"{k:14s} {s['precision']:9.3f} {s['recall']:7.3f} {s['f1']:6.3f}   ({s['tp']}/{s['fp']}/{s['fn']})")
    timed = [f for f in result.files if f.events is not None]
    if timed:
        files = f"{len(timed)} file" + ("s" if len(timed) != 1 else "")
        tol = result.tolerance_s
        hit = f"is within {tol:g} s of the reference" if tol else "overlaps the reference"
        print(f"\nTimed fillers (a hit {hit}) in {files}:")
        if not any(f.events is not None and (f.events.misses or f.events.false_alarms) for f in timed):
            print("  none missed, no false alarm")
        for f in timed:
            assert f.events is not None
            for _, e in f.events.misses:
                when = "(counted, not timed, in the reference)" if e.start == UNTIMED else f"{e.start:.2f}-{e.end:.2f}"
                print(f"  missed       {f.name} {e.kind} {when}")
            for _, e in f.events.false_alarms:
                print(f"  false alarm  {f.name} {e.kind} {e.start:.2f}-{e.end:.2f}")
    untimed = [f for f in result.files if f.events is None and (f.ref_fillers or f.hyp_fillers)]
    for f in untimed:
        for k in sorted(set(f.ref_fillers) | set(f.hyp_fillers)):
            _, fa, miss = f.tally(k)
            if fa or miss:
                print(f"  {f.name}: {k} said {f.ref_fillers.get(k, 0)}, found {f.hyp_fillers.get(k, 0)} (no times)")
    if ns.json:
        try:
            Path(ns.json).write_text(json.dumps(result.to_dict(), indent=1) + "\n", encoding="utf-8")
        except OSError as e:
            raise ParameterError(f"--json {ns.json}: cannot write ({e.strerror or e})") from None
    return 0


def _counts(c: dict[str, int]) -> str:
    return ",".join(f"{k}:{n}" for k, n in sorted(c.items())) or "-"


COMMANDS = {
    "analyze": _analyze,
    "batch": _batch,
    "report": _report,
    "compare": _compare,
    "eval": _eval,
    "user": _user,
    "serve": _serve,
    "rehearse": _rehearse,
    "worker": _worker,
    "setup": _setup,
    "doctor": _doctor,
}
