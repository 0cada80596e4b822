"""Screenshots of the report for a person to look at: a 2.5-minute talk with video and an audio-only one, at 1400 and
390 px, of the first screen, a moment playing (the player must be on screen), the timeline and the transcript.

The talk with video is bench/full_bench.py's (real speech from ../shared/samples under a looped real talking-face
clip, cached in bench/results/); the audio-only one is the same speech as a WAV. The web app's pages (recording,
recordings, progress) are shot by tests/test_web_browser.py. Everything lands in build/screenshots/.

    python scripts/screenshots.py --samples ../shared/samples
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--samples", default=ROOT.parent / "shared" / "samples", type=Path)
    ap.add_argument("--out", default=ROOT / "build" / "screenshots", type=Path)
    args = ap.parse_args()
    from full_bench import talk_video
    from playwright.sync_api import sync_playwright
    from speech_bench import assemble

    import podium
    from podium.report.pdf import CHROMIUM_ARGS, find_chromium

    args.out.mkdir(parents=True, exist_ok=True)
    exe = find_chromium()
    if exe is None:
        raise SystemExit("needs Chromium (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "talk_2.5min.wav"
        assemble(args.samples, 150, wav)
        sources = {"video": talk_video(args.samples, ROOT / "bench" / "results", 2.5), "audio": wav}
        pages = {}
        for kind, src in sources.items():
            pages[kind] = podium.write_report(podium.analyze(src), Path(tmp) / kind)["html"]
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=exe, args=[*CHROMIUM_ARGS, "--autoplay-policy=no-user-gesture-required"]
            )
            for kind, html in pages.items():
                for width in (1400, 390):
                    page = browser.new_page(viewport={"width": width, "height": 900 if width > 500 else 844})
                    page.goto(html.resolve().as_uri())
                    page.wait_for_selector("html[data-ready]")
                    page.evaluate("() => { document.getElementById('player').muted = true; }")
                    page.wait_for_timeout(300)
                    name = f"{kind}-{{}}-{width}.png"

                    def shot(what: str, page=page, name=name) -> None:
                        page.screenshot(path=str(args.out / name.format(what)))

                    shot("first-screen")
                    moment = page.query_selector("#moments button.moment")
                    if moment is not None:
                        moment.scroll_into_view_if_needed()
                        moment.click()
                        page.wait_for_timeout(700)
                        shot("moment-playing")
                        page.evaluate("() => document.getElementById('player').pause()")
                    for section in ("timeline", "player-transcript"):
                        page.evaluate(f"() => document.getElementById('{section}').scrollIntoView()")
                        page.wait_for_timeout(200)
                        shot(section.replace("player-", ""))
                    page.close()
            browser.close()
    print(f"screenshots in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
