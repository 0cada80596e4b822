"""MediaPipe's face landmarker, its three models run directly on LiteRT.

The landmarker's graph does per frame: the short-range face detector on the whole frame (letterboxed to 128x128),
a rectangle around each face turned to level its eyes, the mesh model on that rectangle (256x256: 478 points and a
presence score), the blendshape model on 146 of the points, and a pose found by weighted Procrustes between the points
and a canonical face. This module does the same steps with the same models (read from the same ``.task`` file), the
same constants and the same resampling (OpenCV's perspective warp of the rectangle's corners), without the graph's
scheduler: MediaPipe spent a fifth more CPU a frame, handing packets between its threads and building 478 Python
objects per face, which a talk's thousands of frames pay for in full (docs/face.md). ``tests/test_face_lite.py``
holds it to MediaPipe face by face.

Sources: mediapipe/tasks/cc/vision/face_detector/face_detector_graph.cc (anchors, decoding, weighted non-maximum
suppression, the 1.5x rectangle), face_landmarker/face_landmarks_detector_graph.cc and face_blendshapes_graph.cc
(landmark projection, the 146 points), face_geometry/libs/geometry_pipeline.cc and procrustes_solver.cc (the pose),
calculators/tensor/image_to_tensor_converter_opencv.cc (the crops). Apache-2.0, as the models are.
"""

from __future__ import annotations

import math
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import MissingDependency

__all__ = ["LiteFace", "LiteLandmarker"]

_MODELS = ("face_detector", "face_landmarks_detector", "face_blendshapes")
_DETECTOR_SIZE = 128
_MESH_SIZE = 256
_MIN_SUPPRESSION = 0.3  # FaceDetectorGraphOptions.min_suppression_threshold
_ROI_SCALE = 1.5
_BLENDSHAPE_POINTS = np.array(
    [0, 1, 4, 5, 6, 7, 8, 10, 13, 14, 17, 21, 33, 37, 39, 40, 46, 52, 53, 54, 55, 58, 61, 63, 65, 66, 67, 70, 78, 80,
     81, 82, 84, 87, 88, 91, 93, 95, 103, 105, 107, 109, 127, 132, 133, 136, 144, 145, 146, 148, 149, 150, 152, 153,
     154, 155, 157, 158, 159, 160, 161, 162, 163, 168, 172, 173, 176, 178, 181, 185, 191, 195, 197, 234, 246, 249, 251,
     263, 267, 269, 270, 276, 282, 283, 284, 285, 288, 291, 293, 295, 296, 297, 300, 308, 310, 311, 312, 314, 317, 318,
     321, 323, 324, 332, 334, 336, 338, 356, 361, 362, 365, 373, 374, 375, 377, 378, 379, 380, 381, 382, 384, 385, 386,
     387, 388, 389, 390, 397, 398, 400, 402, 405, 409, 415, 454, 466, 468, 469, 470, 471, 472, 473, 474, 475, 476, 477]
)  # fmt: skip
BLENDSHAPE_NAMES = (
    "_neutral", "browDownLeft", "browDownRight", "browInnerUp", "browOuterUpLeft", "browOuterUpRight", "cheekPuff",
    "cheekSquintLeft", "cheekSquintRight", "eyeBlinkLeft", "eyeBlinkRight", "eyeLookDownLeft", "eyeLookDownRight",
    "eyeLookInLeft", "eyeLookInRight", "eyeLookOutLeft", "eyeLookOutRight", "eyeLookUpLeft", "eyeLookUpRight",
    "eyeSquintLeft", "eyeSquintRight", "eyeWideLeft", "eyeWideRight", "jawForward", "jawLeft", "jawOpen", "jawRight",
    "mouthClose", "mouthDimpleLeft", "mouthDimpleRight", "mouthFrownLeft", "mouthFrownRight", "mouthFunnel",
    "mouthLeft", "mouthLowerDownLeft", "mouthLowerDownRight", "mouthPressLeft", "mouthPressRight", "mouthPucker",
    "mouthRight", "mouthRollLower", "mouthRollUpper", "mouthShrugLower", "mouthShrugUpper", "mouthSmileLeft",
    "mouthSmileRight", "mouthStretchLeft", "mouthStretchRight", "mouthUpperUpLeft", "mouthUpperUpRight",
    "noseSneerLeft", "noseSneerRight",
)  # fmt: skip
_FOV_DEG, _NEAR = 63.0, 1.0  # the geometry pipeline's default perspective camera


@dataclass(frozen=True)
class LiteFace:
    """One face: 478 points (x, y in pixels of the frame, z in pixels at the frame's width), the 52 blendshape
    scores by name, and the 4x4 pose of the canonical face."""

    points: np.ndarray
    blendshapes: dict[str, float]
    matrix: np.ndarray


