"""The face stage's summaries: from the samples to the :class:`~podium.types.Face` a report holds."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np

from ..options import FaceOptions
from ..types import Face, FaceSample, Framing, HeadPose, Lighting, Span

__all__ = ["FACE_LOST_S", "LOOKING_DOWN_S", "summarize"]

LOOKING_DOWN_S = 5.0  # looking down longer than this is a moment (Podium's choice: a glance at notes is shorter)
FACE_LOST_S = 2.0  # out of frame longer than this is a moment (Podium's choice: a turn of the head is shorter)


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
        head_pose=HeadPose(
            yaw_median=round(med_yaw, 1),
            pitch_median=round(med_pitch, 1),
            roll_median=med([s.roll for s in present]),
            yaw_spread=round(float(np.std([s.yaw or 0.0 for s in present])), 1),
        ),
        framing=Framing(
            centre_x=med([s.box[0] + s.box[2] / 2 for s in present if s.box]),
            centre_y=med([s.box[1] + s.box[3] / 2 for s in present if s.box]),
            face_height=med([s.box[3] for s in present if s.box]),
        ),
        lighting=Lighting(
            brightness=med([s.brightness for s in present]),
            contrast=med([s.contrast for s in present]),
            sharpness=med([s.sharpness for s in present]),
        ),
        other_faces_max=max(s.faces for s in present) - 1,
        timeline=tuple(out),
        looking_down=_spans(
            [s.present and s.pitch is not None and s.pitch < med_pitch - options.looking_down_pitch for s in out],
            out,
            step,
            LOOKING_DOWN_S,
        ),
        face_lost=_spans([not s.present for s in out], out, step, FACE_LOST_S),
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
