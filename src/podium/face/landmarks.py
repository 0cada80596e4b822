"""The landmarker side of the face stage: landmarks, blendshapes and head pose for one frame (small faces via a
cascade and a crop), with the image measures taken around the face."""

from __future__ import annotations

import logging
import math
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from ..options import FaceOptions
from ..types import FaceSample
from .lite import LiteFace, LiteLandmarker

__all__ = ["Cue", "Engine", "Pending", "centre", "choose", "head_pose"]

Box = tuple[float, float, float, float]  # x, y, w, h as shares of the frame (FaceSample.box)
Centre = tuple[float, float]

log = logging.getLogger(__name__)

# landmark indices (MediaPipe face mesh): eye corners and iris centres
_R_EYE, _L_EYE = (33, 133), (362, 263)
_R_LIDS, _L_LIDS = (159, 145), (386, 374)
_R_IRIS, _L_IRIS = 468, 473
_EXPRESSIVE = ("browInnerUp", "browDownLeft", "browDownRight", "browOuterUpLeft", "browOuterUpRight",
               "mouthSmileLeft", "mouthSmileRight", "jawOpen", "mouthFrownLeft", "mouthFrownRight",
               "mouthPucker", "mouthStretchLeft", "mouthStretchRight")  # fmt: skip


@dataclass(frozen=True)
class Cue:
    """How a video's sampled frame is looked at (``podium.face._frames``).

    Attributes:
        fresh: a keyframe: small faces are looked for from scratch (a stretch of the video may start here).
        recheck: on a whole 2 s of the video: small faces are looked for again where there were none.
        settled: the sample before came after the last keyframe, so the same picture as that one gives what it
            gave (otherwise the sample before may be another stretch's).
        keyframe: the keyframe since the sample before that no sample stands for, if any: where small faces are
            looked for, it is first looked at afresh, as a stretch that starts there does.
    """

    fresh: bool
    recheck: bool
    settled: bool
    keyframe: Callable[[], np.ndarray] | None = None


@dataclass(frozen=True)
class Pending:
    """A frame with several faces, seen by an engine that does not yet know which is the speaker's: each face
    measured, the choice made later (:func:`choose`) with what the frames before it tell."""

    faces: tuple[FaceSample, ...]

    @property
    def t(self) -> float:
        return self.faces[0].t


def choose(boxes: Sequence[Box], speaker: Centre | None) -> int:
    """Which face is the speaker's: the largest, unless one nearly as large (60 %) sits nearest to where the speaker
    was last seen."""
    area = [b[2] * b[3] for b in boxes]
    best = max(range(len(boxes)), key=area.__getitem__)
    if speaker is not None and len(boxes) > 1:
        near = min(range(len(boxes)), key=lambda i: math.dist(centre(boxes[i]), speaker))
        if area[near] >= 0.6 * area[best]:
            best = near
    return best


def centre(box: Box) -> Centre:
    return box[0] + box[2] / 2, box[1] + box[3] / 2


def _box(pts: np.ndarray, w: int, h: int) -> Box:
    x0, y0 = float(pts[:, 0].min()), float(pts[:, 1].min())
    x1, y1 = float(pts[:, 0].max()), float(pts[:, 1].max())
    return round(x0 / w, 4), round(y0 / h, 4), round((x1 - x0) / w, 4), round((y1 - y0) / h, 4)


def _task_path() -> str:
    from ..models import FACE, verified

    return str(verified(FACE))


