"""How heavy the report page is for a long talk: report.html's size, and the time headless Chromium takes to open it.

The talk is full_bench.py's 11.6-minute 720p talk (real speech from ../shared/samples under a looped real
talking-face clip, cached in bench/results/), analysed once. The page is opened ``--runs`` times, each in a fresh
browser page (Debian's Chromium, driven by Playwright): from navigation to the moment the page has drawn itself
(``html[data-ready]``, set by report.js after the scorecard, timeline, transcript and moments are built), and to the
browser's load event. Reported: medians and the worst, with the machine. Goal (issue #16): under 1 MB, under 1 s.

    python bench/report_bench.py --samples ../shared/samples --runs 5
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from full_bench import talk_video
from speech_bench import machine


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--samples", default="../shared/samples", type=Path)
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", type=Path, default=Path("bench/results/report.json"))
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    import podium
    from podium.report.pdf import CHROMIUM_ARGS, find_chromium

    video = talk_video(args.samples, args.out.parent, args.minutes)
    report = podium.analyze(video)
    with tempfile.TemporaryDirectory() as tmp:
        paths = podium.write_report(report, Path(tmp) / "r")
        html = paths["html"]
        size = html.stat().st_size
        ready, loaded, words = [], [], 0
        exe = find_chromium()
        if exe is None:
            raise SystemExit("needs Chromium (apt-get install chromium)")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
            for _ in range(args.runs):
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                t = time.perf_counter()
                page.goto(html.resolve().as_uri(), wait_until="commit")
                page.wait_for_selector("html[data-ready]", timeout=30000)
                ready.append(time.perf_counter() - t)
                page.wait_for_load_state("load")
                loaded.append(time.perf_counter() - t)
                words = page.evaluate("() => document.querySelectorAll('#transcript .w').length")
                page.close()
            browser.close()
    result = {
        "duration_s": report.source.duration_s,
        "report_html_mb": round(size / 1e6, 3),
        "words_on_page": words,
        "median_ready_s": round(statistics.median(ready), 3),
        "worst_ready_s": round(max(ready), 3),
        "median_load_s": round(statistics.median(loaded), 3),
        "ready_s": [round(x, 3) for x in ready],
        "machine": machine(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(
        f"report.html for {report.source.duration_s / 60:.1f} min ({words} words): {size / 1e6:.2f} MB; drawn in "
        f"{result['median_ready_s']:.2f} s (median of {args.runs}, worst {result['worst_ready_s']:.2f} s), load event "
        f"{result['median_load_s']:.2f} s"
    )
    print(f"machine: {result['machine']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
