"""Live rehearsal: how soon a word said appears, and what the server spends, on this machine.

Starts ``podium serve`` on loopback (its own data folder, one worker), opens a take and streams a talk made of
shared recordings (read speech and disfluent speech, ``--seconds`` long) over the live WebSocket in real time,
250 ms at a time, as the Rehearse page does. For every final word, the latency is from the moment its end was
sent to the first message that showed it (partial or final, same word whatever its case and punctuation, end
within 0.5 s); the page adds only its drawing. A second figure counts a word as shown once any word was shown
over its time, however written (a provisional "Mottrial" where "Montreal" was said). The server's CPU (its
process and children, from /proc) is sampled over the run. Three runs by default: with the queue idle, audio
only and with the camera (two 320 px JPEG frames a second from the shared talking-face clips, as the page sends
them), and with a file analysis running meanwhile (the peer: what the machine already does), camera on: the
10-minute 720p talk of full_bench.py, queued three times, so that an analysis of speech and face runs for the
whole take.

    python bench/live_bench.py --samples ../shared/samples --seconds 180
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from podium.fillers import normalize

sys.path.insert(0, str(Path(__file__).parent))
from full_bench import talk_video
from speech_bench import machine

PASSWORD = "a long enough passphrase"
CHUNK = 4000  # samples: 250 ms


def talk(samples: Path, seconds: float) -> np.ndarray:
    from podium import media

    clips = sorted((samples / "speech_disfluent").glob("mfa_*.*")) + sorted((samples / "speech_clean").glob("*.wav"))
    parts, n = [], 0
    for p in clips:
        if p.suffix.lower() not in {".wav", ".flac"}:
            continue
        x = media.load(p).audio.samples
        parts += [x, np.zeros(8000, np.float32)]  # half a second between clips
        n += len(x) + 8000
        if n >= seconds * 16000:
            break
    return np.concatenate(parts)[: int(seconds * 16000)]


def frames(samples: Path, count: int) -> list[bytes]:
    """``count`` camera frames as the page sends them (320 px JPEG, two a second) from shared talking-face clips."""
    import io

    import av

    out: list[bytes] = []
    clips = sorted((samples / "video_talking").glob("*.mpg"))
    if not clips:
        raise SystemExit(f"no talking-face clips in {samples / 'video_talking'}: run with --camera off")
    while len(out) < count:
        for clip in clips:
            with av.open(str(clip)) as f:
                stream = f.streams.video[0]
                every = max(1, round(float(stream.average_rate or 25) / 2))
                for i, frame in enumerate(f.decode(stream)):
                    if i % every:
                        continue
                    im = frame.to_image()
                    im = im.resize((320, round(im.height * 320 / im.width)))
                    buf = io.BytesIO()
                    im.save(buf, "JPEG", quality=70)
                    out.append(buf.getvalue())
            if len(out) >= count:
                break
    return out[:count]


def cpu_seconds(pid: int) -> tuple[float, float]:
    """User + system CPU seconds of the server process itself (where live sessions run), and of it with every
    process under it (its analysis workers and their face processes)."""
    tick = os.sysconf("SC_CLK_TCK")

    def of(p: int) -> float:
        try:
            f = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return sum(int(v) for v in f[11:15]) / tick  # utime, stime, cutime, cstime

    def under(p: int) -> list[int]:
        try:
            kids = [int(c) for c in Path(f"/proc/{p}/task/{p}/children").read_text().split()]
        except OSError:
            return []
        return kids + [k for c in kids for k in under(c)]

    own = of(pid)
    return own, own + sum(of(c) for c in under(pid))


async def stream(
    url: str, cookie: str, token: str, x: np.ndarray, images: list[bytes]
) -> tuple[list[float], list[float], list[dict], int]:
    import websockets

    seen: list[tuple[float, str, float, float]] = []  # (wall time, text, start, end) of every word shown
    finals: list[dict] = []
    faces = [0]
    ws_url = url.replace("http://", "ws://") + f"/rehearsals/{token}/live"
    async with websockets.connect(ws_url, additional_headers={"Cookie": cookie, "Origin": url}) as ws:
        t0 = time.monotonic()

        async def receive() -> None:
            async for msg in ws:
                m = json.loads(msg)
                now = time.monotonic() - t0
                for w in m.get("final", []) + m.get("partial", []):
                    seen.append((now, normalize(w["text"]), w["start"], w["end"]))
                finals.extend(m.get("final", []))
                faces[0] += m.get("type") == "face" and m.get("present") is not None
                if m.get("type") == "final":
                    return

        reader = asyncio.create_task(receive())
        for k in range(0, len(x), CHUNK):
            await asyncio.sleep(max(0.0, t0 + (k + CHUNK) / 16000 - time.monotonic()))
            await ws.send(b"\x01" + (np.clip(x[k : k + CHUNK], -1, 1) * 32767).astype("<i2").tobytes())
            if images and k % (2 * CHUNK) == 0:  # a frame every half second, as the page sends them
                await ws.send(b"\x02" + images[(k // (2 * CHUNK)) % len(images)])
        await ws.send("stop")
        await reader
    latencies, any_word = [], []
    for w in finals:
        text = normalize(w["text"])
        shown = [t for t, said, _, end in seen if said == text and abs(end - w["end"]) <= 0.5]
        if shown:
            latencies.append(min(shown) - w["end"])
        where = [t for t, _, start, end in seen if start < w["end"] and end > w["start"]]
        if where:
            any_word.append(min(where) - w["end"])
    return latencies, any_word, finals, faces[0]


def run(samples: Path, seconds: float, busy: bool, camera: bool) -> dict[str, object]:
    import httpx

    from podium.store import default_url, open_store
    from podium.testing import LiveServer, sign_in

    x = talk(samples, seconds)
    images = frames(samples, int(seconds * 2)) if camera else []
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        store = open_store(default_url(data))
        store.add_user("sam@example.org", "Sam", "speaker", PASSWORD)
        store.close()
        # face analysis on, as `podium serve` has it (LiveServer's default is --no-face, which answers no frame)
        with LiveServer(data, workers=1, face=True) as srv, httpx.Client(base_url=srv.url, timeout=60) as c:
            csrf = sign_in(c, "sam@example.org", PASSWORD)
            if busy:  # the 10-minute 720p talk of full_bench.py, three times: an analysis runs for the whole take
                video = talk_video(samples, Path(__file__).parent / "results", 10.0)
                headers = {"X-CSRF-Token": csrf, "X-Filename": video.name}
                body = video.read_bytes()  # 80 MB, read once for the three uploads
                for _ in range(3):
                    c.post("/recordings", content=body, headers=headers).raise_for_status()
            token = c.post("/rehearsals", headers={"X-CSRF-Token": csrf}).json()["id"]
            cookie = "; ".join(f"{k}={v}" for k, v in c.cookies.items())
            assert srv.proc is not None
            (own0, all0), wall0 = cpu_seconds(srv.proc.pid), time.monotonic()
            latencies, any_word, finals, faces = asyncio.run(stream(srv.url, cookie, token, x, images))
            (own1, all1), wall = cpu_seconds(srv.proc.pid), time.monotonic() - wall0

    if camera and not faces:
        raise SystemExit("the server answered no camera frame: is face analysis installed and on?")
    queue_cpu = ((all1 - own1) - (all0 - own0)) / wall
    if busy and queue_cpu < 0.5:
        raise SystemExit(f"the queued analysis used {queue_cpu:.2f} of a core: it did not run during the take")

    def spread(values: list[float]) -> dict[str, float]:
        v = sorted(values)
        return {
            "p50": round(statistics.median(v), 2),
            "p95": round(v[int(0.95 * (len(v) - 1))], 2),
            "max": round(v[-1], 2),
        }

    return {
        "queue": "a 10-minute video analysed meanwhile" if busy else "idle",
        "talk_s": round(len(x) / 16000, 1),
        "camera": camera,
        "camera_frames_sent": len(images),
        "camera_frames_answered": faces,
        "final_words": len(finals),
        "words_timed": len(latencies),
        "latency_s": spread(latencies),  # until shown as finally written
        "latency_any_spelling_s": spread(any_word),  # until a word is shown where it was said, however written
        "live_cpu_cores": round((own1 - own0) / wall, 2),  # the server process: the live session and the web app
        "server_cpu_cores": round((all1 - all0) / wall, 2),  # with its analysis worker
        "queue_cpu_cores": round(queue_cpu, 2),  # the analysis worker alone
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--samples", default="../shared/samples", type=Path)
    ap.add_argument("--seconds", type=float, default=180.0)
    ap.add_argument("--queue", choices=("idle", "busy", "both"), default="both", help="which runs (default both)")
    ap.add_argument(
        "--camera", choices=("on", "off", "both"), default="both",
        help="two camera frames a second with the audio, audio only, or both (default; audio only with the queue idle)",
    )  # fmt: skip
    ap.add_argument("--out", type=Path, default=Path("bench/results/live.json"))
    args = ap.parse_args()
    rows = []
    cameras = {"on": (True,), "off": (False,), "both": (False, True)}[args.camera]
    queues = {"idle": (False,), "busy": (True,), "both": (False, True)}[args.queue]
    plan = [(b, c) for b in queues for c in cameras if not (b and c is False and args.camera == "both")]
    for busy, camera in plan:
        row = run(args.samples, args.seconds, busy, camera=camera)
        print(json.dumps(row), flush=True)
        rows.append(row)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"machine": machine(), "runs": rows}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
