"""What the coach said about each shared sample, pinned so that a restructuring of the coach can be checked.

Each entry keeps a fingerprint of what the stages measured (the coach's input, less volatile fields) and the
coach's output (scores, moments, tips, priorities, strengths). The comparison applies where the stages' output
is bit-identical: a recogniser on another processor family may hear a word differently, and then the coach's
input differs and the entry is skipped, with the reason.

    python -m tests.coach_golden --write     rewrite tests/data/coach_golden.json (after a deliberate change)
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "data" / "coach_golden.json"
KINDS = ("speech_clean", "speech_disfluent", "speech_disfluent_extra", "speech_register", "video_talking")
MEDIA = {".wav", ".flac", ".mp3", ".mpg", ".mp4", ".mov"}
NEW_DIMENSIONS: set[str] = set()  # dimensions added after the golden was written (uptalk is in it since 2026-12-04)
NEW_FIELDS = {"sentence_ends"}  # voice: the measurement uptalk reads
# the controlled talks that come out the same each time ("fast": Praat's overlap-add lengthening is not repeatable)
CONTROLLED = ("original", "flat", "silences")


def sample_files(samples: Path) -> list[Path]:
    return sorted(p for kind in KINDS for p in (samples / kind).iterdir() if p.suffix.lower() in MEDIA)


def fingerprint(data: dict) -> str:
    """sha256 of what the stages measured: the report less the coach, the summary and volatile fields."""
    keep = {k: v for k, v in data.items() if k in ("transcript", "voice", "language", "face")}
    if keep.get("voice"):
        keep["voice"] = {k: v for k, v in keep["voice"].items() if k not in NEW_FIELDS}
    keep["source"] = {k: v for k, v in data["source"].items() if k not in ("path", "mtime")}
    if keep.get("face"):  # summaries were dicts, {} when skipped; now dataclasses with None fields
        face = dict(keep["face"])
        for part in ("head_pose", "framing", "lighting"):
            face[part] = {k: v for k, v in (face.get(part) or {}).items() if v is not None}
        keep["face"] = face
    if keep.get("language"):
        keep["language"] = {k: v for k, v in keep["language"].items() if k != "uptalk"}
    return hashlib.sha256(json.dumps(keep, sort_keys=True).encode()).hexdigest()


def coach_output(data: dict) -> dict:
    fb = data["feedback"] or {}
    return {
        "overall": fb.get("overall"),
        "dimensions": [
            {k: d.get(k) for k in ("dimension", "score", "band", "value", "target", "basis", "tip", "reason")}
            for d in fb.get("dimensions", [])
            if d["dimension"] not in NEW_DIMENSIONS
        ],
        "moments": [m for m in fb.get("moments", []) if m["dimension"] not in NEW_DIMENSIONS],
        "priorities": fb.get("priorities", []),
        "strengths": fb.get("strengths", []),
    }


def entry(data: dict) -> dict:
    return {"fingerprint": fingerprint(data), "coach": coach_output(data)}


def _write() -> int:
    import os
    import tempfile

    import podium
    from podium.report import to_dict

    from .conftest import _samples_dir, controlled_talks

    samples = _samples_dir()
    out = {}
    for p in sample_files(samples):
        out[f"{p.parent.name}/{p.name}"] = entry(to_dict(podium.analyze(p)))
        print(p.name, file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        for name, p in controlled_talks(samples, Path(tmp))[0].items():
            if name in CONTROLLED:
                out[f"controlled/{name}"] = entry(to_dict(podium.analyze(p)))
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    GOLDEN.write_text(json.dumps(out, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"{GOLDEN}: {len(out)} samples ({os.path.getsize(GOLDEN)} bytes)")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        print(__doc__, file=sys.stderr)
        raise SystemExit(2)
    raise SystemExit(_write())