@dataclass(frozen=True)
class _Rect:
    """A rotated rectangle in normalised frame coordinates (MediaPipe's NormalizedRect)."""

    cx: float
    cy: float
    w: float
    h: float
    rotation: float  # radians


class LiteLandmarker:
    """Faces in one RGB frame at a time, as MediaPipe's FaceLandmarker in image mode reports them."""

    def __init__(self, task: Path, num_faces: int, min_detection: float = 0.5, min_presence: float = 0.5) -> None:
        try:
            from ai_edge_litert.interpreter import Interpreter
        except ImportError as e:
            raise MissingDependency("face analysis needs LiteRT: pip install 'podium-coach[face]'") from e
        with zipfile.ZipFile(task) as z:
            models = {n: z.read(f"{n}.tflite") for n in _MODELS}
            geometry = z.read("geometry_pipeline_metadata_landmarks.binarypb")

        def load(name: str) -> Any:
            it = Interpreter(model_content=models[name], num_threads=1)
            it.allocate_tensors()
            return it

        self.detector, self.mesh, self.blend = (load(n) for n in _MODELS)
        outs = {d["name"]: d["index"] for d in self.detector.get_output_details()}
        self._det_out = (outs["regressors"], outs["classificators"])
        mesh_outs = [d["index"] for d in self.mesh.get_output_details()]
        self._mesh_out = (mesh_outs[0], mesh_outs[1])  # landmarks, face presence (MediaPipe's order)
        self._det_in = self.detector.get_input_details()[0]["index"]
        self._mesh_in = self.mesh.get_input_details()[0]["index"]
        self._blend_in = self.blend.get_input_details()[0]["index"]
        self._blend_out = self.blend.get_output_details()[0]["index"]
        self.anchors = _anchors()
        self.num_faces, self.min_detection, self.min_presence = num_faces, min_detection, min_presence
        self.canonical = _Canonical(*_geometry(geometry))

    def detect(self, rgb: np.ndarray) -> list[LiteFace]:
        faces = []
        for rect in self._face_rects(rgb)[: self.num_faces]:
            face = self._landmarks(rgb, rect)
            if face is not None:
                faces.append(face)
        return faces

    # -- the detector --------------------------------------------------------------------------------------------

    def _face_rects(self, rgb: np.ndarray) -> list[_Rect]:
        h, w = rgb.shape[:2]
        side = float(max(w, h))  # the whole frame, padded to a square (keep_aspect_ratio, zero border)
        tensor = _crop(rgb, w / 2, h / 2, side, side, 0.0, _DETECTOR_SIZE, 2 / 255, border_zero=True)
        self.detector.set_tensor(self._det_in, np.subtract(tensor, 1, out=tensor)[None])
        self.detector.invoke()
        raw = self.detector.get_tensor(self._det_out[0])[0]
        logits = self.detector.get_tensor(self._det_out[1])[0, :, 0].astype(np.float64)
        scores = 1 / (1 + np.exp(-np.clip(logits, -100, 100)))
        keep = np.flatnonzero(scores >= self.min_detection)
        if keep.size == 0:
            return []
        a = self.anchors[keep]
        r = raw[keep].astype(np.float64) / _DETECTOR_SIZE
        cx, cy = r[:, 0] + a[:, 0], r[:, 1] + a[:, 1]
        boxes = np.stack([cx - r[:, 2] / 2, cy - r[:, 3] / 2, cx + r[:, 2] / 2, cy + r[:, 3] / 2], axis=1)
        kps = r[:, 4:16].reshape(-1, 6, 2) + a[:, None, :2]
        rects = []
        for box, kp in _weighted_nms(boxes, kps, scores[keep]):
            # from the padded square back to the frame (normalised to its width and height)
            box = (box * side - np.array([(side - w) / 2, (side - h) / 2] * 2)) / np.array([w, h, w, h])
            kp = (kp * side - np.array([(side - w) / 2, (side - h) / 2])) / np.array([w, h])
            x0, y0, x1, y1 = box
            angle = -math.atan2(-(kp[1, 1] - kp[0, 1]) * h, (kp[1, 0] - kp[0, 0]) * w)
            rects.append(_Rect((x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) * _ROI_SCALE, (y1 - y0) * _ROI_SCALE,
                               _normalize(angle)))  # fmt: skip
        return rects

    # -- the mesh, the blendshapes, the pose ---------------------------------------------------------------------

    def _landmarks(self, rgb: np.ndarray, rect: _Rect) -> LiteFace | None:
        h, w = rgb.shape[:2]
        tensor = _crop(rgb, rect.cx * w, rect.cy * h, rect.w * w, rect.h * h, rect.rotation, _MESH_SIZE, 1 / 255)
        self.mesh.set_tensor(self._mesh_in, tensor[None])
        self.mesh.invoke()
        presence = min(100.0, max(-100.0, float(self.mesh.get_tensor(self._mesh_out[1]).reshape(-1)[0])))
        if 1 / (1 + math.exp(-presence)) < self.min_presence:
            return None
        raw = self.mesh.get_tensor(self._mesh_out[0]).reshape(-1, 3).astype(np.float64) / _MESH_SIZE
        # landmark projection, from the crop to the frame (in pixels, the rectangle turned about its centre); z is
        # scaled by the length in the normalised frame of the crop's unit x vector (LandmarkProjectionCalculator)
        x, y = raw[:, 0] - 0.5, raw[:, 1] - 0.5
        c, s = math.cos(rect.rotation), math.sin(rect.rotation)
        rw, rh = rect.w * w, rect.h * h
        nx = (rect.cx * w + c * x * rw - s * y * rh) / w
        ny = (rect.cy * h + s * x * rw + c * y * rh) / h
        nz = raw[:, 2] * rw * math.hypot(c / w, s / h)
        norm = np.stack([nx, ny, nz], axis=1)
        sub = np.stack([nx[_BLENDSHAPE_POINTS] * w, ny[_BLENDSHAPE_POINTS] * h], axis=1).astype(np.float32)
        self.blend.set_tensor(self._blend_in, sub[None])
        self.blend.invoke()
        scores = self.blend.get_tensor(self._blend_out).reshape(-1)
        points = np.stack([nx * w, ny * h, nz * w], axis=1)
        blend = {n: float(v) for n, v in zip(BLENDSHAPE_NAMES, scores, strict=True)}
        return LiteFace(points, blend, _pose(norm, w, h, self.canonical))


