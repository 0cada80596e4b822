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
