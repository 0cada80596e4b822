from __future__ import annotations

import os
from pathlib import Path

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
