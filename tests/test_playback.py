"""The recording next to the report: copies browsers can play, made only when the original cannot be."""

from __future__ import annotations

import av
import pytest

from podium import media
from podium.report.playback import PREVIEW_FPS, PREVIEW_WIDTH, place_media

from .media_fixtures import encode, speechlike


def test_an_unplayable_recording_gets_an_audio_copy_of_the_same_length(tmp_path):
    src = encode(tmp_path / "talk.aiff", audio=speechlike(3.0), acodec="pcm_s16be")
    info = media.probe(src)
    (tmp_path / "report").mkdir()
    placed = place_media(info, tmp_path / "report")
    assert placed["fallback"] == "media/talk.audio.webm"
    with av.open(str(tmp_path / "report" / placed["fallback"])) as f:
        s = f.streams.audio[0]
        assert s.codec_context.name == "opus"
        seconds = sum(frame.samples for frame in f.decode(s)) / s.rate
    assert seconds == pytest.approx(3.0, abs=0.05)


@pytest.mark.parametrize(("vcodec", "size"), [("mpeg1video", (320, 240)), ("libx265", (1280, 720))])
def test_a_video_browsers_cannot_play_gets_a_small_h264_preview_with_its_timing(tmp_path, vcodec, size):
    src = encode(tmp_path / "talk.mkv", audio=speechlike(4.0), video_s=4.0, size=size, vcodec=vcodec, acodec="mp2")
    info = media.probe(src)
    (tmp_path / "report").mkdir()
    placed = place_media(info, tmp_path / "report")
    assert placed["src"] == "media/talk.mkv" and placed["fallback"] == "media/talk.preview.mp4"
    assert "cannot play" in placed["fallback_note"]
    with av.open(str(tmp_path / "report" / placed["fallback"])) as f:
        v, a = f.streams.video[0], f.streams.audio[0]
        assert v.codec_context.name == "h264" and a.codec_context.name == "aac"
        assert v.codec_context.width <= PREVIEW_WIDTH and v.codec_context.width % 2 == 0
        frames = [fr.time for fr in f.decode(v)]
    assert frames[-1] == pytest.approx(4.0, abs=0.15)  # the original's timing: words and moments stay in step
    assert len(frames) <= PREVIEW_FPS * 4 + 1


def test_a_playable_video_gets_no_copy(tmp_path):
    src = encode(tmp_path / "talk.mp4", audio=speechlike(2.0), video_s=2.0)
    (tmp_path / "report").mkdir()
    placed = place_media(media.probe(src), tmp_path / "report")
    assert placed["fallback"] is None
    assert sorted(p.name for p in (tmp_path / "report" / "media").iterdir()) == ["talk.mp4"]
