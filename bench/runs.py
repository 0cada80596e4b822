"""What the speed benchmarks share: a fresh process per run (this tree's Podium, or another commit's), the peer
(plain faster-whisper on the same audio), and a sampled trace of how busy each core was.

A run of another commit imports Podium from a ``git worktree`` of it (its ``src`` first on ``PYTHONPATH``, in this
virtual environment), so before and after are measured in the same session on the same machine.
"""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

PEER = """
import json, sys, time
t = time.perf_counter()
from faster_whisper import WhisperModel
from podium.models import tiny_en_path
model = WhisperModel(str(tiny_en_path()), device="cpu", compute_type="int8")
segments, info = model.transcribe(sys.argv[1], beam_size=5, vad_filter=True, word_timestamps=True)
said = [w.word.strip() for s in segments for w in (s.words or ())]
wall = time.perf_counter() - t
hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM")]
print(json.dumps({"wall_s": wall, "peak_rss_mb": int(hwm[0].split()[1]) / 1024, "words": len(said),
                  "text": " ".join(said)}))
"""
"""The peer: faster-whisper's own ``transcribe`` with tiny.en (the same files Podium uses), beam 5, its VAD and word
timestamps, everything else at its defaults; model load included, as in Podium's runs."""


@contextlib.contextmanager
def checkout(ref: str | None) -> Iterator[Path | None]:
    """A worktree of ``ref`` (None: nothing, this tree), removed after."""
    if ref is None:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="podium-before-") as tmp:
        where = Path(tmp) / "tree"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(where), ref], check=True)
        try:
            yield where / "src"
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(where)], check=False)


