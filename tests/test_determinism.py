"""A recording's report does not depend on the engine, the worker count or the number of threads.

The local and Ray batch engines once disagreed in the third decimal of word
confidences on 2-core AMD EPYC machines: Ray starts its workers with
OMP_NUM_THREADS=1, a local pool leaves NumPy's OpenBLAS on every core, and
OpenBLAS's AVX2 (Haswell/Zen) kernels give a matrix product different last
bits on one thread and on two. ``OPENBLAS_CORETYPE=Haswell`` selects those
kernels on any x86-64 machine with AVX2, so this test sees the difference
whatever processor runs it (see podium.cores).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest


def _report(src, out, *, threads: int, blas_threads: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    env["OPENBLAS_CORETYPE"] = "Haswell"
    if blas_threads is not None:  # as Ray's workers have it
        env["OMP_NUM_THREADS"] = env["OPENBLAS_NUM_THREADS"] = blas_threads
    cmd = [sys.executable, "-m", "podium", "analyze", str(src), "--out", str(out), "--threads", str(threads), "-q"]
    subprocess.run(cmd, env=env, check=True, timeout=300)
    d = json.loads((out / "report.json").read_text())
    for volatile in ("created_at", "timings_s", "options"):
        d.pop(volatile)
    return d


@pytest.mark.samples
def test_thread_counts_both_ways_give_the_same_report(samples, tmp_path):
    src = samples / "speech_clean" / "jfk.flac"
    one = _report(src, tmp_path / "one", threads=1, blas_threads="1")
    two = _report(src, tmp_path / "two", threads=2, blas_threads=None)
    assert [w["confidence"] for w in one["transcript"]["words"]] == [
        w["confidence"] for w in two["transcript"]["words"]
    ]
    assert one == two


def test_the_blas_limit_holds_inside_and_is_restored_after():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    from podium.cores import one_blas_thread

    def blas_threads() -> list[int]:
        return [p["num_threads"] for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas"]

    before = blas_threads()
    assert before, "NumPy's BLAS is not visible to threadpoolctl"
    with one_blas_thread():
        assert set(blas_threads()) == {1}
    assert blas_threads() == before
