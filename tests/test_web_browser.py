"""The web app in a real browser (Debian's headless Chromium via Playwright) against a real ``podium serve``.

A speaker signs in, uploads a real sample video, watches the job reach done, opens the report and plays from a
word and from a moment; another speaker cannot see it; their coach can. Screenshots go to build/screenshots/.
"""

from __future__ import annotations

import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from podium.store import default_url, open_store
from podium.testing import LiveServer

from .media_fixtures import read_speech, write_wav

pytestmark = pytest.mark.slow

from .test_browser import SHOTS  # noqa: E402  (one screenshot folder for every browser test)

PASSWORD = "a long enough passphrase"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("web") / "data"
    store = open_store(default_url(data))
    store.add_user("sam@example.org", "Sam", "speaker", PASSWORD, "A")
    store.add_user("tess@example.org", "Tess", "speaker", PASSWORD, "B")
    store.add_user("cole@example.org", "Cole", "coach", PASSWORD, "A")
    store.close()
    with LiveServer(data, workers=1, face=True) as srv:
        yield srv


def _page(browser, server, email: str):
    ctx = browser.new_context(
        viewport={"width": 1280, "height": 900}, base_url=server.url, timezone_id="Asia/Kolkata", locale="en-US"
    )
    page = ctx.new_page()
    page.errors, page.outside = [], []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" and "404" not in m.text else None)
    page.on("request", lambda r: None if r.url.startswith(server.url) else page.outside.append(r.url))
    page.goto("/recordings")
    assert "/login" in page.url  # signed out: sent to sign in
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/recordings")
    return page


def _until(page, check, timeout_s: float, what: str):
    """Poll from Python (the app's CSP forbids the eval that wait_for_function needs)."""
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        try:
            got = check()
        except Exception:  # the page is reloading
            got = None
        if got:
            return got
        page.wait_for_timeout(200)
    raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")


def _upload_and_follow(page, path) -> tuple[str, list[str]]:
    """Upload ``path`` from the recordings page; return the recording's URL and the statuses the page showed."""
    page.set_input_files("#file", str(path))
    page.click("#upload button[type=submit]")
    page.wait_for_url("**/recordings/*")
    url = page.url
    seen: list[str] = []

    def status():
        if page.query_selector("html[data-ready]"):  # finished: the recording's page is now its report
            s = "done"
        else:
            s = (page.text_content("#status") or "").strip()
        if not seen or seen[-1] != s:
            seen.append(s)
        return s in ("done", "failed") and s

    assert _until(page, status, 240, "the analysis to finish") == "done", seen
    return url, seen


def _player(page, expr: str):
    return page.evaluate(f"() => {{ const p = document.getElementById('player'); return {expr}; }}")


