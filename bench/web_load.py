"""Web app under load on loopback: N speakers browsing while uploads are analysed.

Starts ``podium serve`` (SQLite, its own worker processes) on a temporary data folder, creates the
speakers, queues ``--uploads`` real recordings (a minute of read speech each, from ../shared/samples)
and has every speaker browse for ``--seconds``: the recordings list, its JSON, their history, and a
recording's status JSON, one request after another. Reports the page-view latencies (p50, p95, max),
the errors (any answer but 200, any failed request) and how many analyses finished meanwhile.

    python bench/web_load.py --samples ../shared/samples --users 20 --uploads 5 --seconds 60
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from speech_bench import machine

PASSWORD = "a long enough passphrase"
PAGES = ("/recordings", "/recordings.json", "/history", "/history.json")


def _talk(samples: Path, out: Path, k: int) -> Path:
    import wave

    from podium import media

    x = np.concatenate([media.load(p).audio.samples for p in sorted((samples / "speech_clean").glob("ljspeech_*.wav"))])
    pcm = (np.clip(np.roll(x, 1013 * k)[: 16000 * 60], -1, 1) * 32767).astype("<i2")
    with wave.open(str(out), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(pcm.tobytes())
    return out


def run(samples: Path, users: int, uploads: int, seconds: float, workers: int) -> dict:
    import httpx

    from podium.store import default_url, open_store
    from podium.testing import LiveServer, sign_in

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        store = open_store(default_url(data))
        emails = [f"speaker{k}@example.org" for k in range(users)]
        for e in emails:
            store.add_user(e, e.split("@")[0], "speaker", PASSWORD, "load")
        store.close()
        files = [_talk(samples, Path(tmp) / f"talk{k}.wav", k) for k in range(uploads)]
        with LiveServer(data, workers=workers) as srv:
            # the uploads go in first, from the first speaker: the workers analyse them during the browsing
            with httpx.Client(base_url=srv.url, timeout=60) as c:
                token = sign_in(c, emails[0], PASSWORD)
                ids = []
                for f in files:
                    r = c.post(
                        "/recordings", content=f.read_bytes(), headers={"X-Filename": f.name, "X-CSRF-Token": token}
                    )
                    if r.status_code != 201:
                        raise RuntimeError(f"upload refused: {r.status_code} {r.text}")
                    ids.append(r.json()["id"])
            samples_ms: list[tuple[str, float]] = []
            errors: list[str] = []
            lock = threading.Lock()
            start = threading.Barrier(users)

            def browse(email: str) -> None:
                with httpx.Client(base_url=srv.url, timeout=60) as c:
                    try:
                        sign_in(c, email, PASSWORD)
                    except Exception as e:
                        with lock:
                            errors.append(f"{email}: {e}")
                        return
                    start.wait()
                    pages = list(PAGES) + ([f"/recordings/{ids[0]}.json"] if email == emails[0] and ids else [])
                    end = time.monotonic() + seconds
                    k = 0
                    while time.monotonic() < end:
                        path = pages[k % len(pages)]
                        k += 1
                        t = time.perf_counter()
                        try:
                            r = c.get(path)
                            ok = r.status_code == 200
                            why = f"{path}: {r.status_code}"
                        except Exception as e:
                            ok, why = False, f"{path}: {type(e).__name__}"
                        ms = 1000 * (time.perf_counter() - t)
                        with lock:
                            samples_ms.append((path, ms))
                            if not ok:
                                errors.append(why)

            threads = [threading.Thread(target=browse, args=(e,)) for e in emails]
            t0 = time.perf_counter()
            for th in threads:
                th.start()
            for th in threads:
                th.join()
            wall = time.perf_counter() - t0
            with httpx.Client(base_url=srv.url, timeout=60) as c:
                sign_in(c, emails[0], PASSWORD)
                statuses = [r["status"] for r in c.get("/recordings.json").json()["recordings"]]
    lat = [ms for _, ms in samples_ms]

    def stats(xs: list[float]) -> dict:
        if not xs:
            return {"n": 0}
        q = statistics.quantiles(xs, n=100) if len(xs) > 1 else [xs[0]] * 99
        return {"n": len(xs), "p50_ms": round(q[49], 1), "p95_ms": round(q[94], 1), "max_ms": round(max(xs), 1)}

    return {
        "users": users,
        "uploads": uploads,
        "seconds": seconds,
        "workers": workers,
        "wall_s": round(wall, 1),
        "requests": len(lat),
        "requests_per_s": round(len(lat) / wall, 1) if wall else None,
        "errors": len(errors),
        "error_examples": errors[:10],
        "latency": stats(lat),
        "by_page": {p: stats([ms for q, ms in samples_ms if q == p]) for p in sorted({q for q, _ in samples_ms})},
        "analyses_done_meanwhile": statuses.count("done"),
        "analyses_queued_or_running": sum(s in ("queued", "running") for s in statuses),
        "machine": machine(),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--samples", default="../shared/samples", type=Path)
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--uploads", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--out", type=Path, default=Path("bench/results/web_load.json"))
    args = ap.parse_args()
    result = run(args.samples, args.users, args.uploads, args.seconds, args.workers)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1))
    lat = result["latency"]
    print(
        f"{result['users']} users, {result['uploads']} uploads, {result['wall_s']} s: {result['requests']} page views "
        f"({result['requests_per_s']}/s), {result['errors']} errors; p50 {lat.get('p50_ms')} ms, "
        f"p95 {lat.get('p95_ms')} ms, max {lat.get('max_ms')} ms; {result['analyses_done_meanwhile']} analyses done"
    )
    for page, s in result["by_page"].items():
        print(f"  {page:28s} n={s['n']:5d}  p50 {s['p50_ms']:7.1f} ms  p95 {s['p95_ms']:7.1f} ms")
    print(f"Results: {args.out}")
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
