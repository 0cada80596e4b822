"""podium batch: a real batch from the samples, resume, a killed worker, an interrupted run."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from podium import batch
from podium.errors import InputError
from podium.report import read as read_report

from .media_fixtures import read_speech, write_wav
from .procs import children

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def corpus(samples, tmp_path_factory):
    """40 recordings: every speech and video sample, plus a truncated file and an empty one."""
    d = tmp_path_factory.mktemp("corpus")
    for folder in ("speech_clean", "speech_disfluent", "speech_register", "video_talking"):
        (d / folder).mkdir()
        for p in sorted((samples / folder).iterdir()):
            if p.suffix in (".wav", ".flac", ".mp4", ".mov", ".mpg"):
                shutil.copy(p, d / folder / p.name)
    (d / "broken").mkdir()
    data = (samples / "speech_clean" / "jfk.flac").read_bytes()
    (d / "broken" / "truncated.flac").write_bytes(data[:4000])
    (d / "broken" / "empty.wav").write_bytes(b"")
    video = (samples / "video_talking" / "grid_bbaf2n.mpg").read_bytes()
    (d / "broken" / "cut_short.mpg").write_bytes(video[:20_000])  # decodes as a fraction of a second
    return d


@pytest.fixture(scope="module")
def first_run(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    results = batch.run(batch.discover(corpus), out, workers=2)
    return out, results


def test_forty_recordings_with_the_right_statuses(first_run):
    _, results = first_run
    assert len(results) >= 40
    failed = {Path(r.item.path).name for r in results if r.status == "failed"}
    assert failed == {"truncated.flac", "empty.wav", "cut_short.mpg"}
    assert all(r.status == "done" for r in results if Path(r.item.path).name not in failed)
    assert all(r.error for r in results if r.status == "failed")
    short = next(r for r in results if r.item.path.endswith("cut_short.mpg"))
    assert "too short to analyse" in short.error


def test_summary_matches_each_report(first_run):
    out, results = first_run
    with open(out / "summary.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(results)
    for row in rows:
        if row["status"] != "done":
            assert not (out / row["name"]).exists()
            continue
        data = json.loads((out / row["name"] / "report.json").read_text())
        s = data["summary"]
        assert row["overall_score"] == ("" if s["overall_score"] is None else str(s["overall_score"]))
        assert row["wpm"] == ("" if s["wpm"] is None else str(s["wpm"]))
        assert row["fillers"] == str(s["fillers"])
    html = (out / "summary.html").read_text()
    assert "Podium batch" in html and "report.html" in html


def test_equal_names_in_different_folders_do_not_collide(tmp_path, samples):
    for sub in ("a", "b"):
        (tmp_path / "in" / sub).mkdir(parents=True)
        shutil.copy(samples / "speech_clean" / "jfk.flac", tmp_path / "in" / sub / "talk.flac")
    names = [i.name for i in batch.discover(tmp_path / "in")]
    assert len(set(names)) == 2 and all(n.startswith(("a__talk", "b__talk")) for n in names)


def test_resume_skips_what_is_complete_and_unchanged(corpus, first_run):
    out, _ = first_run
    again = batch.run(batch.discover(corpus), out, workers=2, resume=True)
    assert {r.status for r in again if r.status != "failed"} == {"skipped"}
    assert sum(r.status == "failed" for r in again) == 3  # failures are tried again, and fail again
    rows = _rows(out)  # the summary still says which recordings succeeded, and that an earlier run did them
    assert {r["status"] for r in rows} == {"done", "failed"}
    assert {r["analysed"] for r in rows if r["status"] == "done"} == {"earlier run"}


def test_manifest_with_speaker_title_and_talk(tmp_path, samples):
    m = tmp_path / "m.csv"
    m.write_text(f"path,speaker,title,talk\n{samples / 'speech_clean' / 'jfk.flac'},Kennedy,Inaugural,1961 address\n")
    results = batch.run(batch.discover(m), tmp_path / "o", workers=1)
    assert results[0].status == "done"
    row = _rows(tmp_path / "o")[0]
    assert (row["speaker"], row["title"], row["talk"]) == ("Kennedy", "Inaugural", "1961 address")
    assert read_report(tmp_path / "o" / row["name"]).talk == "1961 address"  # in the report too


def _rows(out: Path) -> list[dict[str, str]]:
    with open(out / "summary.csv", newline="") as fh:
        return list(csv.DictReader(fh))


def _long_corpus(samples, d: Path, n: int) -> Path:
    """n copies of a 60 s read talk (each a few seconds of work), made different so none is skipped."""
    x = read_speech(samples)
    d.mkdir()
    for k in range(n):
        write_wav(d / f"talk{k:02d}.wav", np.roll(x, 1000 * k)[: 16000 * 60])
    return d


def _batch_proc(src: Path, out: Path) -> subprocess.Popen:
    """`podium batch` as started from a terminal.

    Ctrl-C must reach it: a shell starts background jobs with SIGINT ignored,
    and a Python started with SIGINT ignored keeps ignoring it, so a test run
    from ``make test &`` would otherwise see the batch run to its end.
    """
    return subprocess.Popen(
        [sys.executable, "-m", "podium", "batch", str(src), "--out", str(out), "--workers", "2", "--no-face"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def _children(pid: int) -> list[int]:
    """Pool workers of ``pid``: spawned children running ``spawn_main`` (not multiprocessing's resource tracker)."""
    return children(pid, "spawn_main", but_not="resource_tracker")


def _wait_for(pred, timeout=120.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.2)
    return False


def test_killed_worker_is_retried_and_nothing_is_lost(samples, tmp_path):
    src = _long_corpus(samples, tmp_path / "in", 6)
    out = tmp_path / "out"
    proc = _batch_proc(src, out)
    # wait until the workers are busy on their first recordings, then kill one of them
    assert _wait_for(lambda: any(out.glob(".*.partial-*")) or len(_children(proc.pid)) >= 2)
    time.sleep(2.0)
    workers = [p for p in _children(proc.pid)]
    assert workers
    os.kill(workers[0], signal.SIGKILL)
    _, stderr = proc.communicate(timeout=600)
    assert proc.returncode == 0, stderr
    rows = _rows(out)
    assert len(rows) == 6 and all(r["status"] == "done" for r in rows), rows
    assert any(r["attempts"] == "2" for r in rows)  # what the killed worker held went round again, once
    assert not list(out.glob(".*.partial-*"))


def test_interrupted_batch_resumes_only_the_unfinished(samples, tmp_path):
    src = _long_corpus(samples, tmp_path / "in", 8)
    out = tmp_path / "out"
    proc = _batch_proc(src, out)
    assert _wait_for(lambda: len([p for p in out.glob("talk*") if (p / batch.STAMP).exists()]) >= 2, 300)
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=120)
    finished = {p.name for p in out.glob("talk*") if (p / batch.STAMP).exists()}
    assert 2 <= len(finished) < 8, sorted(finished)
    assert not list(out.glob(".*.partial-*"))  # nothing half-written left behind
    again = batch.run(batch.discover(src), out, workers=2, resume=True, options=_no_face())
    ran = {r.item.name for r in again if r.status == "done"}
    assert not [(r.item.name, r.error) for r in again if r.status == "failed"]
    skipped = {r.item.name for r in again if r.status == "skipped"}
    assert skipped == finished and ran == {i.name for i in batch.discover(src)} - finished


