"""The web app's worker processes: started with the server, restarted when one dies, stopped with it."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time

from ..store import Store
from .jobs import clean_decks, clean_partials, recover, release, worker_name
from .settings import Settings

__all__ = ["Supervisor"]

log = logging.getLogger(__name__)

WORKER_NICE = 10  # the workers' CPU priority below the server's (the queue waits a little; a live speaker does not)


class Supervisor:
    """Keeps ``settings.workers`` worker processes alive next to the server and frees the jobs of any that die."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings, self.store = settings, store
        self.procs: list[subprocess.Popen[bytes]] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._watch, name="podium-supervisor", daemon=True)

    def start(self) -> None:
        clean_partials(self.settings.reports)
        clean_decks(self.store, self.settings.uploads)
        freed = recover(self.store, self.settings.max_attempts)
        if freed:
            log.warning("%d job(s) left running by a previous server went back to the queue or failed", freed)
        self.procs = [self._spawn() for _ in range(self.settings.workers)]
        self.thread.start()

    def _spawn(self) -> subprocess.Popen[bytes]:
        env = dict(os.environ, PODIUM_DB=self.settings.db_url, PODIUM_DATA=str(self.settings.data))
        env["PODIUM_SECRET_KEY"] = ""  # workers never need it
        env["PODIUM_WORKER_PARENT"] = str(os.getpid())
        env["PODIUM_WORKERS"] = str(self.settings.workers)  # each worker takes its share of the cores
        # below the server's priority: a live rehearsal's decoding and the pages come first when both want a core
        args = [sys.executable, "-m", "podium", "worker", "--nice", str(WORKER_NICE)]
        args += [] if self.settings.analyze_face else ["--no-face"]
        return subprocess.Popen(args, env=env, stdin=subprocess.DEVNULL, start_new_session=True)

    def _watch(self) -> None:
        last_sweep = time.monotonic()
        while not self.stopping.wait(1.0):
            for i, p in enumerate(self.procs):
                code = p.poll()
                if code is None or self.stopping.is_set():
                    continue
                why = f"signal {-code}" if code < 0 else f"exit code {code}"
                reason = f"the analysis process stopped unexpectedly ({why}: killed, or out of memory)"
                try:
                    n = release(self.store, worker_name(p.pid), reason, self.settings.max_attempts)
                except Exception:
                    log.exception("could not free the jobs of worker %s", p.pid)
                    continue  # try again next second, before starting its replacement
                log.warning("worker %s stopped (%s); %d job(s) freed; starting another", p.pid, why, n)
                clean_partials(self.settings.reports, p.pid)
                self.procs[i] = self._spawn()
            if time.monotonic() - last_sweep > 30:
                last_sweep = time.monotonic()
                try:
                    recover(self.store, self.settings.max_attempts)
                except Exception:
                    log.exception("recovering stale jobs failed")

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM every worker (each puts its job back in the queue), then SIGKILL what is left."""
        self.stopping.set()
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
        end = time.monotonic() + timeout
        for p in self.procs:
            try:
                p.wait(max(0.1, end - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
                release(self.store, worker_name(p.pid), "the worker did not stop in time", self.settings.max_attempts)
