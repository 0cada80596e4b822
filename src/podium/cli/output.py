"""What the ``podium`` command prints: the analysis summary and a progress bar."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

from ..types import Report

__all__ = ["Progress", "summary"]


def _fmt(t: float) -> str:
    m, s = divmod(int(round(t)), 60)
    return f"{m}:{s:02d}"


def summary(report: Report, html: Path) -> str:
    from ..report import summary as headline

    s, v = headline(report), report.voice
    name = Path(report.source.path).name
    lines = [f"{name} · {_fmt(report.source.duration_s)} · {s['words']} words"]
    fb = report.feedback
    if fb is not None:
        lines.append(
            f"  Overall   {fb.overall}/100" if fb.overall is not None else "  Overall   unscored (too little speech)"
        )
    if v is not None and v.wpm is not None:
        lines.append(f"  Pace      {v.wpm:.0f} wpm while speaking ({v.wpm_overall or 0:.0f} over the whole recording)")
        kinds = ", ".join(f"{k} {n}" for k, n in s["fillers_by_kind"].items())
        rate = f" ({s['fillers_per_min']:.1f}/min)" if s["fillers_per_min"] is not None else ""
        lines.append(f"  Fillers   {s['fillers']}{rate}" + (f": {kinds}" if kinds else ""))
        longs = ", ".join(_fmt(p.start) for p in v.long_pauses[:5])
        lines.append(
            f"  Pauses    {len(v.pauses)}, {len(v.long_pauses)} long (≥ 2 s)" + (f" at {longs}" if longs else "")
        )
        p = v.pitch
        if p.median_hz is not None:
            lines.append(f"  Pitch     median {p.median_hz:.0f} Hz, variation {p.variation_st or 0:.1f} semitones")
        ld = v.loudness
        if ld.median_dbfs is not None:
            lines.append(f"  Loudness  median {ld.median_dbfs:.0f} dBFS, variation {ld.variation_db or 0:.1f} dB")
    f = report.face
    if f is not None and f.skipped_reason is None:
        lines.append(
            f"  Face      visible {f.present_ratio:.0%}, eye contact {f.eye_contact_ratio or 0:.0%} of that time "
            f"(approximate), smiling {f.smile_ratio or 0:.0%}"
        )
    elif f is not None and f.skipped_reason != "no video":
        lines.append(f"  Face      {f.skipped_reason}")
    sl = report.slides
    if sl is not None:
        shown = [u for u in sl.slides if u.start is not None]
        slide_score = next((x for x in fb.scores if x.dimension == "slides"), None) if fb is not None else None
        said = slide_score.value if slide_score is not None and slide_score.score is not None else ""
        source = {"video": "the video", "file": "the timing file", "speech": "the words said"}[sl.timing]
        conf = f", confidence {sl.confidence:.2f}" if sl.timing == "speech" else ""
        lines.append(
            f"  Slides    {len(shown)} of {len(sl.slides)} shown"
            + (f"; {said}" if said else "")
            + f" (times from {source}{conf})"
        )
    for n in report.notes:
        lines.append(f"  Note: {n}")
    if fb is not None and fb.priorities:
        lines.append("Work on first:")
        lines += [f"  {k}. {p}" for k, p in enumerate(fb.priorities, 1)]
    lines.append(f"Report: {html.resolve()}")
    return "\n".join(lines)


class Progress:
    """A tqdm bar on stderr (only on a terminal), driven by the pipeline's hook."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.bar: Any = None

    def __enter__(self) -> Progress:
        if self.enabled:
            from tqdm import tqdm

            self.bar = tqdm(
                total=1.0,
                unit="s",
                file=sys.stderr,
                leave=False,
                ncols=min(100, shutil.get_terminal_size((80, 24)).columns or 80),  # 0 under some ptys
                bar_format="{desc} {percentage:3.0f}%|{bar}| {elapsed}<{remaining}",
            )
        return self

    def update(self, stage: str, done: float, total: float) -> None:
        if self.bar is None:
            return
        labels = {"media": "decoding", "speech": "transcribing", "voice": "measuring voice"}
        self.bar.set_description_str(labels.get(stage, stage))
        if stage == "speech" and total:
            self.bar.total = round(total, 1)
            self.bar.n = round(min(done, total), 1)
            self.bar.unit = "s of audio"
            self.bar.refresh()

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()