def _crop(
    rgb: np.ndarray,
    cx: float,
    cy: float,
    w: float,
    h: float,
    rotation: float,
    size: int,
    scale: float,
    border_zero: bool = False,
) -> np.ndarray:
    """The rotated rectangle resampled to size x size, times ``scale``, as float32 (ImageToTensorCalculator on the
    CPU: OpenCV's perspective warp from the rectangle's corners to the tensor's)."""
    import cv2

    src = cv2.boxPoints(((cx, cy), (w, h), rotation * 180 / math.pi)).astype(np.float32)
    dst = np.array([[0, size], [0, 0], [size, 0], [size, size]], np.float32)
    m = cv2.getPerspectiveTransform(src, dst)
    border = cv2.BORDER_CONSTANT if border_zero else cv2.BORDER_REPLICATE
    out = cv2.warpPerspective(rgb, m, (size, size), flags=cv2.INTER_LINEAR, borderMode=border)
    return np.multiply(out, np.float32(scale), dtype=np.float32)


def _anchors() -> np.ndarray:
    """The detector's 896 SSD anchor centres (x, y): 16x16 cells x 2 at stride 8, then 8x8 cells x 6 at stride 16."""
    out = []
    for cells, per in ((16, 2), (8, 6)):
        ys, xs = np.mgrid[0:cells, 0:cells]
        centres = np.stack([(xs.ravel() + 0.5) / cells, (ys.ravel() + 0.5) / cells], axis=1)
        out.append(np.repeat(centres, per, axis=0))
    return np.concatenate(out)


def _weighted_nms(boxes: np.ndarray, kps: np.ndarray, scores: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """MediaPipe's weighted non-maximum suppression: each kept face is the score-weighted mean of the detections
    overlapping the best remaining one by IoU > 0.3."""
    order = list(np.argsort(-scores, kind="stable"))
    out = []
    while order:
        best = boxes[order[0]]
        others = boxes[order]
        ix = np.clip(np.minimum(best[2], others[:, 2]) - np.maximum(best[0], others[:, 0]), 0, None)
        iy = np.clip(np.minimum(best[3], others[:, 3]) - np.maximum(best[1], others[:, 1]), 0, None)
        inter = ix * iy
        area = (others[:, 2] - others[:, 0]) * (others[:, 3] - others[:, 1])
        union = (best[2] - best[0]) * (best[3] - best[1]) + area - inter
        iou = np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0)
        near = iou > _MIN_SUPPRESSION
        idx = np.array(order)[near]
        wts = scores[idx][:, None]
        out.append(((boxes[idx] * wts).sum(0) / wts.sum(), (kps[idx] * wts[:, :, None]).sum(0) / wts.sum()))
        order = [o for o, n in zip(order, near, strict=True) if not n]
    return out


