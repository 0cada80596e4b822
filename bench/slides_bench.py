"""What a deck costs: the full analysis of a >= 10 minute 720p talk with and without a 20-slide deck.

The talk is full_bench.py's (its real speech from ../shared/samples under a
looped real talking-face clip, cached in bench/results/). The deck is made here
(fpdf2): 20 pages holding the texts of the clips the talk is assembled from, in
order, so the speech alignment has real work to do, and a PDF that renders, so
the video is looked at for slides (keyframes) before the words are used. Runs
alternate with and without the deck, each in a fresh process; the figure is the
ratio of the medians, and the slides stage's own seconds.

    python bench/slides_bench.py --samples ../shared/samples --runs 2
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from full_bench import talk_video
from speech_bench import machine

CHILD = """
import json, sys, time
t = time.perf_counter()
import podium
from podium.options import AnalysisOptions, SlideOptions
opts = AnalysisOptions(slides=SlideOptions(sys.argv[2]) if sys.argv[2] != "-" else None)
report = podium.analyze(sys.argv[1], opts)
wall = time.perf_counter() - t
s = report.slides
print(json.dumps({"wall_s": wall, "timings": report.timings, "timing": s.timing if s else None,
                  "confidence": s.confidence if s else None}))
"""


def make_deck(samples: Path, out: Path, n: int = 20) -> Path:
    from fpdf import FPDF

    texts = []
    for folder in ("speech_clean", "speech_disfluent", "speech_register"):  # the order speech_bench.assemble uses
        for p in sorted((samples / folder).iterdir()):
            if p.suffix in (".wav", ".flac") and p.with_suffix(".txt").is_file():
                texts.append(p.with_suffix(".txt").read_text(encoding="utf-8").strip())
    per = max(1, len(texts) // n)
    pdf = FPDF(orientation="L", unit="pt", format=(540, 960))
    for i in range(n):
        pdf.add_page()
        pdf.set_font("Helvetica", size=20)
        body = " ".join(texts[i * per : (i + 1) * per])[:900]
        pdf.multi_cell(880, 24, body.encode("latin-1", "replace").decode("latin-1"))
    pdf.output(str(out))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--samples", default="../shared/samples", type=Path)
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--out", type=Path, default=Path("bench/results/slides.json"))
    args = ap.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    video = talk_video(args.samples, args.out.parent, args.minutes)
    deck = make_deck(args.samples, args.out.parent / "deck_20.pdf")
    walls: dict[str, list[float]] = {"without": [], "with": []}
    stage: list[float] = []
    last: dict[str, object] = {}
    for run in range(args.runs):
        for kind in ("without", "with"):
            arg = str(deck) if kind == "with" else "-"
            p = subprocess.run([sys.executable, "-c", CHILD, str(video), arg], capture_output=True, text=True)
            if p.returncode != 0:
                print(p.stderr[-2000:], file=sys.stderr)
                return 1
            r = json.loads(p.stdout.strip().splitlines()[-1])
            walls[kind].append(r["wall_s"])
            if kind == "with":
                stage.append(r["timings"].get("slides", 0.0))
                last = r
            print(f"run {run + 1} {kind:7s}: {r['wall_s']:.1f} s {r['timings']}", flush=True)
    med = {k: statistics.median(v) for k, v in walls.items()}
    result = {
        "video": video.name,
        "deck_pages": 20,
        "wall_s": walls,
        "median_s": med,
        "ratio": med["with"] / med["without"],
        "slides_stage_s": stage,
        "slides_stage_share": statistics.median(stage) / med["with"],
        "timing_source": last.get("timing"),
        "confidence": last.get("confidence"),
        "machine": machine(),
    }
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(
        f"with the deck {med['with']:.1f} s, without {med['without']:.1f} s: x{result['ratio']:.3f}; slides stage "
        f"{statistics.median(stage):.2f} s ({100 * result['slides_stage_share']:.1f} % of the analysis), "
        f"times from {result['timing_source']} (confidence {result['confidence']})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