def child(code: str, *args: str, src: Path | None = None, trace: bool = False) -> dict[str, object]:
    """Run ``code`` in a fresh interpreter and return the JSON object its last line prints; ``src``: import Podium
    from there. With ``trace``, the result holds ``cpu_trace`` (see :class:`CpuTrace`)."""
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), env.get("PYTHONPATH", "")]))
    with CpuTrace() as cpu:
        proc = subprocess.Popen(
            [sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        with TreeMemory(proc.pid) as memory:
            stdout, stderr = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark child failed ({proc.returncode}):\n{stderr[-3000:]}")
    out: dict[str, object] = json.loads(stdout.strip().splitlines()[-1])
    if trace:
        out["cpu_trace"] = cpu.summary()
    out.update(memory.summary())
    return out


class TreeMemory:
    """Every ``every`` seconds, the memory of a process and all its descendants together (from /proc): the sum of
    their resident sets (shared libraries counted once per process: an upper bound) and of their proportional sets
    (each shared page split between the processes that map it: what they take from the machine). The peaks of both,
    whatever the number of processes an analysis runs."""

    def __init__(self, root: int, every: float = 0.5) -> None:
        self.root, self.every = root, every
        self.rss = self.pss = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _tree(self) -> list[int]:
        parent: dict[int, int] = {}
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    with open(f"/proc/{entry.name}/stat") as fh:
                        parent[int(entry.name)] = int(fh.read().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
        out, todo = [], [self.root]
        while todo:
            pid = todo.pop()
            out.append(pid)
            todo.extend(p for p, pp in parent.items() if pp == pid)
        return out

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            rss = pss = 0.0
            for pid in self._tree():
                try:
                    with open(f"/proc/{pid}/smaps_rollup") as fh:
                        for line in fh:
                            if line.startswith(("Rss:", "Pss:")):
                                kb = int(line.split()[1]) / 1024
                                rss, pss = (rss + kb, pss) if line.startswith("Rss:") else (rss, pss + kb)
                except (OSError, ValueError):  # gone meanwhile, or not Linux
                    continue
            self.rss, self.pss = max(self.rss, rss), max(self.pss, pss)

    def summary(self) -> dict[str, float]:
        return {"tree_peak_rss_mb": round(self.rss), "tree_peak_pss_mb": round(self.pss)} if self.rss else {}


class CpuTrace:
    """Every ``every`` seconds, how busy each core was since the last look (from /proc/stat), while the block runs."""

    def __init__(self, every: float = 0.5) -> None:
        self.every = every
        self.samples: list[tuple[float, list[float]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> CpuTrace:
        self.t0 = time.perf_counter()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @staticmethod
    def _read() -> list[tuple[int, int]]:
        out = []
        with open("/proc/stat") as fh:
            for line in fh:
                if line.startswith("cpu") and line[3].isdigit():
                    v = [int(x) for x in line.split()[1:]]
                    idle = v[3] + v[4]  # idle + iowait
                    out.append((sum(v) - idle, sum(v)))
        return out

    def _run(self) -> None:
        try:
            last = self._read()
        except OSError:  # not Linux: no trace
            return
        while not self._stop.wait(self.every):
            now = self._read()
            busy = [round((b - a) / max(1, tb - ta), 3) for (a, ta), (b, tb) in zip(last, now, strict=True)]
            self.samples.append((round(time.perf_counter() - self.t0, 2), busy))
            last = now

    def summary(self) -> dict[str, object]:
        """The trace, and the mean busy share of all cores over the whole run and over its last fifth."""
        if not self.samples:
            return {"samples": []}
        end = self.samples[-1][0]

        def mean(rows: list[tuple[float, list[float]]]) -> float:
            vals = [x for _, busy in rows for x in busy]
            return round(sum(vals) / max(1, len(vals)), 3)

        return {
            "every_s": self.every,
            "mean_busy": mean(self.samples),
            "mean_busy_last_fifth": mean([s for s in self.samples if s[0] >= 0.8 * end]),
            "samples": self.samples,
        }


Runs = dict[str, list[dict[str, Any]]]


def take_turns(
    times: int, before: str | None, peer: bool, run: Callable[[str], dict[str, Any]], duration_s: float
) -> Runs:
    """``times`` rounds of the rows ("podium", "podium REF" with ``before``, "plain faster-whisper" with ``peer``),
    each round running every row once (``run(name)``), so that a noisy minute costs each row alike; every run is
    printed as it ends."""
    rows: Runs = {**({f"podium {before}": []} if before else {}), "podium": []}
    if peer:
        rows[PEER_ROW] = []
    for k in range(times):
        for name, runs in rows.items():
            r = run(name)
            runs.append(r)
            print(f"run {k + 1}, {name}: {_said(r, duration_s)}", flush=True)
    return rows


PEER_ROW = "plain faster-whisper"


def medians(rows: Runs, duration_s: float, title: str) -> dict[str, dict[str, Any]]:
    """Each row's medians (wall time, real-time factor, peak RSS, and where the runs have them the face process's
    peak, the cores' busy shares and the stages' seconds), printed under ``title``, with its runs."""
    out: dict[str, dict[str, Any]] = {}
    print(f"\n{title}")

    def median(key: Callable[[dict[str, Any]], float], runs: list[dict[str, Any]]) -> float:
        return statistics.median(float(key(r)) for r in runs)

    for name, runs in rows.items():
        wall = median(lambda r: r["wall_s"], runs)
        row: dict[str, Any] = {
            "median_wall_s": round(wall, 2),
            "x_real_time": round(duration_s / wall, 1),
            "median_peak_rss_mb": round(median(lambda r: r["peak_rss_mb"], runs), 0),
        }
        said = f"  {name:24} {wall:6.1f} s  {duration_s / wall:5.1f}x real time"
        said += f"  peak RSS {row['median_peak_rss_mb']:.0f} MB"
        if "face_worker_rss_mb" in runs[0]:
            row["median_face_worker_rss_mb"] = round(median(lambda r: r["face_worker_rss_mb"], runs))
            said += f" + face {row['median_face_worker_rss_mb']} MB"
        if "tree_peak_pss_mb" in runs[0]:
            row["median_tree_peak_rss_mb"] = round(median(lambda r: r["tree_peak_rss_mb"], runs))
            row["median_tree_peak_pss_mb"] = round(median(lambda r: r["tree_peak_pss_mb"], runs))
            said += f" (all processes: {row['median_tree_peak_pss_mb']} MB PSS, {row['median_tree_peak_rss_mb']} RSS)"
        if "cpu_trace" in runs[0]:
            row["median_cores_busy"] = median(lambda r: r["cpu_trace"]["mean_busy"], runs)
            row["median_cores_busy_last_fifth"] = median(lambda r: r["cpu_trace"]["mean_busy_last_fifth"], runs)
            said += f"  cores busy {row['median_cores_busy']:.0%}, last fifth {row['median_cores_busy_last_fifth']:.0%}"
        if "wer" in runs[0]:
            row["median_wer"] = median(lambda r: r["wer"], runs)
            said += f"  WER {row['median_wer']:.3f}"
        if "timings" in runs[0]:
            stages = runs[0]["timings"]
            row["median_stage_s"] = {
                k: round(statistics.median(float(r["timings"][k]) for r in runs), 2) for k in stages
            }
        row["runs"] = runs
        out[name] = row
        print(said)
    return out


def _said(r: dict[str, Any], duration_s: float) -> str:
    """One run as a line: its time, peaks, how busy the cores were and its stages, as far as it has them."""
    line = f"{r['wall_s']:.1f} s ({duration_s / r['wall_s']:.1f}x real time), peak RSS {r['peak_rss_mb']:.0f} MB"
    if "wer" in r:
        line += f", WER {r['wer']:.3f}"
    if "face_worker_rss_mb" in r:
        line += f" + face {r['face_worker_rss_mb']:.0f} MB"
    if "tree_peak_pss_mb" in r:
        line += f" (all processes: {r['tree_peak_pss_mb']:.0f} MB PSS, {r['tree_peak_rss_mb']:.0f} RSS)"
    if "cpu_trace" in r:
        cpu = r["cpu_trace"]
        line += f", cores busy {cpu['mean_busy']:.0%} (last fifth {cpu['mean_busy_last_fifth']:.0%})"
    if "timings" in r:
        line += f", stages {r['timings']}"
    return line
