"""Long talks: peak memory and speed of a speech analysis as the talk grows (10 min, 1 h, 3 h).

Each talk is assembled from the real clips in ../shared/samples exactly as
``speech_bench.py`` does (written to a temporary WAV), and analysed once in a
fresh process (model load included): wall time as a multiple of real time, and
peak RSS. The goal (DESIGN.md section 6): peak RSS under 1 GB for a 3-hour talk,
and the same real-time factor as a 10-minute one.

    python bench/long_bench.py --samples ../shared/samples --minutes 10 60 180
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from speech_bench import CHILD, assemble, machine


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--samples", default="../shared/samples", type=Path)
    ap.add_argument("--minutes", type=float, nargs="+", default=[10.0, 60.0, 180.0])
    ap.add_argument("--out", type=Path, default=Path("bench/results/long.json"))
    args = ap.parse_args()
    rows = []
    for minutes in args.minutes:
        with tempfile.TemporaryDirectory() as tmp:
            wav = Path(tmp) / "talk.wav"
            dur = assemble(args.samples, minutes * 60, wav)
            t = time.perf_counter()
            proc = subprocess.run([sys.executable, "-c", CHILD, str(wav), "0"], capture_output=True, text=True)
            if proc.returncode != 0:
                print(f"{dur / 60:.0f} min: failed: {proc.stderr.strip().splitlines()[-1:]}", flush=True)
                rows.append({"duration_s": dur, "error": proc.stderr[-500:]})
                continue
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            row = {
                "duration_s": dur,
                "wall_s": r["wall_s"],
                "x_real_time": dur / r["wall_s"],
                "peak_rss_mb": r["peak_rss_mb"],
                "stages": r["timings"],
                "process_s": time.perf_counter() - t,
            }
            rows.append(row)
            print(
                f"{dur / 60:.0f} min: {r['wall_s']:.0f} s ({row['x_real_time']:.1f}x real time), "
                f"peak RSS {r['peak_rss_mb']:.0f} MB, stages {r['timings']}",
                flush=True,
            )
    result = {"talks": rows, "machine": machine()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"machine: {result['machine']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