def _no_face():
    from podium.options import AnalysisOptions

    return AnalysisOptions(analyze_face=False)


def test_ray_engine_gives_the_same_reports_as_the_local_engine(samples, tmp_path, monkeypatch):
    pytest.importorskip("ray")
    # the AVX2 kernels of 2-core AMD EPYC machines, where the engines once differed (see test_determinism.py)
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Haswell")
    src = tmp_path / "in"
    src.mkdir()
    for name in ("jfk.flac", "ljspeech_LJ001-0001.wav"):
        shutil.copy(samples / "speech_clean" / name, src / name)
    shutil.copy(samples / "speech_disfluent" / "mfa_um.flac", src / "mfa_um.flac")
    (src / "empty.wav").write_bytes(b"")
    items = batch.discover(src)
    local = batch.run(items, tmp_path / "local", workers=2)
    remote = batch.run(items, tmp_path / "ray", workers=2, engine=batch.RayEngine())  # a local Ray cluster for the run
    assert [(o.item.name, o.status) for o in local] == [(o.item.name, o.status) for o in remote]
    for o in local:
        if o.status != "done":
            continue
        a = json.loads((tmp_path / "local" / o.item.name / "report.json").read_text())
        b = json.loads((tmp_path / "ray" / o.item.name / "report.json").read_text())
        for d in (a, b):
            d.pop("created_at"), d.pop("timings_s")
        assert a == b, o.item.name


