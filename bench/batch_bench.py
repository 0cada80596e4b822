"""Batch throughput: recordings per minute with 1 and 2 local workers, and on a local Ray cluster.

The batch is every speech sample in ../shared/samples, copied twice (60 recordings, 4-27 s each);
each run writes to a fresh folder. The machine is noted.

    python bench/batch_bench.py --samples ../shared/samples
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from speech_bench import machine


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--samples", default="../shared/samples", type=Path)
    ap.add_argument("--out", type=Path, default=Path("bench/results/batch.json"))
    args = ap.parse_args()
    from podium import batch

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in"
        for copy in ("a", "b"):
            for folder in ("speech_clean", "speech_disfluent", "speech_register"):
                (src / copy / folder).mkdir(parents=True)
                for p in (args.samples / folder).iterdir():
                    if p.suffix in (".wav", ".flac"):
                        shutil.copy(p, src / copy / folder / p.name)
        items = batch.discover(src)
        result = {"recordings": len(items), "machine": machine(), "runs": {}}
        for workers, engine in ((1, "local"), (2, "local"), (2, "ray")):
            t = time.perf_counter()
            outcomes = batch.run(
                items, Path(tmp) / f"out{workers}{engine}", workers=workers, engine=batch.engine_named(engine)
            )
            wall = time.perf_counter() - t
            per_min = len(items) / wall * 60
            result["runs"][f"{engine}-{workers}"] = {
                "seconds": wall,
                "per_minute": per_min,
                "done": sum(o.status == "done" for o in outcomes),
            }
            print(f"{engine}, {workers} worker(s): {len(items)} in {wall:.1f} s = {per_min:.1f} per minute", flush=True)
    runs = result["runs"]
    base = runs["local-1"]["per_minute"]
    print(
        f"vs 1 local worker: 2 local workers {runs['local-2']['per_minute'] / base:.2f}x, "
        f"Ray (local cluster, 2 CPUs, start-up included) {runs['ray-2']['per_minute'] / base:.2f}x"
    )
    print(f"machine: {result['machine']}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