class Engine:
    """The landmarker on one still frame at a time, and a cascade for small faces.

    Every frame is analysed on its own (as MediaPipe's image mode, no tracking), so a
    stretch of video gives the same samples whether it is analysed alone or as part
    of the whole: that is what lets :func:`podium.face.observe` split a video between
    threads. What is carried from frame to frame: which face is the speaker's
    (:func:`choose`), which an engine started mid-video does not know yet, so until
    it does it returns every face it sees (a :class:`Pending` sample); where small
    faces were, until the next keyframe, where every stretch starts
    (:meth:`_small_faces`); and the last frame, so that the same picture again is
    not looked at twice.
    """

    def __init__(self, options: FaceOptions, *, knows_speaker: bool = True) -> None:
        self.options = options
        with _quiet_native_logs():  # LiteRT announces its CPU delegate on stderr
            self.landmarker = LiteLandmarker(Path(_task_path()), options.max_faces, min_detection=0.5, min_presence=0.5)
        self.cascade: Any = None
        # the last sample's small faces, (x, y, side) at 2x; None: it did not look for them (its detector found one)
        self.small: list[tuple[float, float, float]] | None = None
        self.last: tuple[np.ndarray, FaceSample | Pending] | None = None  # the last frame and what it gave
        self.speaker: Centre | None = None  # where the speaker's face was last seen (shares of the frame)
        self.knows_speaker = knows_speaker
        self.expr: Any = None
        if options.expressions:
            from ..expression import ExpressionModel

            self.expr = ExpressionModel()

    def forget_speaker(self) -> None:
        """From here on, as if started mid-video: which face is the speaker's is decided later (see Pending)."""
        self.speaker, self.knows_speaker = None, False

    def _detect(self, rgb: np.ndarray) -> list[LiteFace]:
        return self.landmarker.detect(rgb)

    def sample(self, t: float, rgb: np.ndarray, cue: Cue | None = None) -> FaceSample | Pending:
        """The faces in one frame. A video's frames, in order and each a new array, come with a :class:`Cue`
        (``podium.face._frames``); without one (a lone frame, a live camera's) no history is used."""
        last = self.last
        # the same picture again (a slide, a paused screen) gives the same faces
        if cue is not None and cue.settled and last is not None and _same(rgb, last[0]):
            return _at(last[1], t)
        out = self._sample(t, rgb, cue or Cue(fresh=True, recheck=False, settled=False))
        if cue is not None:
            self.last = (rgb, out)
        return out

    def _sample(self, t: float, rgb: np.ndarray, cue: Cue) -> FaceSample | Pending:
        h, w = rgb.shape[:2]
        faces = self._faces(rgb, cue.fresh, cue.recheck, None if cue.fresh else cue.keyframe)
        if not faces:
            return FaceSample(t, False)
        boxes = [_box(f.points, w, h) for f in faces]
        if not self.knows_speaker and len(faces) > 1:  # the choice depends on frames another engine analyses
            return Pending(tuple(self._measure(t, rgb, f, b, len(faces)) for f, b in zip(faces, boxes, strict=True)))
        i = choose(boxes, self.speaker)
        self.speaker, self.knows_speaker = centre(boxes[i]), True
        return self._measure(t, rgb, faces[i], boxes[i], len(faces))

    def _faces(
        self, rgb: np.ndarray, fresh: bool, recheck: bool = False, keyframe: Callable[[], np.ndarray] | None = None
    ) -> list[LiteFace]:
        """The landmarker's faces, else the small ones; ``keyframe`` (see :class:`Cue`) is looked at afresh first
        where small faces are looked for, as a stretch that starts there does."""
        faces = self._detect(rgb)
        if faces:
            self.small = None
            return faces
        if keyframe is not None:
            self._faces(keyframe(), fresh=True)
        return self._small_faces(rgb, fresh, recheck)

    def _small_faces(self, rgb: np.ndarray, fresh: bool = True, recheck: bool = False) -> list[LiteFace]:
        """Faces the landmarker's short-range detector misses (a speaker far from the camera, the webcam
        thumbnail of a screen recording): a cascade on the frame at 2x finds them, and the landmarker runs on a
        crop twice a face's size around each.

        The cascade costs 110-190 ms a 720p frame, twenty times the landmarker; so unless ``fresh``, the crops
        around the faces the last sample found are tried first, and the cascade runs only when one of them no
        longer holds its face; where the last sample looked and found none, the cascade waits for a ``recheck``
        (every 2 s) or a fresh sample. A video is fresh at its keyframes (:class:`Cue`); a stretch of it starts
        at one, so each stretch finds the same faces as one pass over the whole video."""
        import cv2

        if not fresh and not recheck and self.small == []:  # none here at the last look
            return []
        up = cv2.resize(rgb, None, fx=2, fy=2, interpolation=cv2.INTER_LINEAR)  # small faces: look at 2x
        if not fresh and self.small:
            kept = [self._landmark_crop(up, *c) for c in self.small]
            if all(f is not None for f in kept):
                return self._follow([f for f in kept if f is not None])
        if self.cascade is None:
            self.cascade = cv2.CascadeClassifier(
                os.path.join(cv2.data.haarcascades, "haarcascade_frontalface_default.xml")  # type: ignore[attr-defined]
            )
        gray = cv2.cvtColor(up, cv2.COLOR_RGB2GRAY)
        boxes = self.cascade.detectMultiScale(gray, scaleFactor=1.1, minNeighbors=5, minSize=(40, 40))
        out = []
        for x, y, bw, bh in sorted(boxes, key=lambda b: -b[2] * b[3])[: self.options.max_faces]:
            face = self._landmark_crop(up, x + bw / 2, y + bh / 2, 2.0 * max(bw, bh))
            if face is not None:
                out.append(face)
        return self._follow(out)

    def _follow(self, faces: list[LiteFace]) -> list[LiteFace]:
        """Remember where ``faces`` are for the next sample: crops of the same form as the cascade's (twice the
        larger side of the face's points, at 2x)."""
        self.small = []
        for f in faces:
            (x0, y0), (x1, y1) = f.points[:, :2].min(axis=0) * 2, f.points[:, :2].max(axis=0) * 2
            self.small.append((float(x0 + x1) / 2, float(y0 + y1) / 2, 2.0 * float(max(x1 - x0, y1 - y0))))
        return faces

    def _landmark_crop(self, up: np.ndarray, cx: float, cy: float, side: float) -> LiteFace | None:
        """The landmarker on the square crop of ``side`` around (cx, cy) of the 2x frame ``up``, its points back
        in the frame's pixels; None when it finds no face there."""
        import cv2

        h, w = up.shape[:2]
        x0, y0 = int(max(0, cx - side / 2)), int(max(0, cy - side / 2))
        x1, y1 = int(min(w, cx + side / 2)), int(min(h, cy + side / 2))
        crop = np.ascontiguousarray(up[y0:y1, x0:x1])
        if crop.shape[0] < 16 or crop.shape[1] < 16:
            return None
        scaled = cv2.resize(crop, (256, int(256 * crop.shape[0] / crop.shape[1])), interpolation=cv2.INTER_CUBIC)
        found = self._detect(np.ascontiguousarray(scaled))
        if not found:
            return None
        sx, sy = crop.shape[1] / scaled.shape[1], crop.shape[0] / scaled.shape[0]
        p = found[0].points  # pixels of the upscaled crop: back to the frame (the crop was taken at 2x)
        pts = np.stack([(x0 + p[:, 0] * sx) / 2, (y0 + p[:, 1] * sy) / 2, p[:, 2] * sx / 2], axis=1)
        return LiteFace(pts, found[0].blendshapes, found[0].matrix)

    def _measure(self, t: float, rgb: np.ndarray, face: LiteFace, box: Box, n: int) -> FaceSample:
        pts, bs = face.points, face.blendshapes
        yaw, pitch, roll = head_pose(face.matrix)
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
            box=box,
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


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    """The same picture, pixel for pixel (a coarse grid of pixels first: most frames differ there)."""
    return a.shape == b.shape and np.array_equal(a[::16, ::16], b[::16, ::16]) and np.array_equal(a, b)


def _at(s: FaceSample | Pending, t: float) -> FaceSample | Pending:
    if isinstance(s, Pending):
        return Pending(tuple(replace(f, t=t) for f in s.faces))
    return replace(s, t=t)


class _quiet_native_logs:
    """Native code (LiteRT's delegate) writes setup chatter to file descriptor 2; hide it unless PODIUM_DEBUG is set.

    File descriptor 2 belongs to the whole process: engines made at once on several threads (the face stage's
    stretches) take turns, or one would save the other's /dev/null as "stderr" and leave the process without it."""

    _turn = threading.Lock()

    def __enter__(self) -> None:
        self.saved = None
        if not os.environ.get("PODIUM_DEBUG"):
            import sys

            self._turn.acquire()
            sys.stderr.flush()
            self.saved = os.dup(2)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 2)
            os.close(devnull)

    def __exit__(self, *exc: object) -> None:
        if self.saved is not None:
            os.dup2(self.saved, 2)
            os.close(self.saved)
            self._turn.release()


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
