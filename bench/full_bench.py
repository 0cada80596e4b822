"""Face throughput and the full pipeline (speech + face) on a >= 10 minute 720p talk.

The talk is assembled here: the real talking-face clip from ../shared/samples
(video_talking/pyfeat_single_face.mp4) upscaled to 1280x720 and looped at 25 fps
(H.264), with the real speech assembled by speech_bench.py as its sound. It is
cached in bench/results/ (it takes a minute or two to encode). Each full run is
a fresh process; peak RSS counts the face worker too.

    python bench/full_bench.py --samples ../shared/samples --runs 2 [--before REF] [--face-only] [--layout screen]

``--layout screen``: the same talk as a screen recording, the speaker in a 320x180 webcam thumbnail in a corner of
a slide (a new slide every 30 s), a face too small for the landmarker's own detector.

Rows: this tree's Podium, with ``--before`` another commit's (same session, same machine), and the peer, plain
faster-whisper tiny.en (beam 5, its VAD, word timestamps) transcribing the same talk. Each run keeps a trace of how
busy each core was (every 0.5 s, from /proc/stat) in the results file.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import time
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from runs import PEER, PEER_ROW, checkout, child, medians, take_turns
from speech_bench import assemble, machine

CHILD = """
import json, resource, sys, time
t = time.perf_counter()
import podium
report = podium.analyze(sys.argv[1])
wall = time.perf_counter() - t
# VmHWM is this process's own peak; ru_maxrss would count the benchmark process it was forked from too
hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM")]
me = (int(hwm[0].split()[1]) if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"wall_s": wall, "timings": report.timings, "peak_rss_mb": me, "face_worker_rss_mb": kids,
                  "face_present": report.face.present_ratio if report.face else None}))
"""


@functools.lru_cache(maxsize=1)  # a slide stays up for 750 frames: drawn once, copied for each
def _slide(k: int) -> np.ndarray:
    import cv2

    slide = np.full((720, 1280, 3), 240, np.uint8)
    cv2.putText(slide, f"Part {k + 1}: what we found", (60, 90), cv2.FONT_HERSHEY_SIMPLEX, 1.6, (40, 40, 90), 3)
    for i in range(8):
        line = f"- finding {k + 1}.{i + 1}: the measure moved by {(k * 7 + i * 3) % 40} points"
        cv2.putText(slide, line, (80, 170 + 50 * i), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (30, 30, 30), 2)
    return slide


def build_video(samples: Path, out: Path, minutes: float, layout: str = "talking") -> Path:
    import av

    wav = out.with_suffix(".wav")
    dur = assemble(samples, minutes * 60, wav)
    with av.open(str(samples / "video_talking" / "pyfeat_single_face.mp4")) as c:
        frames = [f.reformat(width=1280, height=720, format="yuv420p") for f in c.decode(video=0)]
    if layout == "screen":  # each frame becomes a webcam thumbnail on a slide
        import cv2

        thumbs = [cv2.resize(f.to_ndarray(format="rgb24"), (320, 180), interpolation=cv2.INTER_AREA) for f in frames]

        def frame(i: int) -> Any:
            canvas = _slide(i // (30 * 25)).copy()
            canvas[520:700, 940:1260] = thumbs[i % len(thumbs)]
            return av.VideoFrame.from_ndarray(canvas, format="rgb24").reformat(format="yuv420p")
    else:

        def frame(i: int) -> Any:
            return frames[i % len(frames)]

    with av.open(str(wav)) as c:
        audio = np.concatenate([f.to_ndarray().reshape(-1) for f in c.decode(audio=0)]).astype(np.float32) / 32768
    tmp = out.with_suffix(".part.mp4")
    with av.open(str(tmp), "w") as o:
        vs = o.add_stream("libx264", rate=25, options={"preset": "ultrafast", "crf": "28"})
        vs.width, vs.height, vs.pix_fmt = 1280, 720, "yuv420p"
        a_s = o.add_stream("aac", rate=16000)
        a_s.layout = "mono"
        n = int(dur * 25)
        for i in range(n):
            f = frame(i)
            f.pts = None
            for p in vs.encode(f):
                o.mux(p)
        for p in vs.encode():
            o.mux(p)
        step = a_s.codec_context.frame_size or 1024
        for i in range(0, len(audio), step):
            chunk = audio[i : i + step]
            if len(chunk) < step:
                chunk = np.pad(chunk, (0, step - len(chunk)))
            fr = av.AudioFrame.from_ndarray(chunk.reshape(1, -1), format="flt", layout="mono")
            fr.sample_rate, fr.pts, fr.time_base = 16000, i, Fraction(1, 16000)
            for p in a_s.encode(fr):
                o.mux(p)
        for p in a_s.encode():
            o.mux(p)
    tmp.replace(out)
    wav.unlink()
    return out


def talk_video(samples: Path, folder: Path, minutes: float, layout: str = "talking") -> Path:
    """The benchmark talk, built once and kept in ``folder`` (it takes a minute or two to encode)."""
    video = folder / f"talk_720p_{minutes:g}min{'' if layout == 'talking' else '_' + layout}.mp4"
    if not video.is_file():
        t = time.perf_counter()
        build_video(samples, video, minutes, layout)
        print(f"built {video} in {time.perf_counter() - t:.0f} s", flush=True)
    return video


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--samples", default="../shared/samples", type=Path)
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--before", metavar="REF", help="also run this commit's Podium, in the same session")
    ap.add_argument("--no-peer", action="store_true", help="skip plain faster-whisper on the same talk")
    ap.add_argument("--face-only", action="store_true", help="also time the face stage alone, on one thread")
    ap.add_argument("--layout", choices=("talking", "screen"), default="talking", help="see above")
    ap.add_argument("--out", type=Path, default=Path("bench/results/full.json"))
    args = ap.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    video = talk_video(args.samples, args.out.parent, args.minutes, args.layout)
    from podium import face, media

    info = media.probe(video)
    result: dict[str, object] = {"duration_s": info.duration_s, "layout": args.layout, "machine": machine(), "rows": {}}
    if args.face_only:
        t = time.perf_counter()
        observed = face.observe(info)
        face_s = time.perf_counter() - t
        result["face_only_one_thread_s"] = face_s
        print(f"face only, one thread: {observed.samples} samples in {face_s:.1f} s = {info.duration_s / face_s:.1f}x")

    def run(name: str) -> dict[str, Any]:
        if name == PEER_ROW:
            r = child(PEER, str(video), trace=True)
            r.pop("text", None)  # what it said: speech_bench scores it, this bench does not
            return r
        return child(CHILD, str(video), src=before if name != "podium" else None, trace=True)

    with checkout(args.before) as before:
        rows = take_turns(args.runs, args.before, not args.no_peer, run, info.duration_s)
    kind = "talk" if args.layout == "talking" else "screen recording"
    title = f"{info.duration_s / 60:.1f} min 720p {kind}, median of {args.runs} runs (model load included):"
    result["rows"] = medians(rows, info.duration_s, title)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"machine: {result['machine']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