def test_speaker_uploads_follows_opens_and_plays_and_others_see_what_they_may(browser, server, samples, tmp_path):
    sam = _page(browser, server, "sam@example.org")
    SHOTS.mkdir(parents=True, exist_ok=True)
    video = samples / "video_talking" / "grid_bbaf2n.mpg"
    url, seen = _upload_and_follow(sam, video)
    assert seen[-1] == "done" and "failed" not in seen, seen
    sam.screenshot(path=str(SHOTS / "web-recording.png"))

    # the recording's page is its report, behind the same sign-in, under the app's bar; it plays from a clicked word
    assert sam.url.endswith("/report/") and "grid_bbaf2n.mpg" in sam.text_content("h1")
    assert "grid_bbaf2n.mpg" in sam.text_content("nav[aria-label=Podium]")
    _until(sam, lambda: _player(sam, "p.readyState >= 1"), 30, "the recording to load")
    words = sam.query_selector_all("#transcript .w")
    assert len(words) >= 3
    start = float(words[-1].get_attribute("data-start"))
    words[-1].click()
    _until(sam, lambda: abs(_player(sam, "p.currentTime") - start) < 0.5, 10, "the player to seek to the word")
    _until(sam, lambda: _player(sam, "!p.paused || p.ended"), 10, "the player to play")
    sam.screenshot(path=str(SHOTS / "web-report.png"))

    # a talk with moments to look at: the report opened at one of them (report/#t=...) plays it
    sam.goto("/recordings")
    talk_url, _ = _upload_and_follow(sam, samples / "speech_disfluent" / "mfa_acoustic_corpus.wav")
    moment = sam.query_selector("#moments button.moment[data-start]")
    assert moment is not None, "no moments listed"
    t = float(moment.get_attribute("data-start"))
    sam.goto(talk_url + f"/report/#t={t}")
    sam.wait_for_selector("html[data-ready]")
    _until(sam, lambda: abs(_player(sam, "p.currentTime") - t) < 0.3, 15, "the report to open at the moment")
    sam.goto("/recordings")
    assert sam.locator("table.list tbody tr").count() == 2
    # times come from the server in UTC and are shown in the reader's zone (UTC+5:30 here), UTC in the tooltip
    when = sam.query_selector("table.list time")
    utc = datetime.fromisoformat(when.get_attribute("datetime"))
    local = utc.astimezone(ZoneInfo("Asia/Kolkata"))
    assert when.get_attribute("title").endswith("UTC") and "UTC" not in when.text_content()
    assert f"{local.hour % 12 or 12}:{local.minute:02d}" in when.text_content(), when.text_content()
    sam.screenshot(path=str(SHOTS / "web-recordings.png"), full_page=True)

    # while a third take is analysed, the list follows it in place: a file being chosen for the next upload stays
    write_wav(tmp_path / "take3.wav", read_speech(samples)[: 16000 * 60])
    csrf = sam.context.request.get(server.url + "/login.json").json()["csrf_token"]
    up = sam.context.request.post(
        server.url + "/recordings",
        data=(tmp_path / "take3.wav").read_bytes(),
        headers={"X-Filename": "take 3.wav", "X-CSRF-Token": csrf, "Accept": "application/json", "X-Talk": "Keynote"},
    )
    assert up.status == 201, up.text()
    sam.goto("/recordings")
    first = "table.list tbody tr:first-child .status"
    assert sam.text_content(first) in ("queued", "running")
    sam.set_input_files("#file", str(tmp_path / "take3.wav"))
    sam.evaluate("() => { window.stillHere = true; }")
    _until(sam, lambda: sam.text_content(first) == "done", 120, "the list to show the take done")
    assert sam.evaluate("() => window.stillHere === true && document.getElementById('file').files.length === 1")
    assert sam.locator("table.list tbody tr").count() == 3
    sam.goto("/history")
    assert [h.text_content() for h in sam.query_selector_all("section.talk h2")] == [
        "Keynote",
        "Takes not named to a talk",
    ]  # the take named to a talk has charts of its own
    sam.screenshot(path=str(SHOTS / "web-history.png"), full_page=True)
    assert sam.errors == [] and sam.outside == []
    phone = sam.context.new_page()  # the same sign-in, at phone width: wide tables scroll inside their card
    phone.set_viewport_size({"width": 390, "height": 800})
    from .test_browser import _CONTRAST

    for path, shot in (
        ("/recordings", "recordings"),
        (url, "recording"),
        ("/history", "history"),
        ("/account", "account"),
    ):
        phone.goto(path)
        if path == url:
            phone.wait_for_selector("html[data-ready]")
        assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path
        assert phone.evaluate(_CONTRAST) == [], path  # WCAG AA contrast for every text on the page
        phone.screenshot(path=str(SHOTS / f"web-{shot}-390.png"), full_page=shot != "recording")
    phone.screenshot(path=str(SHOTS / "web-recordings-phone.png"), full_page=True)
    # his name opens his account page, where he changes the password an admin gave him
    sam.click("header .who a")
    sam.wait_for_url("**/account")
    sam.fill("input[name=current]", PASSWORD)
    sam.fill("input[name=new]", "my own long passphrase")
    sam.fill("input[name=repeat]", "my own long passphrase")
    sam.click("form[action='/account/password'] button[type=submit]")
    sam.wait_for_url("**/account?changed=1")
    assert "Your password is changed" in sam.text_content("main")
    sam.screenshot(path=str(SHOTS / "web-account.png"), full_page=True)
    assert sam.errors == []
    sam.context.close()

    # another team's speaker: not in her list, and the page does not exist for her
    tess = _page(browser, server, "tess@example.org")
    assert "grid_bbaf2n" not in tess.content()
    for path in (url, url + "/report/", talk_url + ".json"):
        r = tess.goto(path)
        assert r.status == 404, path
    tess.context.close()

    # their coach sees the recording, the report and the team
    cole = _page(browser, server, "cole@example.org")
    assert cole.goto(url).status == 200
    cole.wait_for_selector("html[data-ready]")
    assert cole.query_selector("nav[aria-label=Podium] form") is None  # a coach looks, and cannot delete
    cole.goto("/team")
    assert "Sam" in cole.text_content("table.list")
    cole.screenshot(path=str(SHOTS / "web-team.png"), full_page=True)
    sams = cole.get_attribute("table.list a[href*='/speakers/']", "href")
    cole.set_viewport_size({"width": 390, "height": 800})  # a coach's pages fit a phone too
    for path in ("/team", sams):
        cole.goto(path)
        assert cole.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path
    assert cole.errors == []
    cole.context.close()
