"""The job queue: rows in the database, worked by separate processes.

A job is ``queued`` -> ``running`` -> ``done`` | ``failed``. Workers claim the
oldest queued job with a conditional UPDATE (only one worker can win it, on
SQLite and PostgreSQL alike), report their stage and progress, and keep a
heartbeat. An analysis runs in a worker process, never in the server, so a
crash in one (a killed process, memory exhausted) cannot take the server down:
the server's supervisor sees the worker exit, puts the job back in the queue
(or, after ``max_attempts``, fails it with the reason) and starts a new worker.
A server that restarts does the same for jobs whose worker is gone, and any
job whose heartbeat stops for ``STALE_S`` (a worker on another machine that
died) goes the same way. Nothing is lost and nothing stays "running".
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import signal
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ..errors import InputError, PodiumError
from ..store import Job, Recording, Store, analysis_row
from ..types import Report
from .settings import Settings

__all__ = ["STALE_S", "Claim", "claim", "enqueue_retry", "release", "run_worker", "worker_name"]

log = logging.getLogger(__name__)

HEARTBEAT_S = 5.0
STALE_S = 120.0  # no heartbeat for this long: the worker is gone
STAGE_WEIGHTS = {"media": 0.05, "speech": 0.75, "voice": 0.05, "face": 0.1, "coach": 0.05}  # rough shares of time
_STAGE_START = {stage: sum(list(STAGE_WEIGHTS.values())[:k]) for k, stage in enumerate(STAGE_WEIGHTS)}


def _now() -> datetime:
    return datetime.now(UTC)


def worker_name(pid: int | None = None) -> str:
    """``host:pid``: where a job runs, enough to tell whether its process is alive."""
    return f"{socket.gethostname()}:{pid or os.getpid()}"


@dataclass(frozen=True)
class Claim:
    job_id: int
    recording_id: int
    path: str
    title: str
    attempt: int
    deck_path: str | None = None
    deck_title: str | None = None
    talk: str | None = None


def claim(store: Store, worker: str) -> Claim | None:
    """Take the oldest queued job for ``worker``; None when the queue is empty."""
    from sqlalchemy import select, update

    for _ in range(5):  # another worker may win the race for the same row; then try the next
        with _STOP.deferred(), store.session.begin() as s:
            job = s.scalar(select(Job).where(Job.status == "queued").order_by(Job.id).limit(1))
            if job is None:
                return None
            now, attempt = _now(), job.attempts + 1
            won: Any = s.execute(
                update(Job)
                .where(Job.id == job.id, Job.status == "queued")
                .values(
                    status="running",
                    worker=worker,
                    attempts=Job.attempts + 1,
                    stage="waiting",
                    progress=0.0,
                    heartbeat_at=now,
                    updated_at=now,
                )
            )
            if won.rowcount:
                rec = s.get(Recording, job.recording_id)
                assert rec is not None
                return Claim(job.id, rec.id, rec.path, rec.title, attempt, rec.deck_path, rec.deck_title, rec.talk)
    return None


def _set(store: Store, job_id: int, worker: str | None = None, **values: Any) -> bool:
    """Update a job (only while ``worker`` holds it, when given); False when it no longer does."""
    from sqlalchemy import update

    cond = [Job.id == job_id]
    if worker is not None:
        cond += [Job.worker == worker, Job.status == "running"]
    with _STOP.deferred(), store.session.begin() as s:
        result: Any = s.execute(update(Job).where(*cond).values(updated_at=_now(), **values))
        return bool(result.rowcount)


def release(store: Store, worker: str, reason: str, max_attempts: int, *, count: bool = True) -> int:
    """Jobs ``worker`` was running go back to the queue, or fail with ``reason`` after ``max_attempts``.

    ``count=False``: the attempt does not count (the worker was stopped on purpose). Returns how many jobs.
    """
    from sqlalchemy import select

    with store.session.begin() as s:
        jobs = list(s.scalars(select(Job).where(Job.status == "running", Job.worker == worker)))
        for job in jobs:
            if not count:
                job.attempts = max(0, job.attempts - 1)
            if not count or job.attempts < max_attempts:
                job.status, job.note = "queued", f"run again: {reason}"
            else:
                job.status, job.error = "failed", f"{reason} (tried {job.attempts} times)"
            job.worker, job.stage, job.progress, job.updated_at = None, None, None, _now()
        return len(jobs)


def recover(store: Store, max_attempts: int, *, stale_s: float = STALE_S) -> int:
    """At start-up and now and then: free jobs whose worker is gone (dead on this host, or silent elsewhere)."""
    from sqlalchemy import select

    host = socket.gethostname()
    with store.session() as s:
        running = [(j.worker or "", j.heartbeat_at) for j in s.scalars(select(Job).where(Job.status == "running"))]
    freed = 0
    for worker, beat in set(running):
        name, _, pid = worker.rpartition(":")
        if name == host and pid.isdigit() and not _alive(int(pid)):
            freed += release(store, worker, "its analysis process had stopped (server restart or crash)", max_attempts)
        elif beat is None or _aware(beat) < _now() - timedelta(seconds=stale_s):
            freed += release(store, worker, f"no word from its worker for {stale_s:.0f} s", max_attempts)
    return freed


def enqueue_retry(store: Store, job_id: int) -> None:
    """A failed job goes back to the queue with a fresh set of attempts."""
    _set(store, job_id, status="queued", error=None, attempts=0, stage=None, progress=None, note="retried")


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo else t.replace(tzinfo=UTC)  # SQLite hands back naive datetimes


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie (exited, not yet reaped by its parent) is not alive
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _orphaned() -> bool:
    """A worker the server started outlives it only until it notices (PODIUM_WORKER_PARENT is the server's pid)."""
    parent = os.environ.get("PODIUM_WORKER_PARENT", "")
    return parent.isdigit() and os.getppid() != int(parent)


def clean_partials(reports: Path, pid: int | None = None) -> None:
    """Remove the half-written report folders of worker ``pid`` (None: of every worker no longer alive)."""
    for p in reports.glob(".*.partial-*"):  # as podium.folder names them: .NAME.partial-PID-RANDOM
        owner = p.name.rsplit(".partial-", 1)[1].split("-")[0]
        if owner.isdigit() and (int(owner) == pid if pid is not None else not _alive(int(owner))):
            shutil.rmtree(p, ignore_errors=True)


DECK_KEEP_S = 24 * 3600.0  # an uploaded deck no recording names is kept this long (its recording may be on the way)


def clean_decks(store: Store, uploads: Path, keep_s: float = DECK_KEEP_S) -> int:
    """Remove the decks uploaded more than ``keep_s`` ago that no recording names (the tab closed between the deck
    and the recording); returns how many."""
    from sqlalchemy import select

    folder = uploads / "decks"
    if not folder.is_dir():
        return 0
    with store.session() as s:
        named = {Path(p).name for p in s.scalars(select(Recording.deck_path)) if p}
    now, gone = time.time(), 0
    for p in folder.iterdir():
        try:
            old = now - p.stat().st_mtime > keep_s
        except OSError:
            continue
        if old and p.is_file() and p.name not in named:
            p.unlink(missing_ok=True)
            gone += 1
    return gone


class _Stop(BaseException):
    """SIGTERM in a worker: put the job back and leave."""


class _StopRequest:
    """A worker's SIGTERM handler, which must stop an analysis at once without leaving a wrong trace.

    It raises :class:`_Stop` wherever the main thread is, with two exceptions. Inside a database write
    (:meth:`deferred`) the write finishes first, so that no half-committed transaction holds SQLite's lock while the
    job is handed back. And since code the stop interrupts may turn the exception into one of its own (an extension
    module interrupted while it initialises says "ImportError: initialization failed") or swallow it, an error after
    a stop request is the stop, not the job's failure (:meth:`check`), and the next progress report stops.
    """

    def __init__(self) -> None:
        self.requested = False
        self.shield = 0

    def __call__(self, _signum: int, _frame: Any) -> None:
        self.requested = True
        if self.shield == 0:
            raise _Stop

    @contextlib.contextmanager
    def deferred(self) -> Iterator[None]:
        main = threading.current_thread() is threading.main_thread()  # signals only ever reach the main thread
        self.shield += main
        try:
            yield
        finally:
            self.shield -= main
            if main and self.requested and self.shield == 0:
                raise _Stop

    def check(self) -> None:
        if self.requested:
            raise _Stop


_STOP = _StopRequest()  # armed by run_worker (a worker is a process of its own); inert in the server


def run_worker(settings: Settings, *, once: bool = False, idle_s: float = 1.0) -> int:
    """Work the queue until SIGTERM (or, with ``once``, until it is empty). Returns how many jobs it finished
    (done or failed; a job handed back on SIGTERM does not count)."""
    from ..store import open_store

    store = open_store(settings.db_url)
    me = worker_name()
    _STOP.requested = False
    before = signal.signal(signal.SIGTERM, _STOP), signal.signal(signal.SIGINT, signal.SIG_IGN)
    # (Ctrl-C reaches the server, which stops its workers with SIGTERM)
    ran = 0
    try:
        _preload()
        log.info("worker %s: waiting for jobs", me)
        while True:
            if _orphaned():
                break
            _STOP.check()
            job = claim(store, me)
            if job is None:
                if once:
                    break
                time.sleep(idle_s)
                continue
            _work(store, settings, me, job)
            ran += 1
    except _Stop:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM must not cut the hand-back short
        release(store, me, "the worker was stopped", settings.max_attempts, count=False)
    finally:
        store.close()
        signal.signal(signal.SIGTERM, before[0])
        signal.signal(signal.SIGINT, before[1])
    return ran


def _preload() -> None:
    """Import the analysis stack before taking a job: the first job starts sooner, and a stop that comes while a
    job runs never lands inside an extension module's import."""
    from .. import pipeline  # noqa: F401

    with contextlib.suppress(ImportError):  # if missing, the job says what to install
        import faster_whisper  # noqa: F401


def _work(store: Store, settings: Settings, me: str, job: Claim) -> None:
    from ..folder import analyze_to_folder
    from ..options import AnalysisOptions, MediaOptions, SlideOptions

    beat = _Heartbeat(store, job.job_id, me)
    try:
        if not Path(job.path).is_file():
            raise InputError(f"{job.title}: the uploaded recording is no longer on the server (no such file)")
        deck = None
        if job.deck_path:  # read once at upload; if it fails now, the talk is still analysed, and says why
            deck = SlideOptions(job.deck_path, optional=True, name=job.deck_title or Path(job.deck_path).name)
        options = AnalysisOptions(
            media=MediaOptions(max_duration_s=settings.max_duration_s),
            analyze_face=settings.analyze_face,
            slides=deck,
            talk=job.talk,
        )
        final = settings.reports / f"{job.recording_id}-{uuid.uuid4().hex[:12]}"
        # the report names the recording by the title the speaker gave it: no server paths in what users download
        name = _file_name(job.title, Path(job.path).suffix)
        report = analyze_to_folder(
            job.path, final, options, progress=beat.progress, workers=settings.workers, name=name
        )
        _finish(store, me, job, report, final)
    except PodiumError as e:
        _STOP.check()  # what the interrupted code made of the stop (see _StopRequest)
        _set(store, job.job_id, me, status="failed", error=public_error(str(e), job, settings), stage=None)
    except Exception as e:  # a bug in a stage: the job fails with what happened, the worker lives on
        _STOP.check()
        log.exception("job %s failed", job.job_id)
        error = public_error(f"internal error: {type(e).__name__}: {e}", job, settings)
        _set(store, job.job_id, me, status="failed", error=error, stage=None)
    finally:
        beat.stop()


def public_error(message: str, job: Claim, settings: Settings) -> str:
    """An error as the speaker may read it: one line, the recording named by its title, no server path in it (the
    log keeps the full story)."""
    message = message.replace(job.path, job.title)
    for folder, said in ((settings.reports, "the reports folder"), (settings.uploads, "the uploads folder")):
        message = re.sub(re.escape(str(folder)) + r"[^\s:,;)]*", said, message)
    message = message.replace(str(settings.data), "the data folder")
    return " ".join(message.split())


NAME_BYTES = 120  # a file name's stem, in UTF-8 bytes: well inside every file system's 255-byte limit


def _file_name(title: str, suffix: str) -> str:
    """A file name made from a title (display text, never a path): safe characters, at most NAME_BYTES bytes of
    UTF-8 before the suffix, never cut inside a character."""
    stem = re.sub(r"[^\w.() -]", "_", Path(title).stem).strip(" .") or "recording"
    stem = stem.encode("utf-8")[:NAME_BYTES].decode("utf-8", "ignore").rstrip(" .") or "recording"
    ext = suffix.encode("utf-8")[:16].decode("utf-8", "ignore")
    return stem + ext


def _finish(store: Store, me: str, job: Claim, report: Report, folder: Path) -> None:
    with _STOP.deferred(), store.session.begin() as s:
        j = s.get(Job, job.job_id)
        if j is None or j.worker != me or j.status != "running":
            shutil.rmtree(folder, ignore_errors=True)  # taken from us meanwhile (stale): its new run will write
            return
        s.add(analysis_row(job.recording_id, report, str(folder), _now()))
        j.status, j.stage, j.progress, j.error, j.updated_at = "done", None, 1.0, None, _now()


class _Heartbeat:
    """Stage and progress to the job row (each new stage at once, progress within a stage at most once a second),
    and a heartbeat every HEARTBEAT_S."""

    def __init__(self, store: Store, job_id: int, worker: str) -> None:
        self.store, self.job_id, self.worker = store, job_id, worker
        self.last, self.stage = 0.0, ""
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._beat, daemon=True)
        self.thread.start()

    def progress(self, stage: str, done: float, total: float) -> None:
        _STOP.check()  # a stop that the interrupted code swallowed ends here
        now = time.monotonic()
        if stage == self.stage and now - self.last < 1.0 and done < total:
            return
        self.last, self.stage = now, stage
        before = _STAGE_START.get(stage, 1.0)  # a stage after the analysis (writing the report): all but done
        share = STAGE_WEIGHTS.get(stage, 0.0) * (done / total if total else 0.0)
        _set(self.store, self.job_id, self.worker, stage=stage, progress=min(0.99, before + share), heartbeat_at=_now())

    def _beat(self) -> None:
        while not self.done.wait(HEARTBEAT_S):
            if _orphaned():  # the server that started us is gone: give the job back, as on SIGTERM
                os.kill(os.getpid(), signal.SIGTERM)
            try:
                _set(self.store, self.job_id, self.worker, heartbeat_at=_now())
            except Exception:  # the database is busy or gone for a moment: the next beat will do
                log.debug("heartbeat failed", exc_info=True)

    def stop(self) -> None:
        self.done.set()
        self.thread.join(timeout=5)
