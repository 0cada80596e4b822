"""Test helpers that ship with Podium: a fake recogniser, generated audio, a live server.

``FakeRecognizer`` implements :class:`podium.speech.Recognizer` with words
you give it, so that voice, report, web and batch tests can run the whole
pipeline in milliseconds without a model. The real model still runs in
Podium's own default test suite.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .options import SpeechOptions
from .speech import Progress, RawResult
from .types import Audio, Segment, Span, Word

__all__ = ["FakeRecognizer", "LiveServer", "free_port", "sign_in", "tone"]


class FakeRecognizer:
    """Returns the given words; speech spans default to where the audio is not silent."""

    name = "fake"

    def __init__(self, words: Sequence[Word] = (), spans: Sequence[Span] | None = None, language: str = "en") -> None:
        self.words = tuple(words)
        self.spans = None if spans is None else tuple(spans)
        self.language = language
        self.calls = 0

    def recognize(
        self,
        audio: Audio,
        options: SpeechOptions,
        progress: Progress | None = None,
        prompt_where: Sequence[Span] | None = None,
    ) -> RawResult:
        self.calls += 1
        spans = self.spans if self.spans is not None else _loud_spans(audio)
        segs = (
            (Segment(self.words[0].start, self.words[-1].end, " ".join(w.text for w in self.words)),)
            if self.words
            else ()
        )
        if progress is not None:
            progress(audio.duration_s)
        return RawResult(self.words, segs, spans, self.language)


def tone(freq_hz: float | Sequence[float], seconds: float, sr: int = 16000, level: float = 0.3) -> np.ndarray:
    """A sine (or a glide through ``freq_hz`` values) as float32 samples, with harmonics like a voice."""
    n = int(seconds * sr)
    f = np.interp(np.linspace(0, 1, n), np.linspace(0, 1, len(np.atleast_1d(freq_hz))), np.atleast_1d(freq_hz))
    phase = 2 * np.pi * np.cumsum(f) / sr
    x = sum(np.sin(k * phase) / k for k in range(1, 6))
    out: np.ndarray = (level * x / np.max(np.abs(x))).astype(np.float32)
    return out


def _loud_spans(audio: Audio, hop_s: float = 0.01) -> tuple[Span, ...]:
    hop = int(hop_s * audio.sr)
    n = len(audio.samples) // hop
    if n == 0:
        return ()
    rms = np.sqrt(np.mean(audio.samples[: n * hop].reshape(n, hop).astype(np.float64) ** 2, axis=1))
    loud = rms > 0.01
    idx = np.flatnonzero(np.diff(np.concatenate([[0], loud.astype(np.int8), [0]])))
    return tuple(Span(round(a * hop_s, 3), round(b * hop_s, 3)) for a, b in zip(idx[::2], idx[1::2], strict=True))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """``podium serve`` in a child process on 127.0.0.1 (its own data folder), for tests and benchmarks.

    ``with LiveServer(data, workers=1) as srv: httpx.get(srv.url + "/login")``; ``srv.stop()`` sends SIGTERM
    (as an operator would), ``srv.kill()`` SIGKILL (as a crash would).
    """

    def __init__(self, data: str | os.PathLike[str], *, workers: int = 1, face: bool = False, port: int = 0) -> None:
        self.data = Path(data)
        self.workers, self.face = workers, face
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = self.data / f"server-{self.port}.log"

    def start(self, timeout: float = 60.0) -> LiveServer:
        import urllib.request

        self.data.mkdir(parents=True, exist_ok=True)
        args = [sys.executable, "-m", "podium", "serve", "--port", str(self.port), "--data", str(self.data)]
        args += ["--workers", str(self.workers)] + ([] if self.face else ["--no-face"])
        env = {k: v for k, v in os.environ.items() if k not in ("PODIUM_SECRET_KEY", "PODIUM_DB")}
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"podium serve exited ({self.proc.returncode}): {self.log.read_text()[-2000:]}")
            try:
                urllib.request.urlopen(self.url + "/login", timeout=2).close()
                return self
            except OSError:
                time.sleep(0.2)
        self.kill()
        raise RuntimeError(f"podium serve did not answer in {timeout:.0f} s: {self.log.read_text()[-2000:]}")

    def stop(self, timeout: float = 60.0) -> int:
        """SIGTERM and wait; returns the exit code."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else 0
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()

    def kill(self) -> None:
        """SIGKILL: the server dies at once (its workers notice and give their jobs back)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def sign_in(client: Any, email: str, password: str) -> str:
    """Sign ``client`` (an ``httpx.Client`` or FastAPI ``TestClient`` on the web app) in; return its CSRF token.

    Raises:
        RuntimeError: the server did not accept the sign-in (its status and answer in the message).
    """
    token = str(client.get("/login.json").json()["csrf_token"])
    r = client.post("/login", data={"email": email, "password": password, "csrf": token}, follow_redirects=False)
    if r.status_code != 303:
        raise RuntimeError(f"sign-in as {email} refused: {r.status_code} {r.text[:300]}")
    return token
