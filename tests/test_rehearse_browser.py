"""Rehearse in a real browser: Chromium's fake microphone and camera play a real recording into the Rehearse page.

The live transcript must appear while the recording plays; Stop must give a recording that the queue analyses; the
fillers and word error rate seen live must be close to the full analysis of the same take; the page must ask
nothing of any other host. Screenshots of the live page go to build/screenshots/.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import av
import numpy as np
import pytest

from podium import media
from podium.coach.fillers import FILLERS
from podium.config import CoachConfig
from podium.eval.text import normalize, wer
from podium.fillers import occurrences
from podium.store import default_url, open_store
from podium.testing import LiveServer
from podium.types import Word

from .media_fixtures import write_wav
from .test_browser import SHOTS

pytestmark = pytest.mark.slow

PASSWORD = "a long enough passphrase"
CLIP = "speech_disfluent/mfa_acoustic_corpus.wav"  # 27 s, 3 filled pauses, read fast then slow
FACE = "video_talking/pyfeat_single_face.mp4"


def _y4m(src: Path, dst: Path, seconds: float, fps: int = 15) -> Path:
    """The talking-face clip as raw 4:2:0 frames (Chromium's fake camera reads .y4m), looped to ``seconds``."""
    frames = []
    with av.open(str(src)) as inp:
        for f in inp.decode(video=0):
            frames.append(f.reformat(width=320, height=240, format="yuv420p").to_ndarray())
    with open(dst, "wb") as out:
        out.write(f"YUV4MPEG2 W320 H240 F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for k in range(int(seconds * fps)):
            out.write(b"FRAME\n")
            out.write(np.ascontiguousarray(frames[k % len(frames)]).tobytes())
    return dst


def _words_wer(ref: str, text: str) -> float:
    r = wer(normalize(ref), normalize(text))
    return r.errors / r.ref_words


def _sign_in(page) -> None:
    page.goto("/login")
    page.fill("input[name=email]", "sam@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/recordings")


def _until(page, check, timeout_s: float, what: str):
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        got = check()
        if got:
            return got
        page.wait_for_timeout(200)
    raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")


def test_rehearse_in_the_browser_live_then_the_full_report(tmp_path, samples):
    sync_api = pytest.importorskip("playwright.sync_api")
    from podium.report.pdf import CHROMIUM_ARGS, find_chromium

    exe = find_chromium()
    if exe is None:
        pytest.skip("no Chromium installed (apt-get install chromium)")
    x = media.load(samples / CLIP).audio.samples
    clip_s = len(x) / 16000
    # a second of quiet before and after, as when someone presses Record and then starts
    wav = write_wav(tmp_path / "mic.wav", np.concatenate([np.zeros(16000), x, np.zeros(32000)]).astype(np.float32))
    cam = _y4m(samples / FACE, tmp_path / "cam.y4m", clip_s + 6)
    data = tmp_path / "data"
    store = open_store(default_url(data))
    store.add_user("sam@example.org", "Sam", "speaker", PASSWORD)
    store.close()
    args = [
        *CHROMIUM_ARGS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={wav}%noloop",
        f"--use-file-for-fake-video-capture={cam}",
    ]
    with LiveServer(data, workers=1, face=True) as srv, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=args)
        ctx = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=srv.url)
        page = ctx.new_page()
        errors: list[str] = []
        outside: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: None if r.url.startswith((srv.url, "ws://127.0.0.1")) else outside.append(r.url))
        _sign_in(page)
        page.click("nav >> text=Rehearse")
        page.wait_for_url("**/rehearse")
        assert not page.is_visible("#live")  # the live panel waits for Record
        page.fill("#talk", "Acoustic corpus")
        # nudges about fillers only: the clip has 4 in 27 s (the report's cluster is 3 in 40 s), and its pace or a
        # look away must not take their turn
        page.uncheck("#nudge-pace")
        page.uncheck("#nudge-camera")
        page.evaluate(
            """() => { window.nudges = []; const n = document.getElementById("nudge");
            new MutationObserver(() => { if (!n.hidden) window.nudges.push([n.dataset.kind, n.textContent]); })
              .observe(n, {attributes: true, childList: true}); }"""
        )
        page.click("#record")
        t0 = time.monotonic()
        _until(page, lambda: page.is_enabled("#stop"), 30, "recording to start")
        _until(page, lambda: len(page.inner_text("#transcript").split()) >= 3, clip_s, "the live transcript")
        first_words_s = time.monotonic() - t0
        assert first_words_s < clip_s - 5, first_words_s  # while the recording still plays
        # the fake camera shows one face, towards the camera: the live face feedback finds it
        looks = _until(page, lambda: page.inner_text("#m-face").strip().strip("–"), 15, "the camera feedback")
        assert looks in ("Looking at the camera", "Looking away", "Looking down"), looks
        page.wait_for_timeout(max(0.0, (clip_s - 1 - (time.monotonic() - t0))) * 1000)
        page.screenshot(path=str(SHOTS / "rehearse-live-1280.png"))
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=str(SHOTS / "rehearse-live-390.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})
        page.wait_for_timeout(max(0.0, (clip_s + 2.5 - (time.monotonic() - t0))) * 1000)
        # a nudge counts final fillers only, and the third becomes final when its phrase is decoded for good: after
        # 20 s of audio where the live decoder keeps up (updates of 0.5-1 s), after 28 s where a loaded machine makes
        # it take 2 s of audio at a time (the same words and fillers either way, simulated offline); so the nudge
        # may come after the clip has played, while the recording goes on, before Stop
        nudges = _until(page, lambda: page.evaluate("window.nudges"), 10, "a nudge")
        assert {kind for kind, _ in nudges} == {"fillers"}, nudges
        window = CoachConfig.load().of(FILLERS).cluster_window_s  # the report's cluster of fillers
        assert f"fillers in the last {window:g} s" in nudges[0][1], nudges
        stopped_s = time.monotonic() - t0
        page.click("#stop")
        page.wait_for_url("**/recordings/*", timeout=60_000)
        rec_id = int(page.url.rstrip("/").split("/")[-1])

        def status():
            r = page.request.get(f"/recordings/{rec_id}.json").json()["recording"]
            return r if r["status"] in ("done", "failed") else None

        rec = _until(page, status, 300, "the full analysis")
        assert rec["status"] == "done", rec
        # the recording's page follows the job and turns into the report by itself (a goto of our own raced with
        # that navigation, and Chromium interrupted one with the other)
        page.wait_for_url(f"**/recordings/{rec_id}/report/", timeout=30_000)
        page.wait_for_load_state()
        bar = page.inner_text("nav[aria-label=Podium]")
        assert f"Live you saw {rec['live']['fillers']} filler" in bar and "the full analysis found" in bar
        page.screenshot(path=str(SHOTS / "rehearse-report-1280.png"))
        assert rec["talk"] == "Acoustic corpus"
        page.goto("/rehearse")  # the speaker's choice of nudges is kept for the next take
        assert page.is_checked("#nudge-fillers") and not page.is_checked("#nudge-pace")
        assert not page.is_checked("#nudge-camera")
        assert errors == [] and outside == [], (errors, outside)
        browser.close()

    saved = list((data / "uploads").glob("*.live.json"))
    assert len(saved) == 1
    seen = json.loads(saved[0].read_text())
    report = json.loads(next((data / "reports").rglob("report.json")).read_text())
    words = report["transcript"]["words"]
    said = [Word(w["text"], w["start"], w["end"], 1.0, bool(w.get("filler")), w.get("filler_kind")) for w in words]
    full_fillers = len(occurrences(said))  # "you know" once, as the live count has it
    full_text = " ".join(w["text"] for w in words)
    ref = (samples / CLIP).with_suffix(".txt").read_text(encoding="utf-8")
    live_said = f"live {seen['fillers']}: {seen['transcript']}"
    assert abs(seen["fillers"] - full_fillers) <= 1, f"{live_said}\nfull analysis {full_fillers}: {full_text}"
    assert _words_wer(ref, seen["transcript"]) <= _words_wer(ref, full_text) + 0.05, (seen["transcript"], full_text)
    assert rec["duration_s"] == pytest.approx(stopped_s, abs=2.5)


def test_a_server_killed_60_s_into_a_browser_rehearsal_keeps_the_60_s(tmp_path, samples):
    """SIGKILL while Chromium records (fake microphone, no camera): after the restart the take is in the speaker's
    recordings, about 60 s long, analysed; the page said the live feedback stopped."""
    sync_api = pytest.importorskip("playwright.sync_api")
    from podium.report.pdf import CHROMIUM_ARGS, find_chromium

    from .media_fixtures import read_speech
    from .test_rehearse import analysed_recordings

    exe = find_chromium()
    if exe is None:
        pytest.skip("no Chromium installed (apt-get install chromium)")
    wav = write_wav(tmp_path / "mic.wav", read_speech(samples)[: 16000 * 80])
    data = tmp_path / "data"
    store = open_store(default_url(data))
    store.add_user("sam@example.org", "Sam", "speaker", PASSWORD)
    store.close()
    args = [*CHROMIUM_ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={wav}%noloop"]  # fmt: skip
    srv = LiveServer(data, workers=1).start()
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=exe, args=args)
            page = browser.new_context(base_url=srv.url).new_page()
            _sign_in(page)
            page.goto("/rehearse")
            page.uncheck("#camera")
            page.click("#record")
            _until(page, lambda: page.is_enabled("#stop"), 30, "recording to start")
            t0 = time.monotonic()
            page.wait_for_timeout(60_000)
            srv.kill()
            killed_at = time.monotonic() - t0
            # the socket's close or the next piece's failed upload, whichever the page notices first
            said = ("connection to the server was lost", "server cannot be reached")
            _until(page, lambda: any(s in page.inner_text("#rehearse-status") for s in said), 15, "the page to say so")
            browser.close()
        srv.start()
        rows = analysed_recordings(srv.url, "sam@example.org")
        assert len(rows) == 1 and rows[0]["status"] == "done", rows
        # everything up to the last piece the server had synced (a piece a second, sent one after another: under
        # load a few seconds may still be on their way when the server dies)
        assert killed_at - 4 <= rows[0]["duration_s"] <= killed_at + 0.5, (rows[0]["duration_s"], killed_at)
        assert rows[0]["title"].startswith("Rehearsal ")
    finally:
        srv.stop()
