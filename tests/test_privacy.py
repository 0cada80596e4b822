"""Private by construction: a full analysis in a process where every socket is refused."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

BLOCK_AND_RUN = textwrap.dedent("""
    import socket, sys
    attempts = []
    class NoNetwork(socket.socket):
        def __init__(self, *a, **k):
            attempts.append(a)
            raise OSError("network access is blocked in this test")
    socket.socket = NoNetwork
    def refuse(*a, **k):
        attempts.append(a)
        raise OSError("network access is blocked in this test")
    socket.create_connection = refuse
    socket.getaddrinfo = refuse
    from podium.cli import main
    code = main(sys.argv[1:])
    print("ATTEMPTS", len(attempts), file=sys.stderr)
    raise SystemExit(code)
""")


def test_full_analysis_with_sockets_blocked(samples, tmp_path):
    src = samples / "speech_clean" / "jfk.flac"
    env = {"HF_HUB_OFFLINE": "", "PATH": "/usr/bin:/bin"}
    proc = subprocess.run(
        [sys.executable, "-c", BLOCK_AND_RUN, "analyze", str(src), "--out", str(tmp_path), "-q"],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    assert "ATTEMPTS 0" in proc.stderr  # nothing even tried to connect
    data = json.loads((tmp_path / "report.json").read_text())
    assert "ask not what your country" in data["transcript"]["text"].lower()


def test_unknown_model_offline_names_what_to_install(tmp_path):
    code = BLOCK_AND_RUN.replace("from podium.cli import main", "from podium.cli import main\nimport os")
    wav = tmp_path / "t.wav"
    from .media_fixtures import speechlike, write_wav

    write_wav(wav, speechlike(1.0))
    proc = subprocess.run(
        [sys.executable, "-c", code, "analyze", str(wav), "--model", "small.en", "-q", "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "HF_HUB_DOWNLOAD_TIMEOUT": "5", "HOME": str(tmp_path)},
    )
    assert proc.returncode == 1, proc.stderr
    err = [line for line in proc.stderr.splitlines() if line.startswith("Error:")]
    assert len(err) == 1 and "small.en" in err[0] and "tiny.en" in err[0] and "pip install" in err[0]
    assert "Traceback" not in proc.stderr


SITECUSTOMIZE = textwrap.dedent("""
    # loaded by every Python process started with this folder on PYTHONPATH: the analysis and its face process
    import os, socket
    def refuse(*a, **k):
        with open(os.environ["NET_ATTEMPTS"], "a") as log:
            log.write(f"{os.getpid()} {a!r}\\n")
        raise OSError("network access is blocked in this test")
    class NoNetwork(socket.socket):
        def __init__(self, *a, **k):
            refuse(*a)
    socket.socket = NoNetwork
    socket.create_connection = refuse
    socket.getaddrinfo = refuse
    with open(os.environ["NET_PROCESSES"], "a") as log:
        log.write(f"{os.getpid()}\\n")
""")


def test_video_analysis_with_sockets_blocked_in_every_process(samples, tmp_path):
    """The face runs in a process of its own; it is blocked too, and nothing in either process tries to connect."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    attempts, processes = tmp_path / "attempts.log", tmp_path / "processes.log"
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(site), "NET_ATTEMPTS": str(attempts)}
    env["NET_PROCESSES"] = str(processes)
    src = samples / "video_talking" / "grid_bbaf2n.mpg"
    proc = subprocess.run(
        [sys.executable, "-m", "podium", "analyze", str(src), "--out", str(tmp_path / "r"), "-q"],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    assert not attempts.exists(), attempts.read_text()
    assert len(processes.read_text().split()) >= 2  # the analysis and its face process both ran blocked
    data = json.loads((tmp_path / "r" / "report.json").read_text())
    assert data["face"]["present_ratio"] > 0.9 and data["transcript"]["words"]
