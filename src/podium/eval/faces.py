"""``podium eval faces DIR``: face analysis against labels.

Two layouts (as in ``shared/samples/faces`` and ``video_talking``):

* ``labels.csv`` with ``file`` and ``expression`` columns (images): smiling vs not
  (``happy`` against ``neutral``), eyes closed on ``other_eyes_closed``, eye contact
  on ``neutral`` (frontal) and never with eyes closed, and, with ``expressions``,
  apparent-expression accuracy on the seven FER classes;
* ``face_visibility.csv`` with ``file``, ``face_visible_s`` and ``no_face_s`` (videos,
  ranges like ``0.00-2.40``): the share of samples whose face presence agrees.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..options import FaceOptions

__all__ = ["evaluate"]


def _image(path: Path) -> Any:
    import av

    with av.open(str(path)) as c:
        return next(c.decode(video=0)).to_ndarray(format="rgb24")


def _ranges(text: str) -> list[tuple[float, float]]:
    out = []
    for part in filter(None, (p.strip() for p in (text or "").split(";"))):
        a, b = part.split("-")
        out.append((float(a), float(b)))
    return out


def evaluate(folder: str | Path, expressions: bool = False) -> dict[str, Any]:
    """Scores for whichever label files ``folder`` holds."""
    from .. import face, media
    from ..expression import LABELS

    root = Path(folder)
    result: dict[str, Any] = {}
    labels, visibility = root / "labels.csv", root / "face_visibility.csv"
    if not labels.is_file() and not visibility.is_file():
        raise InputError(f"{root}: no labels.csv or face_visibility.csv here", root)
    rows: list[dict[str, str]] = []
    if labels.is_file():
        with open(labels, newline="", encoding="utf-8") as fh:
            rows = [r for r in csv.DictReader(fh) if "expression" in r and (root / r["file"]).is_file()]
    if rows:
        opts = FaceOptions(expressions=expressions)
        seen = {r["file"]: face.observe_image(_image(root / r["file"]), opts) for r in rows}
        smile = [(r["file"], r["expression"] == "happy") for r in rows if r["expression"] in ("happy", "neutral")]
        closed = [r["file"] for r in rows if r["expression"] == "other_eyes_closed"]
        frontal = [r["file"] for r in rows if r["expression"] == "neutral"]
        result["images"] = len(rows)
        result["detected"] = sum(s.present for s in seen.values())
        result["smile_accuracy"] = _share([((seen[f].smile or 0) >= opts.smile_threshold) == want for f, want in smile])
        result["eyes_closed_found"] = _share([seen[f].eyes_open is False for f in closed])
        result["eye_contact_on_neutral"] = _share([seen[f].eye_contact for f in frontal])
        result["eye_contact_with_eyes_closed"] = _share([seen[f].eye_contact for f in closed])
        if expressions:
            graded = [r for r in rows if r["expression"] in LABELS]
            result["expression_accuracy"] = _share([seen[r["file"]].expression == r["expression"] for r in graded])
    if visibility.is_file():
        with open(visibility, newline="", encoding="utf-8") as fh:
            vis = list(csv.DictReader(fh))
        videos = {}
        for r in vis:
            path = root / r["file"]
            if not path.is_file():
                continue
            f = face.observe(media.probe(path))
            yes, no = _ranges(r.get("face_visible_s", "")), _ranges(r.get("no_face_s", ""))
            judged = [
                (s.present, any(a <= s.t < b for a, b in yes))
                for s in f.timeline
                if any(a <= s.t < b for a, b in yes + no)
            ]
            videos[r["file"]] = _share([p == want for p, want in judged])
        result["visibility_agreement"] = videos
    return result


def _share(flags: list[bool]) -> dict[str, Any]:
    return {"right": sum(flags), "of": len(flags), "share": round(sum(flags) / len(flags), 3) if flags else None}
