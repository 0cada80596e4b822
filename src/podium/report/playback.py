"""The recording next to the report, so the page can play it.

The original is hard-linked into ``media/`` (copied where a link is not
possible). When its format is one browsers cannot play (MPEG-1/2, HEVC ...),
an audio-only Opus/WebM copy is written beside it for the page to fall back to.
"""

from __future__ import annotations

import logging
import os
import shutil
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..types import MediaInfo

__all__ = ["existing_media", "place_media"]

log = logging.getLogger(__name__)

_PLAYABLE_VIDEO = {"h264", "vp8", "vp9", "av1"}
_PLAYABLE_AUDIO = {"aac", "mp3", "opus", "vorbis", "flac", "pcm_s16le", "pcm_s24le", "pcm_f32le", "pcm_u8", None}
_PLAYABLE_CONTAINERS = ("mov", "mp4", "matroska", "webm", "ogg", "wav", "mp3", "flac")


def place_media(info: MediaInfo, out: Path, mode: str = "link", name: str | None = None) -> dict[str, Any]:
    """Put the recording under ``out/media`` and say how the page should play it.

    Args:
        info: the recording's metadata (its path is the source).
        out: the report folder.
        mode: ``link`` (hard link, else copy), ``copy``, or ``none`` (leave it out).
        name: the file name under ``media/`` (default: the recording's own).

    Returns:
        ``{"src", "fallback", "kind", "expected"}`` for the page (paths relative to ``out``).
    """
    src = Path(info.path)
    name = name or src.name
    result: dict[str, Any] = {
        "src": None,
        "fallback": None,
        "kind": "video" if info.has_video else "audio",
        "expected": f"media/{name}",
    }
    if mode == "none" or not src.is_file():
        return result
    folder = out / "media"
    folder.mkdir(exist_ok=True)
    dest = folder / name
    if not (dest.exists() and os.path.samefile(dest, src)):
        tmp = folder / f".{name}.part"
        tmp.unlink(missing_ok=True)
        _link_or_copy(src, tmp, link=mode == "link")
        os.replace(tmp, dest)
    result["src"] = f"media/{name}"
    if not _playable(info) and info.has_video:
        try:
            preview = _video_preview(info, folder / (Path(name).stem + ".preview.mp4"))
            result["fallback"] = "media/" + preview.name
            codec = _CODEC_NAMES.get(info.video_codec or "", (info.video_codec or "its").upper())
            result["fallback_note"] = (
                f"Playing a smaller copy made for this page: browsers cannot play the original's {codec} video."
            )
            return result
        except Exception as e:  # an audio copy then, as below
            log.warning("could not write a playable video preview: %s", e)
    if not _playable(info) and info.has_audio:
        try:
            result["fallback"] = "media/" + _audio_copy(info, folder / (Path(name).stem + ".audio.webm")).name
            if info.has_video:
                result["fallback_note"] = "Playing the sound only: the video could not be converted for this page."
        except Exception as e:  # the page still works without sound
            log.warning("could not write a playable audio copy: %s", e)
    return result


_CODEC_NAMES = {"hevc": "HEVC (H.265)", "mpeg1video": "MPEG-1", "mpeg2video": "MPEG-2", "mpeg4": "MPEG-4 Part 2"}
PREVIEW_WIDTH = 640
PREVIEW_FPS = 15  # enough to see a face; half the encoding of 30


