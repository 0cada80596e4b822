"""A bounded load test on loopback (bench/web_load.py, shortened): 20 speakers browsing while 5 uploads are analysed.

It must finish with no errors; the latencies it measures are reported (bench/results/), never asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]


def test_twenty_users_and_five_uploads_without_errors(samples, tmp_path):
    out = tmp_path / "web_load.json"
    cmd = [sys.executable, str(ROOT / "bench" / "web_load.py"), "--samples", str(samples)]
    cmd += ["--users", "20", "--uploads", "5", "--seconds", "15", "--out", str(out)]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    result = json.loads(out.read_text())
    assert result["errors"] == 0, result["error_examples"]
    assert result["requests"] >= 20 * len(("/recordings", "/recordings.json", "/history", "/history.json"))
    assert result["analyses_done_meanwhile"] + result["analyses_queued_or_running"] == 5
    print(run.stdout)  # the latencies, for whoever runs pytest -s
