"""The MediaPipe side of the face stage: landmarks, blendshapes and head pose for one frame (small faces via a
cascade and a crop), with the image measures taken around the face."""

from __future__ import annotations

import logging
import math
import os
from typing import Any

import numpy as np

from ..errors import MissingDependency
from ..options import FaceOptions
from ..types import FaceSample

__all__ = ["Engine", "head_pose"]

log = logging.getLogger(__name__)

# landmark indices (MediaPipe face mesh): eye corners and iris centres
_R_EYE, _L_EYE = (33, 133), (362, 263)
_R_LIDS, _L_LIDS = (159, 145), (386, 374)
_R_IRIS, _L_IRIS = 468, 473
_EXPRESSIVE = ("browInnerUp", "browDownLeft", "browDownRight", "browOuterUpLeft", "browOuterUpRight",
               "mouthSmileLeft", "mouthSmileRight", "jawOpen", "mouthFrownLeft", "mouthFrownRight",
               "mouthPucker", "mouthStretchLeft", "mouthStretchRight")  # fmt: skip


def _task_path() -> str:
    from ..models import FACE, verified

    return str(verified(FACE))


class Engine:
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
            from ..expression import ExpressionModel

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
