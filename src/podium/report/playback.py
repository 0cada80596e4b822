"""The recording next to the report, so the page can play it.

The original is hard-linked into ``media/`` (copied where a link is not
possible). When its format is one browsers cannot play (MPEG-1/2, HEVC ...),
an audio-only Opus/WebM copy is written beside it for the page to fall back to.
"""

from __future__ import annotations

import logging
import os
import shutil
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
    if not _playable(info) and info.has_audio:
        try:
            result["fallback"] = "media/" + _audio_copy(info, folder / (Path(name).stem + ".audio.webm")).name
        except Exception as e:  # the page still works without sound
            log.warning("could not write a playable audio copy: %s", e)
    return result


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
