from __future__ import annotations

import glob
import os
import uuid
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]


def _samples_dir() -> Path:
    return Path(os.environ.get("PODIUM_SAMPLES") or ROOT.parent / "shared" / "samples").resolve()


@pytest.fixture(scope="session")
def samples() -> Path:
    """../shared/samples (read-only). Missing: skipped locally, an error in CI."""
    path = _samples_dir()
    if not (path / "speech_clean").is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"CI needs the real samples at {path}")
        pytest.skip(f"real samples not found at {path} (set PODIUM_SAMPLES)")
    return path


def _lj_talk(samples: Path) -> np.ndarray:
    """One reader's consecutive LJSpeech sentences joined with short breaths: a 112 s read talk."""
    gap = np.zeros(int(0.35 * 16000), np.float32)
    files = sorted(glob.glob(str(samples / "speech_clean" / "ljspeech_*.wav")))
    from podium import media

    return np.concatenate([np.concatenate([media.load(f).audio.samples, gap]) for f in files])


def controlled_talks(samples: Path, d: Path) -> tuple[dict[str, Path], list[float]]:
    """The read talk and three controlled changes of it, written to ``d`` (Praat does the signal work, tests only):
    ``original``, ``fast`` (1.5x, pitch kept), ``flat`` (one pitch), ``silences`` (three 3 s silences at the cuts)."""
    import parselmouth
    from parselmouth.praat import call

    from .media_fixtures import write_wav

    x = _lj_talk(samples)
    snd = parselmouth.Sound(x.astype(np.float64), 16000)
    fast = call(snd, "Lengthen (overlap-add)", 75, 600, 1 / 1.5).values[0]  # 1.5x faster, pitch kept
    man = call(snd, "To Manipulation", 0.01, 75, 600)
    tier = call(man, "Extract pitch tier")
    call(tier, "Formula", "220")
    call([tier, man], "Replace pitch tier")
    flat = call(man, "Get resynthesis (overlap-add)").values[0]  # same words, one pitch
    cuts = [20.3, 50.7, 80.1]
    parts, prev = [], 0
    for c in cuts:
        parts += [x[prev : int(c * 16000)], np.zeros(3 * 16000, np.float32)]
        prev = int(c * 16000)
    silences = np.concatenate([*parts, x[prev:]])
    paths = {}
    for name, y in (("original", x), ("fast", fast), ("flat", flat), ("silences", silences)):
        paths[name] = write_wav(d / f"{name}.wav", np.asarray(y, np.float32))
    return paths, [c + 3 * k for k, c in enumerate(cuts)]


@pytest.fixture(scope="session")
def controlled(samples, tmp_path_factory):
    """The read talk and three controlled changes of it, analysed (see ``controlled_talks``)."""
    pytest.importorskip("parselmouth")
    import podium

    paths, cuts = controlled_talks(samples, tmp_path_factory.mktemp("controlled"))
    out: dict = {name: podium.analyze(p) for name, p in paths.items()}
    out["cuts"] = cuts
    out["paths"] = paths
    return out


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh database: SQLite in a temporary folder, and a new PostgreSQL database on PODIUM_TEST_PG_URL."""
    from sqlalchemy import create_engine, text

    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'podium.db'}"
        return
    base = os.environ.get("PODIUM_TEST_PG_URL")
    if not base:
        if os.environ.get("CI"):
            pytest.fail("CI runs the store tests on PostgreSQL too (.ci/run sets PODIUM_TEST_PG_URL)")
        pytest.skip("no PostgreSQL (set PODIUM_TEST_PG_URL=postgresql://user@127.0.0.1:port/db)")
    name = "podium_" + uuid.uuid4().hex[:10]
    admin = create_engine(base.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f"create database {name}"))
    yield base.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as c:
        c.execute(text(f"drop database {name} with (force)"))
    admin.dispose()


@pytest.fixture(scope="session")
def shared_reports(samples):
    """Every shared sample analysed once a session (the coach golden and the copy test read them all)."""
    import podium

    from .coach_golden import sample_files

    return {f"{p.parent.name}/{p.name}": podium.analyze(p) for p in sample_files(samples)}


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium driven by Playwright (no browser download). Missing: skipped, an error in CI."""
    sync_api = pytest.importorskip("playwright.sync_api")
    from podium.report.pdf import CHROMIUM_ARGS, find_chromium

    exe = find_chromium()
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("CI needs Chromium for the browser tests (.ci/run installs it)")
        pytest.skip("no Chromium installed (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=[*CHROMIUM_ARGS, "--autoplay-policy=no-user-gesture-required"])
        yield b
        b.close()
