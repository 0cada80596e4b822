"""The real server (``podium serve`` in a child process, its worker processes, SQLite): kill a worker mid-analysis,
crash and restart the server, stop it cleanly; nothing is lost and the queue drains."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

import numpy as np
import pytest

from podium.store import Analysis, Job, Recording, default_url, open_store
from podium.testing import LiveServer, sign_in

from .media_fixtures import read_speech, write_wav
from .procs import alive, children

pytestmark = pytest.mark.slow

PASSWORD = "a long enough passphrase"


def _talk(samples: Path, path: Path, seconds: int, shift: int = 0) -> bytes:
    """A read talk of ``seconds`` (LJSpeech sentences), shifted so that every file differs."""
    write_wav(path, np.roll(read_speech(samples), 997 * shift)[: 16000 * seconds])
    return path.read_bytes()


@contextlib.contextmanager
def _client(srv: LiveServer, email: str):
    """A signed-in HTTP client (closed at the end)."""
    import httpx

    with httpx.Client(base_url=srv.url, timeout=30) as c:
        c.headers["X-CSRF-Token"] = sign_in(c, email, PASSWORD)
        yield c


def _upload(c, data: bytes, name: str) -> int:
    r = c.post("/recordings", content=data, headers={"X-Filename": name})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _job(data: Path, rec_id: int) -> dict:
    store = open_store(default_url(data))
    try:
        with store.session() as s:
            j = s.query(Job).filter(Job.recording_id == rec_id).one()
            keys = ("status", "worker", "stage", "attempts", "note", "error")
            return {k: getattr(j, k) for k in keys}
    finally:
        store.close()


def _wait(pred, timeout: float, what: str):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        got = pred()
        if got:
            return got
        time.sleep(0.3)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


@pytest.fixture()
def data(tmp_path):
    d = tmp_path / "data"
    store = open_store(default_url(d))
    store.add_user("sam@example.org", "Sam", "speaker", PASSWORD, "A")
    store.close()
    return d


def test_workers_run_below_the_servers_priority(data):
    """A live rehearsal decodes in the server process: when an analysis wants both cores too, the speaker's words
    must come first (live_bench: p95 1.82 s with the queue busy at equal priority)."""
    from podium.web.supervisor import WORKER_NICE

    def nice(pid: int) -> int:
        return os.getpriority(os.PRIO_PROCESS, pid)

    with LiveServer(data, workers=2) as srv:
        assert srv.proc is not None
        want = min(19, nice(srv.proc.pid) + WORKER_NICE)
        workers = _wait(lambda: len(w := children(srv.proc.pid, "podium worker")) == 2 and w, 30, "two workers")
        # each lowers its own priority first thing, before it starts a thread (threads take their creator's)
        _wait(lambda: [nice(w) for w in workers] == [want] * 2, 30, f"both workers at nice {want}")
        assert all(nice(w) == want for w in workers)


def test_killed_worker_job_runs_again_and_the_server_lives_on(data, samples, tmp_path):
    with LiveServer(data, workers=1) as srv, _client(srv, "sam@example.org") as c:
        rid = _upload(c, _talk(samples, tmp_path / "t.wav", 120), "long talk.wav")
        job = _wait(lambda: (j := _job(data, rid))["stage"] == "speech" and j, 120, "the analysis to reach speech")
        pid = int(job["worker"].rsplit(":", 1)[1])
        os.kill(pid, signal.SIGKILL)
        # the page keeps answering while the supervisor frees the job and starts a new worker
        assert c.get("/recordings.json").status_code == 200
        final = _wait(
            lambda: (r := c.get(f"/recordings/{rid}.json").json()["recording"])["status"] in ("done", "failed") and r,
            300,
            "the job to end",
        )
        assert final["status"] == "done", final
        assert final["attempts"] == 2 and "stopped unexpectedly (signal 9" in final["note"], final
        assert c.get(final["report_url"] + "report.json").json()["summary"]["words"] > 200
        assert not [p for p in (data / "reports").iterdir() if p.name.startswith(".")]  # no half-written report


def test_server_crash_and_restart_loses_nothing(data, samples, tmp_path):
    # the first take is long enough to be caught mid-analysis whatever the machine's speed; the others queue behind
    takes = [_talk(samples, tmp_path / f"t{k}.wav", 120 if k == 0 else 45, k) for k in range(3)]
    srv = LiveServer(data, workers=1).start()
    try:
        with _client(srv, "sam@example.org") as c:
            ids = [_upload(c, take, f"take {k}.wav") for k, take in enumerate(takes)]
        job = _wait(lambda: (j := _job(data, ids[0]))["stage"] == "speech" and j, 120, "the first analysis to start")
        worker = int(job["worker"].rsplit(":", 1)[1])
        # the whole service dies at once (a power cut, an OOM kill of everything)
        srv.kill()
        os.kill(worker, signal.SIGKILL)
        _wait(lambda: not alive(worker), 30, "the worker to die")
        assert _job(data, ids[0])["status"] == "running"  # as the crash left it
    finally:
        srv.kill()
    with LiveServer(data, workers=1) as again, _client(again, "sam@example.org") as c:
        first = c.get(f"/recordings/{ids[0]}.json").json()["recording"]
        assert first["status"] in ("queued", "running", "done") and "had stopped" in (first["note"] or ""), first
        done = _wait(
            lambda: all(r["status"] == "done" for r in c.get("/recordings.json").json()["recordings"]),
            300,
            "the queue to drain",
        )
        assert done
    store = open_store(default_url(data))
    with store.session() as s:
        assert s.query(Recording).count() == 3
        assert sorted(a.recording_id for a in s.query(Analysis)) == sorted(ids)  # one analysis each, none twice
        assert {j.status for j in s.query(Job)} == {"done"}
    store.close()


def test_clean_stop_puts_the_running_job_back(data, samples, tmp_path):
    srv = LiveServer(data, workers=1).start()
    try:
        with _client(srv, "sam@example.org") as c:
            rid = _upload(c, _talk(samples, tmp_path / "t.wav", 90), "talk.wav")
        _wait(lambda: _job(data, rid)["stage"] == "speech", 120, "the analysis to start")
    finally:
        assert srv.stop() in (0, -signal.SIGTERM)  # uvicorn stops gracefully, then exits by the signal it got
    job = _job(data, rid)
    assert job["status"] == "queued" and job["attempts"] == 0 and "stopped" in job["note"], job
