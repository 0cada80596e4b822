"""The catalogue of things a user can get wrong with ``podium analyze``: each is exit code 1 (2 for usage), one line
on stderr that says what is wrong, no traceback, and nothing left behind where the report would have gone."""

from __future__ import annotations

import os
import stat

import numpy as np
import pytest

from podium.cli import main

from .media_fixtures import speechlike, write_wav


def _bad_files(d):
    d.mkdir()
    cases = {}
    (d / "empty.wav").write_bytes(b"")
    cases["empty.wav"] = "file is empty"
    (d / "noise.wav").write_bytes(np.random.default_rng(1).bytes(5000))
    cases["noise.wav"] = "noise.wav"
    (d / "notes.mp4").write_text("these are my speaker notes, not a video\n" * 20)
    cases["notes.mp4"] = "notes.mp4"
    full = write_wav(d / "full.wav", speechlike(3.0)).read_bytes()
    (d / "truncated.wav").write_bytes(full[: len(full) // 3])
    cases["truncated.wav"] = "truncated"
    write_wav(d / "blip.wav", speechlike(0.3))
    cases["blip.wav"] = "too short to analyse"
    os.symlink(d / "loop_b.wav", d / "loop_a.wav")
    os.symlink(d / "loop_a.wav", d / "loop_b.wav")
    cases["loop_a.wav"] = "loop_a.wav"
    (d / "folder.wav").mkdir()
    cases["folder.wav"] = "is a directory"
    cases["missing.wav"] = "no such file"
    return cases


def _one_line_error(capsys, needle: str) -> None:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("Error: ") and needle in err[0], err
    assert "Traceback" not in err[0]


def test_every_bad_recording_is_one_line_and_leaves_nothing(tmp_path, capsys):
    cases = _bad_files(tmp_path / "in")
    for name, needle in cases.items():
        out = tmp_path / "out" / name
        assert main(["analyze", str(tmp_path / "in" / name), "--out", str(out), "-q"]) == 1, name
        _one_line_error(capsys, needle)
        leftovers = list((tmp_path / "out").iterdir()) if (tmp_path / "out").exists() else []
        assert leftovers == [], (name, leftovers)


@pytest.fixture()
def talk(tmp_path):
    return write_wav(tmp_path / "talk.wav", speechlike(3.0))


@pytest.mark.parametrize(
    ("args", "needle", "code"),
    [
        (["--beam-size", "0"], "beam_size", 1),
        (["--face-fps", "100"], "sample_fps", 1),
        (["--pause-min", "3", "--long-pause", "2"], "long_pause_s", 1),
        (["--max-duration", "1"], "over the limit", 1),
        (["--model", "no-such-model-here"], "no-such-model-here", 1),
        (["--beam-size", "five"], "invalid int value", 2),
    ],
)
def test_bad_options_are_one_line(talk, tmp_path, capsys, args, needle, code):
    argv = ["analyze", str(talk), "--out", str(tmp_path / "r"), "-q", *args]
    if code == 2:  # argparse's usage errors
        with pytest.raises(SystemExit) as e:
            main(argv)
        assert e.value.code == 2 and needle in capsys.readouterr().err
    else:
        assert main(argv) == 1
        _one_line_error(capsys, needle)
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize(
    ("toml", "needle"),
    [
        (b"[pace]\nzero_margin_wpm = 0\n", "pace.zero_margin_wpm"),
        (b"[pace]\nweight = nan\n", "pace.weight"),
        (b"[scores]\nflag_below = 95\n", "scores.flag_below"),
        (b"[pace]\nmax_wmp = 1\n", "unknown setting pace.max_wmp"),
        ("# caf\xe9\n".encode("latin-1"), "not UTF-8"),
    ],
)
def test_a_bad_config_fails_before_any_work(talk, tmp_path, capsys, toml, needle):
    cfg = tmp_path / "c.toml"
    cfg.write_bytes(toml)
    assert main(["analyze", str(talk), "--config", str(cfg), "--out", str(tmp_path / "r"), "-q"]) == 1
    _one_line_error(capsys, needle)
    assert not (tmp_path / "r").exists()


def test_a_bad_out_is_refused_before_the_analysis(talk, tmp_path, capsys, monkeypatch):
    import podium.folder

    def never(*a, **k):
        raise AssertionError("the analysis ran although --out was unusable")

    monkeypatch.setattr(podium.folder, "analyze", never)
    (tmp_path / "a_file").write_text("x")
    assert main(["analyze", str(talk), "--out", str(tmp_path / "a_file"), "-q"]) == 1
    _one_line_error(capsys, "is not a folder")
    (tmp_path / "stuff").mkdir()
    (tmp_path / "stuff" / "thesis.docx").write_text("x")
    assert main(["analyze", str(talk), "--out", str(tmp_path / "stuff"), "-q"]) == 1
    _one_line_error(capsys, "not a report folder")
    assert (tmp_path / "stuff" / "thesis.docx").read_text() == "x"
    if os.geteuid() != 0:  # root may write anywhere
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(stat.S_IRUSR | stat.S_IXUSR)
        assert main(["analyze", str(talk), "--out", str(ro / "r"), "-q"]) == 1
        _one_line_error(capsys, "cannot write here")