def _normalize(angle: float) -> float:
    return angle - 2 * math.pi * math.floor((angle + math.pi) / (2 * math.pi))


# -- the pose (geometry pipeline) ------------------------------------------------------------------------------------


def _geometry(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    """The canonical face's points (3 x N) and the Procrustes weight of each (N), from the pipeline's metadata."""
    fields = list(_fields(data))
    mesh = next(v for f, v in fields if f == 1)
    floats = np.array([_float32(v) for f, v in _fields(mesh) if f == 3], np.float64)
    canonical = floats.reshape(-1, 5)[:, :3].T  # vertex layout: x, y, z, u, v
    weights = np.zeros(canonical.shape[1])
    for f, v in fields:
        if f == 2:
            ref = dict(_fields(v))
            weights[int(ref.get(1, 0))] = _float32(ref[2])
    return canonical, weights


def _float32(v: bytes) -> float:
    return float(struct.unpack("<f", v)[0])


def _fields(data: bytes) -> Iterator[tuple[int, Any]]:
    """(field number, value) of a protobuf message: ints for varints, bytes for the rest."""
    i = 0

    def varint() -> int:
        nonlocal i
        out = shift = 0
        while True:
            byte = data[i]
            i += 1
            out |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                return out

    while i < len(data):
        key = varint()
        kind = key & 7
        value: Any
        if kind == 0:
            value = varint()
        elif kind == 2:
            n = varint()
            value, i = data[i : i + n], i + n
        elif kind == 5:
            value, i = data[i : i + 4], i + 4
        elif kind == 1:
            value, i = data[i : i + 8], i + 8
        else:
            raise ValueError(f"protobuf wire type {kind}")
        yield key >> 3, value


class _Canonical:
    """The canonical face's points with a Procrustes weight (33 of 468: only they move the solution) and what the
    solver computes from them alone, once (Akca 2003 as MediaPipe's solver: weighted orthogonal Procrustes with
    scale, the source fixed)."""

    def __init__(self, points: np.ndarray, weights: np.ndarray) -> None:
        self.n = points.shape[1]
        self.used = weights > 0
        self.sw = np.sqrt(weights[self.used])
        self.total = float((self.sw * self.sw).sum())
        self.ws = points[:, self.used] * self.sw
        centre = (self.ws * self.sw).sum(axis=1) / self.total
        self.centred = self.ws - centre[:, None] * self.sw[None, :]
        self.denominator = float((self.centred * self.ws).sum())

    def to(self, target: np.ndarray) -> np.ndarray:
        """4x4 from the canonical points to ``target`` (3 x the used points)."""
        wt = target * self.sw
        u, _, vt = np.linalg.svd(wt @ self.centred.T)
        if np.linalg.det(u) * np.linalg.det(vt) < 0:
            u[:, 2] *= -1
        rot = u @ vt
        rs = float(((rot @ self.centred) * wt).sum() / self.denominator) * rot
        out = np.eye(4)
        out[:3, :3], out[:3, 3] = rs, ((wt - rs @ self.ws) * self.sw).sum(axis=1) / self.total
        return out


def _pose(norm: np.ndarray, w: int, h: int, canonical: _Canonical) -> np.ndarray:
    """The canonical face's 4x4 pose in the camera's metric space (ScreenToMetricSpaceConverter, landmark input);
    the depth offset is the mean over all the points, as in MediaPipe."""
    height = 2 * _NEAR * math.tan(0.5 * math.radians(_FOV_DEG))
    width = w * height / h
    screen = norm[: canonical.n].T.astype(np.float64)
    screen[1] = 1 - screen[1]  # origin at the top left
    screen *= np.array([[width], [height], [width]])
    screen[0] -= 0.5 * width
    screen[1] -= 0.5 * height
    depth = float(screen[2].mean())
    screen = screen[:, canonical.used]

    first = screen * np.array([[1.0], [1.0], [-1.0]])
    scale1 = float(np.linalg.norm(canonical.to(first)[:3, 0]))
    scale2 = float(np.linalg.norm(canonical.to(_unproject(screen, depth, scale1))[:3, 0]))
    return canonical.to(_unproject(screen, depth, scale1 * scale2))


def _unproject(screen: np.ndarray, depth: float, scale: float) -> np.ndarray:
    out = screen.copy()
    out[2] = (out[2] - depth + _NEAR) / scale
    out[0] = out[0] * out[2] / _NEAR
    out[1] = out[1] * out[2] / _NEAR
    out[2] *= -1
    return out