def test_results_land_in_the_store(samples, tmp_path):
    import sqlite3

    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(samples / "speech_clean" / "jfk.flac", src / "jfk.flac")
    shutil.copy(samples / "speech_disfluent" / "mfa_acoustic_corpus.wav", src / "corpus.wav")
    (src / "empty.wav").write_bytes(b"")
    manifest = tmp_path / "m.csv"
    manifest.write_text("path,speaker,title\n" + "".join(f"{p},Ann,{p.stem}\n" for p in sorted(src.iterdir())))
    db = f"sqlite:///{tmp_path / 'podium.db'}"
    out = tmp_path / "out"
    results = batch.run(batch.discover(manifest), out, workers=2, db=db)
    con = sqlite3.connect(tmp_path / "podium.db")
    jobs = dict(con.execute("select r.title, j.status from jobs j join recordings r on r.id = j.recording_id"))
    assert jobs == {"corpus": "done", "empty": "failed", "jfk": "done"}
    for o in results:
        if o.status != "done":
            continue
        rep = json.loads((out / o.item.name / "report.json").read_text())
        row = con.execute(
            "select a.overall, a.scores, a.wpm from analyses a join recordings r on r.id = "
            "a.recording_id where r.path = ?",
            (o.item.path,),
        ).fetchone()
        s = rep["summary"]
        assert (row[0], json.loads(row[1]), row[2]) == (s["overall_score"], s["scores"], s["wpm"])
    assert con.execute("select count(*) from users where name = 'Ann' and password_hash is null").fetchone() == (1,)
    batch.run(batch.discover(manifest), out, workers=2, db=db, resume=True)  # nothing new to record but the failure
    assert con.execute("select count(*) from analyses").fetchone() == (2,)


def test_manifest_options_per_file_and_default_store(samples, tmp_path, capsys):
    from podium.cli import main

    jfk = samples / "speech_clean" / "jfk.flac"
    um = samples / "speech_disfluent" / "mfa_um.flac"
    m = tmp_path / "m.csv"
    m.write_text(f'path,options\n{jfk},"{{""speech"": {{""beam_size"": 1}}}}"\n{um},\n')
    assert main(["batch", str(m), "--out", str(tmp_path / "o"), "--workers", "1", "--db", "-q"]) == 0
    beams = {}
    for d in (tmp_path / "o").iterdir():
        if d.is_dir():
            beams[json.loads((d / "report.json").read_text())["source"]["path"]] = json.loads(
                (d / "report.json").read_text()
            )["options"]["speech"]["beam_size"]
    assert beams == {str(jfk): 1, str(um): 5}
    assert (tmp_path / "o" / "podium.db").is_file()  # --db alone: SQLite in the output folder
    bad = tmp_path / "bad.csv"
    bad.write_text(f'path,options\n{jfk},"{{""speach"": {{}}}}"\n')
    assert main(["batch", str(bad), "--out", str(tmp_path / "o2")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "speach" in err[0] and "jfk.flac" in err[0]


def test_manifest_slides_column_gives_each_talk_its_deck_and_a_bad_deck_never_fails_it(tmp_path, samples):
    from .media_fixtures import pdf_deck

    a = b = samples / "speech_clean" / "jfk.flac"  # the same recording twice, with two decks: two reports
    text = (samples / "speech_clean" / "jfk.txt").read_text().strip()
    pdf_deck(tmp_path / "deck.pdf", [text])
    (tmp_path / "broken.pdf").write_text("not a deck\n")
    m = tmp_path / "m.csv"
    m.write_text(f"path,title,slides,target_minutes\n{a},good,deck.pdf,0.1\n{b},bad,broken.pdf,\n")
    results = batch.run(batch.discover(m), tmp_path / "o", workers=1)
    assert [r.status for r in results] == ["done", "done"]
    assert len({r.item.name for r in results}) == 2
    good, bad = (json.loads((tmp_path / "o" / r.item.name / "report.json").read_text()) for r in results)
    assert good["slides"]["deck"] == "deck.pdf" and good["slides"]["target_s"] == 6
    assert good["slides"]["slides"][0]["read_share"] >= 0.8  # the deck holds exactly what he says
    assert bad["slides"] is None
    assert any("The slides were not analysed" in n and "broken.pdf" in n for n in bad["notes"])
    m.write_text(f"path,slides,target_minutes\n{a},deck.pdf,soon\n")
    with pytest.raises(InputError, match="target_minutes 'soon'"):
        batch.discover(m)
