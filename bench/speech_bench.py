"""Speech-only analysis speed and memory on a >= 10 minute recording.

The recording is assembled from the real clips in ../shared/samples
(speech_clean, speech_disfluent, speech_register; 0.4 s of silence between
clips, looped until long enough) and written to a temporary WAV. Each run is
a fresh process (model load included, as a user pays it): wall time, the
pipeline's own stage timings, peak RSS, and the word error rate against the
clips' reference transcripts (a decode that leaves out a sentence shows here).
Reported: medians over runs, as a multiple of real time, with the machine.

    python bench/speech_bench.py --samples ../shared/samples --runs 3 [--before REF]

Rows: this tree's Podium, with ``--before`` another commit's (same session, same machine), and the peer, plain
faster-whisper tiny.en (beam 5, its VAD, word timestamps) on the same audio.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import wave
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from runs import PEER, PEER_ROW, checkout, child, medians, take_turns

from podium.eval.text import normalize, wer

CHILD = """
import json, resource, sys, time
t = time.perf_counter()
import podium
from podium.options import AnalysisOptions, SpeechOptions
opts = AnalysisOptions(speech=SpeechOptions(cpu_threads=int(sys.argv[2])))
report = podium.analyze(sys.argv[1], opts)
wall = time.perf_counter() - t
# this process's own peak (VmHWM, reset at exec): ru_maxrss would also count the benchmark process it was forked
# from, which holds the assembled talk (2 GB for 3 hours)
hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM")]
rss_kb = int(hwm[0].split()[1]) if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"wall_s": wall, "timings": report.timings, "peak_rss_mb": rss_kb / 1024,
                  "words": len(report.transcript.words), "duration_s": report.source.duration_s,
                  "text": " ".join(w.text for w in report.transcript.words)}))
"""


def assemble(samples: Path, min_s: float, out: Path) -> float:
    """Write the talk to ``out`` (a WAV) and what is said in it, the clips' reference transcripts in turn, beside it
    (``out`` with ``.txt``); return its length in seconds."""
    from podium import media

    clips, said = [], []
    for folder in ("speech_clean", "speech_disfluent", "speech_register"):
        for p in sorted((samples / folder).iterdir()):
            if p.suffix in (".wav", ".flac"):
                clips.append(media.load(p).audio.samples)
                said.append(p.with_suffix(".txt").read_text(encoding="utf-8").strip())
    gap = np.zeros(int(0.4 * 16000), np.float32)
    parts, total, text = [], 0, []
    while total < min_s * 16000:
        for c, t in zip(clips, said, strict=True):
            parts += [c, gap]
            text.append(t)
            total += len(c) + len(gap)
    out.with_suffix(".txt").write_text(" ".join(text) + "\n", encoding="utf-8")
    x = np.concatenate(parts)
    with wave.open(str(out), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes((np.clip(x, -1, 1) * 32767).astype("<i2").tobytes())
    return len(x) / 16000


def machine() -> dict[str, object]:
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--samples", default="../shared/samples", type=Path)
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=0, help="recogniser threads (0: all cores)")
    ap.add_argument("--before", metavar="REF", help="also run this commit's Podium, in the same session")
    ap.add_argument("--no-peer", action="store_true", help="skip plain faster-whisper on the same audio")
    ap.add_argument("--out", type=Path, default=Path("bench/results/speech.json"))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp, checkout(args.before) as before:
        wav = Path(tmp) / "long_talk.wav"
        dur = assemble(args.samples, args.minutes * 60, wav)
        print(f"assembled {dur / 60:.1f} min from {args.samples}", flush=True)

        said = normalize(wav.with_suffix(".txt").read_text(encoding="utf-8"))

        def run(name: str) -> dict[str, Any]:
            if name == PEER_ROW:
                r = child(PEER, str(wav))
            else:
                r = child(CHILD, str(wav), str(args.threads), src=before if name != "podium" else None)
            # the clips' references, fillers kept (a decode that drops them is that much further off: verbatim)
            r["wer"] = round(wer(said, normalize(str(r.pop("text")))).wer, 4)
            return r

        rows = take_turns(args.runs, args.before, not args.no_peer, run, dur)
    title = f"speech-only, {dur / 60:.1f} min, median of {args.runs} runs (model load included):"
    result = {"duration_s": dur, "machine": machine(), "rows": medians(rows, dur, title)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"machine: {result['machine']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
