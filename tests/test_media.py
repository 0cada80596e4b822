"""Decoding and every kind of bad input: one clear line on stderr, exit code 1."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest

from podium import InputError, media
from podium.cli import main
from podium.options import MediaOptions

from .media_fixtures import encode, speechlike, write_wav

FORMATS = [
    ("wav", {"acodec": "pcm_s16le"}),
    ("flac", {"acodec": "flac"}),
    ("mp3", {"acodec": "libmp3lame"}),
    ("m4a", {"acodec": "aac"}),
    ("ogg", {"acodec": "libopus"}),
    ("mp4", {"video_s": 1.0}),
    ("mov", {"video_s": 1.0}),
    ("mkv", {"video_s": 1.0}),
    ("webm", {"video_s": 1.0, "vcodec": "libvpx", "acodec": "libopus"}),
    ("avi", {"video_s": 1.0, "vcodec": "mpeg4", "acodec": "libmp3lame"}),
    ("mpg", {"video_s": 1.0, "vcodec": "mpeg2video", "acodec": "mp2"}),
]


@pytest.mark.parametrize(("ext", "kw"), FORMATS, ids=[f[0] for f in FORMATS])
def test_decodes_common_containers_to_16k_mono(tmp_path, ext, kw):
    x = speechlike(1.5)
    path = encode(tmp_path / f"a.{ext}", audio=x, **kw)
    rec = media.load(path)
    assert rec.audio is not None and rec.audio.sr == 16000
    assert rec.audio.samples.dtype == np.float32 and rec.audio.samples.ndim == 1
    assert abs(rec.audio.duration_s - 1.5) < 0.15, rec.audio.duration_s
    assert rec.info.has_video == bool(kw.get("video_s"))
    # the decoded tone keeps its level (no silent or clipped decode)
    assert 0.05 < np.sqrt(np.mean(rec.audio.samples[4000:-4000] ** 2)) < 0.5


def test_video_metadata(tmp_path):
    path = encode(tmp_path / "v.mp4", audio=speechlike(1.0), video_s=1.0, size=(320, 240), fps=25)
    info = media.probe(path)
    assert (info.width, info.height, info.fps, info.rotation) == (320, 240, 25.0, 0)
    assert info.has_audio and info.has_video and len(info.sha256) == 64


def test_rotation_metadata_swaps_display_size(tmp_path):
    path = encode(tmp_path / "phone.mp4", audio=speechlike(1.0), video_s=1.0, size=(320, 240), rotate=90)
    info = media.probe(path)
    assert info.rotation in (90, 270)
    assert (info.width, info.height) == (240, 320)


def _run(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def _assert_one_line_error(code: int, err: str, *needles: str) -> None:
    assert code == 1, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("Error: ")
    assert "Traceback" not in err
    for n in needles:
        assert n in lines[0], lines[0]


def test_missing_path(tmp_path, capsys):
    code, _, err = _run(["analyze", str(tmp_path / "nope.mp4"), "-q"], capsys)
    _assert_one_line_error(code, err, "no such file")


def test_directory(tmp_path, capsys):
    code, _, err = _run(["analyze", str(tmp_path), "-q"], capsys)
    _assert_one_line_error(code, err, "is a directory")


def test_zero_byte_file(tmp_path, capsys):
    p = tmp_path / "empty.mp4"
    p.write_bytes(b"")
    code, _, err = _run(["analyze", str(p), "-q"], capsys)
    _assert_one_line_error(code, err, "empty")


def test_text_file_renamed_to_mp4(tmp_path, capsys):
    p = tmp_path / "notes.mp4"
    p.write_text("These are my speaker notes, not a video.\n" * 50)
    code, _, err = _run(["analyze", str(p), "-q"], capsys)
    _assert_one_line_error(code, err, "cannot be decoded")


def test_random_bytes(tmp_path, capsys):
    p = tmp_path / "noise.wav"
    p.write_bytes(np.random.default_rng(0).integers(0, 256, 50_000, dtype=np.uint8).tobytes())
    code, _, err = _run(["analyze", str(p), "-q"], capsys)
    _assert_one_line_error(code, err)


def test_truncated_wav(tmp_path, capsys):
    full = write_wav(tmp_path / "full.wav", speechlike(6.0))
    cut = tmp_path / "cut.wav"
    cut.write_bytes(full.read_bytes()[: full.stat().st_size // 3])
    code, _, err = _run(["analyze", str(cut), "-q"], capsys)
    _assert_one_line_error(code, err, "truncated")


def test_truncated_mp4(tmp_path, capsys):
    full = encode(tmp_path / "full.mp4", audio=speechlike(3.0), video_s=3.0)
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    code, _, err = _run(["analyze", str(cut), "-q"], capsys)
    _assert_one_line_error(code, err)


def test_corrupt_middle_of_flac(tmp_path, capsys):
    full = encode(tmp_path / "full.flac", audio=speechlike(6.0), acodec="flac")
    data = bytearray(full.read_bytes())
    data[len(data) // 3 :] = b"\x00" * (len(data) - len(data) // 3)
    bad = tmp_path / "bad.flac"
    bad.write_bytes(bytes(data))
    code, _, err = _run(["analyze", str(bad), "-q"], capsys)
    _assert_one_line_error(code, err)


def test_no_audio_stream_says_what_is_not_analysed(tmp_path, capsys):
    p = encode(tmp_path / "silent-film.mp4", video_s=1.0)
    code, _, err = _run(["analyze", str(p), "-q", "--no-face"], capsys)
    _assert_one_line_error(code, err, "no audio stream", "nothing it can analyse")
    # with face analysis on, the video is analysed and the report says what was not
    code, out, err = _run(["analyze", str(p), "--out", str(tmp_path / "r")], capsys)
    assert code == 0 and "only the face was analysed" in out


def test_longer_than_limit(tmp_path, capsys):
    p = write_wav(tmp_path / "long.wav", speechlike(3.0))
    code, _, err = _run(["analyze", str(p), "-q", "--max-duration", "1"], capsys)
    _assert_one_line_error(code, err, "over the limit", "max_duration_s")
    with pytest.raises(InputError, match="max_duration_s"):
        media.load(p, MediaOptions(max_duration_s=2.0))


def test_unreadable_file(capsys):
    """A file the user may not read. Root reads everything, so there the check runs as 'nobody'."""
    d = Path(tempfile.mkdtemp())
    try:
        os.chmod(d, 0o755)
        p = write_wav(d / "secret.wav", speechlike(1.0))
        os.chmod(p, 0o000)
        as_root = os.geteuid() == 0
        if as_root:
            os.seteuid(65534)
        try:
            code, _, err = _run(["analyze", str(p), "-q", "--out", str(d / "out")], capsys)
        finally:
            if as_root:
                os.seteuid(0)
        _assert_one_line_error(code, err, "cannot read", "ermission denied")
    finally:
        shutil.rmtree(d, ignore_errors=True)


def test_usage_error_exits_2(capsys):
    with pytest.raises(SystemExit) as e:
        main(["analyze"])
    assert e.value.code == 2


def _bad_files(tmp_path: Path) -> dict[str, Path]:
    """One of each kind of broken recording, made here."""
    full_wav = write_wav(tmp_path / "full.wav", speechlike(6.0))
    full_mp4 = encode(tmp_path / "full.mp4", audio=speechlike(3.0), video_s=3.0)
    full_flac = encode(tmp_path / "full.flac", audio=speechlike(6.0), acodec="flac")
    out = {
        "text": tmp_path / "notes.mp4",
        "cut wav": tmp_path / "cut.wav",
        "cut mp4": tmp_path / "cut.mp4",
        "zeroed flac": tmp_path / "bad.flac",
    }
    out["text"].write_text("These are my speaker notes, not a video.\n" * 50)
    out["cut wav"].write_bytes(full_wav.read_bytes()[: full_wav.stat().st_size // 3])
    out["cut mp4"].write_bytes(full_mp4.read_bytes()[: full_mp4.stat().st_size // 2])
    flac = bytearray(full_flac.read_bytes())
    flac[len(flac) // 3 :] = b"\x00" * (len(flac) - len(flac) // 3)
    out["zeroed flac"].write_bytes(bytes(flac))
    return out


def test_check_refuses_what_load_refuses_and_keeps_no_audio(tmp_path):
    """``media.check`` (the web app's upload check) says exactly what ``load`` says, without holding the samples."""
    import tracemalloc

    for kind, p in _bad_files(tmp_path).items():
        with pytest.raises(InputError) as loaded:
            media.load(p)
        with pytest.raises(InputError) as checked:
            media.check(p)
        assert str(checked.value) == str(loaded.value), kind
    long = write_wav(tmp_path / "long.wav", speechlike(3.0))
    with pytest.raises(InputError, match="max_duration_s"):
        media.check(long, MediaOptions(max_duration_s=2.0))

    peaks: dict[tuple[str, int], int] = {}
    for seconds in (30, 120):
        talk = write_wav(tmp_path / f"talk{seconds}.wav", speechlike(float(seconds)))
        for fn in (media.load, media.check):
            tracemalloc.start()
            got = fn(talk)
            peaks[fn.__name__, seconds] = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        assert got == media.load(talk).info
    # load holds the samples (4 bytes each at 16 kHz) once, not a second time while joining decoded pieces;
    # check's peak does not grow with the length
    samples_120 = 120 * 16000 * 4
    assert peaks["load", 120] - peaks["load", 30] > 90 * 16000 * 4 * 0.9, peaks
    assert peaks["load", 120] < 1.3 * samples_120, peaks
    assert abs(peaks["check", 120] - peaks["check", 30]) < 1_000_000 and peaks["check", 120] < samples_120 / 2, peaks
