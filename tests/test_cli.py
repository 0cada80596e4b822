"""The command as a user runs it, on real recordings and the real model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from podium.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_help_teaches(capsys):
    with pytest.raises(SystemExit) as e:
        main(["analyze", "--help"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    for needle in ("--out", "--model", "tiny.en", "--pause-min", "report.json", "mp4"):
        assert needle in out


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "analyze" in capsys.readouterr().err


def test_analyze_audio_end_to_end(samples, tmp_path, capsys):
    src = samples / "speech_disfluent" / "mfa_acoustic_corpus.wav"
    assert main(["analyze", str(src), "--out", str(tmp_path / "r")]) == 0
    out = capsys.readouterr().out
    assert "Fillers" in out and "wpm" in out and str(tmp_path / "r" / "report.html") in out
    data = json.loads((tmp_path / "r" / "report.json").read_text())
    kinds = data["summary"]["fillers_by_kind"]
    assert kinds.get("um", 0) + kinds.get("uh", 0) >= 2
    assert (tmp_path / "r" / "transcript.srt").read_text().startswith("1\n")


def test_analyze_video_end_to_end(samples, tmp_path, capsys):
    src = samples / "video_talking" / "grid_bbaf2n.mpg"
    assert main(["analyze", str(src), "--out", str(tmp_path / "v"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["source"]["has_video"] and data["source"]["width"] == 360
    text = data["transcript"]["text"].lower()
    assert "now" in text  # GRID: "bin blue at f two now" (tiny.en hears "bimbloo f2 now")
    assert data["face"]["present_ratio"] >= 0.9 and data["face"]["skipped_reason"] is None
    assert {"eye_contact", "expression", "framing"} <= set(data["feedback"]["scores"])


def test_analyze_names_the_talk_or_says_what_talk_needs(samples, tmp_path, capsys):
    src = samples / "speech_clean" / "jfk.flac"
    assert main(["analyze", str(src), "--talk", "  Inaugural   address ", "--out", str(tmp_path / "r"), "-q"]) == 0
    assert json.loads((tmp_path / "r" / "report.json").read_text())["talk"] == "Inaugural address"
    assert main(["analyze", str(src), "--talk", " ", "--out", str(tmp_path / "e")]) != 0
    err = capsys.readouterr().err
    assert "--talk needs the talk's name" in err and "Traceback" not in err
    assert not (tmp_path / "e").exists()


def test_entry_point_runs_as_a_program(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "podium", "--version"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout.startswith("podium ")


def test_eval_speech_command(samples, tmp_path, capsys):
    out_json = tmp_path / "eval.json"
    assert main(["eval", "speech", str(samples / "speech_disfluent"), "--json", str(out_json)]) == 0
    out = capsys.readouterr().out
    assert "Overall WER" in out and "um+uh" in out and "um/uh/hm" in out
    data = json.loads(out_json.read_text())
    assert data["fillers"]["um+uh"]["recall"] >= 0.8
    # mfa_acoustic_corpus's TextGrid times two of its three fillers: scored by time (and the third by count)
    assert "Timed fillers (a hit is within 1 s of the reference) in 1 file:" in out
    assert "filler_misses" in next(f for f in data["files"] if f["name"] == "mfa_acoustic_corpus.wav")


def test_eval_speech_scores_timed_fillers_as_events(samples, tmp_path, capsys):
    """With filler times beside the reference, a filler found at another time is a miss and a false alarm."""
    import shutil

    src = samples / "speech_disfluent_extra" / "ba_test_monologue"
    for d, times in (("right", None), ("wrong", "5.0\t5.3\tum\n30.0\t30.3\tum\n")):
        (tmp_path / d).mkdir()
        shutil.copy(src.with_suffix(".mp3"), tmp_path / d)
        shutil.copy(src.with_suffix(".txt"), tmp_path / d)
        tsv = tmp_path / d / "ba_test_monologue.fillers.tsv"
        tsv.write_text(src.with_suffix(".fillers.tsv").read_text() if times is None else "start\tend\tword\n" + times)
        out_json = tmp_path / f"{d}.json"
        assert main(["eval", "speech", str(tmp_path / d), "--json", str(out_json)]) == 0
        data = json.loads(out_json.read_text())
        um = data["fillers"]["um"]
        if times is None:
            assert (um["tp"], um["fp"], um["fn"]) == (2, 0, 0), um
        else:
            assert (um["tp"], um["fp"], um["fn"]) == (0, 2, 2), um
            out = capsys.readouterr().out
            assert "missed       ba_test_monologue.mp3 um 5.00-5.30" in out
            assert out.count("false alarm  ba_test_monologue.mp3 um") == 2
            assert len(data["files"][0]["filler_misses"]) == 2


def test_eval_on_a_folder_without_references(tmp_path, capsys):
    assert main(["eval", "speech", str(tmp_path)]) == 1
    assert "no recording with a NAME.txt" in capsys.readouterr().err


def test_output_read_by_a_reader_that_stops_early_is_not_a_traceback(tmp_path):
    """`podium doctor | head -1`: the pipe closes early; no BrokenPipeError traceback on stderr."""
    import subprocess
    import sys

    cmd = f"{sys.executable} -m podium doctor | head -1"
    done = subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() and "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr
