"""Long recordings on disk (podium.spool): the same numbers as in memory, and nothing left behind."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from podium import media, pitch, spool

from .media_fixtures import speechlike


def _sink(x: np.ndarray, spill_at: int, pieces: int = 7) -> np.ndarray:
    sink = spool.SampleSink(spill_at)
    for part in np.array_split(x, pieces):
        sink.append(part)
    return sink.finish()


def test_spooled_samples_read_the_same_as_in_memory(tmp_path, monkeypatch):
    monkeypatch.setenv("PODIUM_TMPDIR", str(tmp_path))
    x = np.random.default_rng(0).uniform(-1, 1, 50_000).astype(np.float32)
    kept, spilled = _sink(x, spill_at=10**6), _sink(x, spill_at=1000)
    assert not isinstance(kept, spool.Spooled)
    assert isinstance(spilled, spool.Spooled)
    assert list(tmp_path.iterdir()) == []  # an unnamed file: nothing to clean up, even after a crash
    for a, b in [(0, 10), (123, 4567), (49_990, 60_000), (-100, None), (None, None), (30, 20)]:
        np.testing.assert_array_equal(spilled[a:b], x[a:b])
        assert type(spilled[a:b]) is np.ndarray  # read from the file, not a view of the mapping
    np.testing.assert_array_equal(spilled[::3], x[::3])
    np.testing.assert_array_equal(spilled[[5, 1, 7]], x[[5, 1, 7]])
    assert float(spilled.mean()) == pytest.approx(float(x.mean()))
    assert len(spilled) == len(x) and spilled.dtype == np.float32


def test_rows_on_disk_read_back_what_was_written(tmp_path, monkeypatch):
    monkeypatch.setenv("PODIUM_TMPDIR", str(tmp_path))
    table = np.random.default_rng(1).normal(size=(1000, 15))
    mem, disk = spool.Rows(1000, 15), spool.Rows(1000, 15, in_memory_bytes=0)
    for a in range(0, 1000, 300):
        mem.append(table[a : a + 300])
        disk.append(table[a : a + 300])
    for a, b in [(0, 1000), (299, 301), (900, 1000)]:
        np.testing.assert_array_equal(disk.read(a, b), table[a:b])
        np.testing.assert_array_equal(mem.read(a, b), table[a:b])
    disk.close()


def test_the_pitch_track_is_the_same_whatever_the_batch_and_wherever_the_samples_are(tmp_path, monkeypatch):
    monkeypatch.setenv("PODIUM_TMPDIR", str(tmp_path))
    x = speechlike(6.0)
    whole = pitch.track(x, 16000, batch=4096)
    assert whole.voiced.sum() > 100
    for batch in (64, 333):
        part = pitch.track(_sink(x, spill_at=1000), 16000, batch=batch)
        for name in ("times", "f0", "strength", "level_db"):
            np.testing.assert_array_equal(getattr(part, name), getattr(whole, name))


def _report(path, out) -> dict:
    import podium

    report = podium.analyze(path)
    podium.write_report(report, out, media="none")
    d = json.loads((out / "report.json").read_text())
    for volatile in ("created_at", "timings_s", "options"):
        d.pop(volatile)
    return d


@pytest.mark.samples
def test_an_analysis_from_disk_gives_the_same_report_as_from_memory(samples, tmp_path, monkeypatch):
    src = samples / "speech_clean" / "jfk.flac"
    in_memory = _report(src, tmp_path / "memory")
    spill = tmp_path / "spool"
    spill.mkdir()
    monkeypatch.setenv("PODIUM_TMPDIR", str(spill))
    monkeypatch.setattr(spool, "SPOOL_AFTER_S", 1.0)
    assert isinstance(media.load(src).audio.samples, spool.Spooled)
    from_disk = _report(src, tmp_path / "disk")
    assert from_disk == in_memory
    assert os.listdir(spill) == []