def _video_preview(info: MediaInfo, dest: Path) -> Path:
    """An H.264/AAC MP4 copy at most PREVIEW_WIDTH wide and PREVIEW_FPS frames a second, for a video browsers cannot
    play (HEVC, MPEG-1/2 ...), decoded and encoded as it streams. Timestamps are carried over, so the copy keeps the
    original's timing. Cost (README): about 5x real time for 720p HEVC on two cores."""
    import av

    tmp = dest.with_name("." + dest.name + ".part")
    with av.open(info.path) as src, av.open(str(tmp), "w", format="mp4", options={"movflags": "+faststart"}) as out:
        vin = src.streams.video[0]
        ain = src.streams.audio[0] if src.streams.audio else None
        w0, h0 = vin.codec_context.width, vin.codec_context.height
        scale = min(1.0, PREVIEW_WIDTH / max(w0, 1))
        w, h = max(2, int(w0 * scale) // 2 * 2), max(2, int(h0 * scale) // 2 * 2)
        fps = min(PREVIEW_FPS, int(round(info.fps or PREVIEW_FPS)))
        vs = out.add_stream("libx264", rate=fps, options={"preset": "ultrafast", "crf": "30"})
        vs.width, vs.height, vs.pix_fmt = w, h, "yuv420p"
        vs.codec_context.time_base = Fraction(1, 1000)
        if info.rotation:
            vs.set_display_rotation(info.rotation)
        aus = None
        resampler = None
        if ain is not None:
            aus = out.add_stream("aac", rate=48000)
            aus.layout = "mono"
            resampler = av.AudioResampler(format="fltp", layout="mono", rate=48000, frame_size=1024)
        apts = 0
        last_ms = -1
        for packet in src.demux(*[s for s in (vin, ain) if s is not None]):
            for frame in packet.decode():
                if isinstance(frame, av.VideoFrame):
                    if frame.time is None:
                        continue
                    ms = int(round(frame.time * 1000))
                    if last_ms >= 0 and ms < last_ms + 1000 / fps - 1:  # at most ``fps`` frames a second
                        continue
                    last_ms = ms
                    vf = frame.reformat(width=w, height=h, format="yuv420p")
                    vf.pts, vf.time_base = ms, Fraction(1, 1000)
                    for pkt in vs.encode(vf):
                        out.mux(pkt)
                elif isinstance(frame, av.AudioFrame) and aus is not None and resampler is not None:
                    for af in resampler.resample(frame):
                        af.pts, af.time_base = apts, Fraction(1, 48000)
                        apts += af.samples
                        for pkt in aus.encode(af):
                            out.mux(pkt)
        if aus is not None and resampler is not None:
            for af in resampler.resample(None):
                af.pts, af.time_base = apts, Fraction(1, 48000)
                apts += af.samples
                for pkt in aus.encode(af):
                    out.mux(pkt)
            for pkt in aus.encode():
                out.mux(pkt)
        for pkt in vs.encode():
            out.mux(pkt)
    os.replace(tmp, dest)
    return dest


def _link_or_copy(src: Path, dest: Path, *, link: bool = True) -> None:
    """``dest`` becomes a hard link to ``src`` (no space used), or a copy where linking fails or ``link`` is False.

    Raises:
        OSError: it can be neither linked nor copied.
    """
    if link:
        try:
            os.link(src, dest)
            return
        except OSError:
            pass  # another file system, or one without hard links: copy
    shutil.copyfile(src, dest)


def existing_media(source: MediaInfo, out: Path) -> dict[str, Any]:
    """The page's media entry for a report folder written earlier (what is in ``out/media`` now)."""
    name = Path(str(source.path).replace("\\", "/")).name
    stem = Path(name).stem

    def have(rel: str) -> str | None:
        return rel if (out / rel).is_file() else None

    return {
        "src": have(f"media/{name}"),
        "fallback": have(f"media/{stem}.audio.webm"),
        "kind": "video" if source.has_video else "audio",
        "expected": f"media/{name}",
    }


def _playable(info: MediaInfo) -> bool:
    container_ok = any(c in info.container.split(",") for c in _PLAYABLE_CONTAINERS)
    video_ok = not info.has_video or info.video_codec in _PLAYABLE_VIDEO
    return container_ok and video_ok and info.audio_codec in _PLAYABLE_AUDIO


def _audio_copy(info: MediaInfo, dest: Path) -> Path:
    """An Opus/WebM copy of the recording's sound, decoded and encoded as it streams (a long talk is never held)."""
    import av

    tmp = dest.with_name("." + dest.name + ".part")
    with av.open(info.path) as src, av.open(str(tmp), "w", format="webm") as out:
        stream = out.add_stream("libopus", rate=48000)
        stream.layout = "mono"
        stream.bit_rate = 32000
        resampler = av.AudioResampler(format="flt", layout="mono", rate=48000, frame_size=960)
        pts = 0

        def encode(frames: list[Any]) -> None:
            nonlocal pts
            for f in frames:
                f.pts = pts
                pts += f.samples
                for pkt in stream.encode(f):
                    out.mux(pkt)

        for packet in src.demux(src.streams.audio[0]):
            for frame in packet.decode():
                encode(resampler.resample(frame))
        encode(resampler.resample(None))
        for pkt in stream.encode():
            out.mux(pkt)
    os.replace(tmp, dest)
    return dest
