"""Decoding: any common container to 16 kHz mono float32, plus metadata.

PyAV is used because it bundles FFmpeg in its wheel (no system ffmpeg) and
lets us demux only the audio stream, so a long video is never held in memory:
audio is decoded packet by packet and resampled as it streams.
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
from pathlib import Path
from typing import Any

import numpy as np

from . import spool
from .errors import InputError
from .options import MediaOptions
from .types import Audio, MediaInfo, Recording

__all__ = ["SAMPLE_RATE", "check", "file_sha256", "load", "probe"]

SAMPLE_RATE = 16000
log = logging.getLogger(__name__)

# A decoded stream this much shorter than its header says is truncated.
_TRUNCATION_TOLERANCE_S = 1.0
_TRUNCATION_TOLERANCE_RATIO = 0.1


def probe(path: str | os.PathLike[str], options: MediaOptions | None = None) -> MediaInfo:
    """Read a recording's metadata without decoding its audio.

    Raises:
        InputError: missing, not a file, empty, unreadable, not media, too long.
    """
    options = options or MediaOptions()
    p = _check_file(path)
    with _open(p) as container:
        info = _info(p, container)
    _check_length(info, options)
    return info


def load(path: str | os.PathLike[str], options: MediaOptions | None = None) -> Recording:
    """Decode a recording's first audio stream to 16 kHz mono float32.

    The video stream is not decoded (only its first frame, for rotation).
    A file without audio returns ``Recording(info, audio=None)``.

    Raises:
        InputError: as :func:`probe`, plus a stream that stops decoding early
            (truncated or corrupt) or runs past ``options.max_duration_s``.
    """
    return _read(path, options or MediaOptions(), keep=True)


def check(path: str | os.PathLike[str], options: MediaOptions | None = None) -> MediaInfo:
    """Decode the whole audio stream as :func:`load` does, keeping none of it: the same errors, in flat memory
    (a server checks an upload with this; a 4-hour recording would otherwise hold ~0.9 GB while it is checked).

    Raises:
        InputError: as :func:`load`.
    """
    return _read(path, options or MediaOptions(), keep=False).info


def _read(path: str | os.PathLike[str], options: MediaOptions, *, keep: bool) -> Recording:
    p = _check_file(path)
    with _open(p) as container:
        info = _info(p, container)
        _check_length(info, options)
        if info.container == "wav":
            _check_riff(p)
        audio = _decode_audio(p, container, info, options, keep=keep) if info.has_audio else None
    if not info.has_audio:
        _check_short(p, info.duration_s, options)
    return Recording(info=info, audio=audio)


def _check_file(path: str | os.PathLike[str]) -> Path:
    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise InputError(f"{p}: no such file", p) from None
    except OSError as e:
        raise InputError(f"{p}: cannot access ({e.strerror or e})", p) from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(f"{p}: is a directory, not a recording (use 'podium batch' for folders)", p)
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"{p}: not a regular file", p)
    if st.st_size == 0:
        raise InputError(f"{p}: file is empty (0 bytes)", p)
    try:
        with open(p, "rb") as fh:
            fh.read(1)
    except OSError as e:
        raise InputError(f"{p}: cannot read ({e.strerror or e})", p) from None
    return p


def _open(p: Path) -> Any:
    import av

    try:
        return av.open(str(p), mode="r", metadata_errors="ignore")
    except av.error.FFmpegError as e:
        raise InputError(
            f"{p}: cannot be decoded as audio or video ({_reason(e)}); is it a media file, complete and undamaged?", p
        ) from None


def _reason(e: Exception) -> str:
    msg = getattr(e, "strerror", None) or str(e)
    return str(msg).split(":")[0].strip().rstrip(".").lower() or type(e).__name__


def _info(p: Path, container: Any) -> MediaInfo:
    a = container.streams.audio[0] if container.streams.audio else None
    v = container.streams.video[0] if container.streams.video else None
    if v is not None and (v.codec_context is None or not v.codec_context.width):
        v = None  # attached cover art or an undecodable stream
    if a is None and v is None:
        raise InputError(f"{p}: no audio or video stream found", p)
    width = height = None
    fps = None
    rotation = 0
    if v is not None:
        width, height = int(v.codec_context.width), int(v.codec_context.height)
        rate = v.average_rate or v.guessed_rate
        fps = round(float(rate), 3) if rate else None
        rotation = _rotation(container, v)
        if rotation in (90, 270):
            width, height = height, width
    return MediaInfo(
        path=str(p),
        sha256=file_sha256(p),
        duration_s=round(_duration(container, a, v), 3),
        has_audio=a is not None,
        has_video=v is not None,
        width=width,
        height=height,
        fps=fps,
        rotation=rotation,
        audio_codec=a.codec_context.name if a is not None else None,
        video_codec=v.codec_context.name if v is not None else None,
        container=str(container.format.name),
    )


def _duration(container: Any | None, *streams: Any) -> float:
    if container is not None and container.duration:
        return float(container.duration) / 1_000_000
    best = 0.0
    for s in streams:
        if s is not None and s.duration and s.time_base:
            best = max(best, float(s.duration * s.time_base))
    return best


def _rotation(container: Any, v: Any) -> int:
    """Degrees to turn the picture clockwise for display (from the display matrix)."""
    try:
        for frame in container.decode(v):
            rot = int(round(getattr(frame, "rotation", 0) or 0))
            return (-rot) % 360
    except Exception:  # an undecodable video is reported by the face stage, not here
        return 0
    finally:
        container.seek(0)
    return 0


def file_sha256(p: str | os.PathLike[str]) -> str:
    """Hex sha256 of a file, read a megabyte at a time."""
    h = hashlib.sha256()
    with open(p, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _check_length(info: MediaInfo, options: MediaOptions) -> None:
    limit = options.max_duration_s
    if limit is not None and info.duration_s > limit:
        raise InputError(
            f"{info.path}: recording is {info.duration_s / 60:.1f} min long, over the "
            f"limit of {limit / 60:.1f} min (max_duration_s={limit:g})",
            info.path,
        )


def _check_short(p: Path, seconds: float, options: MediaOptions) -> None:
    if seconds < options.min_duration_s:
        raise InputError(
            f"{p}: only {seconds:.2f} s long, too short to analyse (at least {options.min_duration_s:g} s; "
            "a download cut short?)",
            p,
        )


def _check_riff(p: Path) -> None:
    """A WAV whose data chunk claims more bytes than the file holds was cut short.

    FFmpeg decodes such a file without complaint up to where it ends, so the
    header is read here.
    """
    size = p.stat().st_size
    with open(p, "rb") as fh:
        head = fh.read(12)
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            return
        pos = 12
        while pos + 8 <= size:
            fh.seek(pos)
            chunk = fh.read(8)
            cid, n = chunk[:4], int.from_bytes(chunk[4:8], "little")
            if cid == b"data":
                if n != 0xFFFFFFFF and pos + 8 + n > size + 1:  # streaming writers use 0xFFFFFFFF
                    have = size - pos - 8
                    raise InputError(
                        f"{p}: file looks truncated: its header promises {n} bytes of audio but only {have} are there",
                        p,
                    )
                return
            pos += 8 + n + (n & 1)


def _decode_audio(p: Path, container: Any, info: MediaInfo, options: MediaOptions, *, keep: bool) -> Audio | None:
    """The whole stream, resampled, with its truncation and length checks; ``keep=False`` only counts samples."""
    import av

    stream = container.streams.audio[0]
    resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
    total = 0
    limit = options.max_duration_s
    # one buffer sized from the header and grown if it was short (joining pieces would hold the audio twice);
    # a long talk goes to a temporary file instead (podium.spool)
    declared = _duration(None, stream) if stream.duration else info.duration_s
    expected = int(min(declared or 60.0, limit if limit is not None else 3600.0, 4 * 3600.0) * SAMPLE_RATE)
    sink = spool.SampleSink(int(spool.SPOOL_AFTER_S * SAMPLE_RATE), expected + SAMPLE_RATE) if keep else None

    def take(frames: list[Any]) -> int:
        n = 0
        for out in frames:
            arr = out.to_ndarray().reshape(-1)
            if sink is not None:
                sink.append(np.clip(arr, -1.0, 1.0))
            n += arr.size
        return n

    try:
        for packet in container.demux(stream):
            for frame in packet.decode():
                total += take(resampler.resample(frame))
            if limit is not None and total > limit * SAMPLE_RATE:
                raise InputError(f"{p}: audio runs past the limit of {limit:g} s (max_duration_s)", p)
        total += take(resampler.resample(None))
    except av.error.FFmpegError as e:
        raise InputError(
            f"{p}: audio is corrupt or truncated; decoding failed at {total / SAMPLE_RATE:.1f} s ({_reason(e)})", p
        ) from None
    got = total / SAMPLE_RATE
    if got == 0:
        raise InputError(f"{p}: the audio stream holds no decodable sound; the file may be truncated or corrupt", p)
    if declared - got > max(_TRUNCATION_TOLERANCE_S, _TRUNCATION_TOLERANCE_RATIO * declared):
        raise InputError(
            f"{p}: file looks truncated: its header says {declared:.1f} s of audio "
            f"but only {got:.1f} s could be decoded",
            p,
        )
    _check_short(p, got, options)
    if sink is None:
        return None
    return Audio(samples=sink.finish(), sr=SAMPLE_RATE)
