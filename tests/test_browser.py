"""The report page in a real browser: headless Chromium (Debian's), driven by Playwright; no browser download.

Screenshots go to build/screenshots/ (desktop 1280 px and phone 390 px wide) for a person to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import podium
from podium.testing import FakeRecognizer
from podium.types import Word

from .media_fixtures import speechlike, write_wav

SHOTS = Path(__file__).resolve().parents[1] / "build" / "screenshots"
SECTIONS = ["#summary", "#scorecard", "#timeline", "#chart", "#player", "#transcript", "#moments", "#details"]


@pytest.fixture(scope="module")
def reports(samples, tmp_path_factory):
    d = tmp_path_factory.mktemp("reports")
    out = {}
    for name, src in (
        ("video", samples / "video_talking" / "grid_bbaf2n.mpg"),
        ("audio", samples / "speech_disfluent" / "mfa_acoustic_corpus.wav"),
    ):
        podium.write_report(podium.analyze(src), d / name)
        out[name] = d / name / "report.html"
    return out


def _open(browser, html: Path, width: int = 1280):
    """A page on the report with every request outside the report folder blocked and recorded."""
    ctx = browser.new_context(viewport={"width": width, "height": 900})
    page = ctx.new_page()
    page.blocked, page.errors, page.dialogs = [], [], []
    allowed = html.parent.resolve().as_uri()

    def route(r):
        if r.request.url.startswith(allowed):
            r.continue_()
        else:
            page.blocked.append(r.request.url)
            r.abort()

    ctx.route("**/*", route)
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("dialog", lambda dlg: (page.dialogs.append(dlg.message), dlg.dismiss()))
    page.goto(html.resolve().as_uri())
    page.wait_for_selector("html[data-ready]")
    page.evaluate("""() => { window.__seeks = []; const p = document.getElementById('player');
        p.addEventListener('seeking', () => window.__seeks.push(p.currentTime)); p.muted = true; }""")
    return page


def _wait(page, expression: str, timeout_s: float = 10.0):
    """Poll ``expression`` from Python: the page's CSP (rightly) forbids the eval that wait_for_function uses."""
    import time

    end = time.monotonic() + timeout_s
    while True:
        value = page.evaluate(expression)
        if value or time.monotonic() > end:
            return value
        page.wait_for_timeout(50)


def _last_seek(page) -> float:
    assert _wait(page, "() => (window.__seeks || []).length > 0"), "the player never seeked"
    return page.evaluate("() => window.__seeks[window.__seeks.length - 1]")


@pytest.mark.parametrize("kind", ["video", "audio"])
def test_page_loads_clean_with_every_section_and_fetches_nothing(browser, reports, kind):
    page = _open(browser, reports[kind])
    for sel in SECTIONS:
        assert page.query_selector(sel) is not None, sel
    assert page.query_selector_all("#scorecard .card")
    assert page.eval_on_selector("#player", "p => p.tagName") == ("VIDEO" if kind == "video" else "AUDIO")
    assert _wait(page, "() => document.getElementById('player').readyState >= 1")  # the recording loads
    assert page.errors == []
    assert page.blocked == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"report-{kind}-desktop.png"), full_page=True)
    page.context.close()
    phone = _open(browser, reports[kind], width=390)
    phone.screenshot(path=str(SHOTS / f"report-{kind}-phone.png"), full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")  # no sideways scroll
    phone.context.close()


@pytest.mark.parametrize("kind", ["video", "audio"])
def test_clicking_a_word_seeks_to_its_start(browser, reports, kind):
    page = _open(browser, reports[kind])
    words = page.query_selector_all("#transcript .w")
    assert len(words) >= 3
    target = words[len(words) // 2]
    start = float(target.get_attribute("data-start"))
    target.click()
    assert abs(_last_seek(page) - start) <= 0.1
    page.context.close()


def test_clicking_a_moment_seeks_to_it(browser, reports):
    page = _open(browser, reports["audio"])
    buttons = page.query_selector_all("#moment-list button.moment")
    assert buttons
    start = float(buttons[-1].get_attribute("data-start"))
    buttons[-1].click()
    assert abs(_last_seek(page) - start) <= 0.1
    page.context.close()


_IN_VIEW = """() => { const r = document.getElementById('player').getBoundingClientRect();
    return r.width > 0 && r.top >= 0 && r.bottom <= window.innerHeight
        && r.left >= 0 && r.right <= window.innerWidth; }"""


@pytest.mark.parametrize("width", [1280, 390])
def test_the_player_is_on_screen_whenever_a_moment_plays(browser, reports, width):
    """Clicking a moment far below the player brings the player along (it floats), on a desktop and on a phone."""
    page = _open(browser, reports["audio"], width)
    buttons = page.query_selector_all("#moment-list button.moment")
    assert buttons
    for i, b in enumerate(buttons):
        b.scroll_into_view_if_needed()
        page.evaluate("() => window.scrollBy(0, 200)")  # the player's own place is well off screen
        b.click()
        assert _wait(page, _IN_VIEW), f"moment {i} of {len(buttons)} plays with the player off screen"
    page.screenshot(path=str(SHOTS / f"moment-playing-audio-{width}.png"))
    page.click(".unfloat")  # closed: back in its place, which is off screen
    assert not page.evaluate(_IN_VIEW)
    page.evaluate("() => document.getElementById('player').scrollIntoView({block: 'center'})")  # its place: the top
    assert _wait(page, _IN_VIEW)
    assert page.evaluate("() => document.getElementById('summary').contains(document.getElementById('player'))")
    page.context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_video_is_on_screen_when_played_from_afar(browser, reports, width):
    """Played from afar (the page's end; a click that does not scroll), the video comes along."""
    page = _open(browser, reports["video"], width)
    page.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_timeout(200)
    assert not page.evaluate(_IN_VIEW)  # the page is long enough to leave the player behind
    page.evaluate("() => document.querySelector('#transcript .w').click()")
    assert _wait(page, _IN_VIEW)
    page.screenshot(path=str(SHOTS / f"video-playing-{width}.png"))
    page.context.close()


def test_hovering_the_chart_shows_values_and_clicking_seeks(browser, reports):
    page = _open(browser, reports["audio"])
    chart = page.query_selector("#chart")
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.3)
    tip = page.query_selector("#tip")
    assert tip.is_visible()
    text = tip.inner_text()
    assert "wpm" in text and "dBFS" in text
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.3)
    assert 0 < _last_seek(page) < 27
    page.context.close()


def test_on_a_phone_the_chart_is_wide_enough_to_read_and_a_tap_shows_its_values(browser, reports):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = ctx.new_page()
    page.goto(reports["audio"].resolve().as_uri())
    page.wait_for_selector("html[data-ready]")
    chart = page.query_selector("#chart")
    chart.scroll_into_view_if_needed()
    assert chart.bounding_box()["width"] >= 700  # scrolls sideways in its box: labels stay ~9 px and up
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")  # not the page
    box = page.query_selector(".chart").bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.3)
    tip = page.query_selector("#tip")
    assert tip.is_visible() and "wpm" in tip.inner_text()
    ctx.close()


def test_words_from_the_recording_render_as_text(browser, tmp_path):
    evil = ["<script>alert(1)</script>", "<img src=x onerror=alert(2)>", "fine."]
    words = [Word(w, k * 0.6, k * 0.6 + 0.5, 0.9) for k, w in enumerate(evil)]
    wav = write_wav(tmp_path / "evil.wav", speechlike(2.5))
    podium.write_report(podium.analyze(wav, recognizer=FakeRecognizer(words)), tmp_path / "r")
    html = tmp_path / "r" / "report.html"
    assert "<script>alert(1)" not in html.read_text()
    page = _open(browser, html)
    texts = [w.inner_text() for w in page.query_selector_all("#transcript .w")]
    assert texts == evil
    page.wait_for_timeout(300)
    assert page.dialogs == [] and page.errors == []
    assert page.query_selector("#transcript img") is None
    page.context.close()


def test_missing_recording_is_said_plainly(browser, tmp_path):
    wav = write_wav(tmp_path / "talk.wav", speechlike(2.0))
    podium.write_report(
        podium.analyze(wav, recognizer=FakeRecognizer([Word("hi.", 0.2, 0.5, 0.9)])), tmp_path / "r", media="none"
    )
    page = _open(browser, tmp_path / "r" / "report.html")
    note = page.query_selector("#media-note")
    assert note.is_visible() and "media" in note.inner_text()
    page.context.close()


@pytest.mark.slow
def test_ten_minute_report_stays_under_1_mb(samples, tmp_path):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from speech_bench import assemble

    wav = tmp_path / "long.wav"
    minutes = assemble(samples, 600, wav) / 60
    paths = podium.write_report(podium.analyze(wav), tmp_path / "r", media="none")
    size = paths["html"].stat().st_size
    json_mb = paths["json"].stat().st_size / 1e6
    print(f"\nreport.html for {minutes:.1f} min: {size / 1e6:.2f} MB (report.json {json_mb:.2f} MB)")
    assert minutes >= 10 and size < 1e6  # with a video's face samples too: bench/report_bench.py


def test_compare_shows_controlled_changes_in_the_right_direction(controlled, tmp_path):
    from podium.cli import main

    folders = []
    for name in ("original", "fast", "flat"):
        podium.write_report(controlled[name], tmp_path / name, media="none")
        folders.append(str(tmp_path / name))
    assert main(["compare", *folders, "--out", str(tmp_path / "progress")]) == 0
    import json

    p = json.loads((tmp_path / "progress" / "progress.json").read_text())
    assert p["scores"]["pace"][0] > p["scores"]["pace"][1]  # sped up: pace score falls
    assert p["scores"]["vocal_variety"][0] > p["scores"]["vocal_variety"][2]  # flattened: variety falls
    pace = next(m for m in p["metrics"] if m["label"] == "Pace")["values"]
    assert pace[1] > 1.3 * pace[0]
    declined = {d["dimension"] for d in p["declined"]}
    assert "vocal_variety" in declined
    html = (tmp_path / "progress" / "progress.html").read_text()
    assert "What changed" in html and "Vocal variety" in html
    # takes named by their recording and time, each a link to its own report; figures on a scale from 0
    assert [lab.split(" · ")[0] for lab in p["labels"]] == ["original.wav", "fast.wav", "flat.wav"]
    import re

    links = re.findall(r"<th scope='col'><a href='([^']+)'>", html)
    assert len(set(links)) == 3 and all((tmp_path / "progress" / h).resolve().is_file() for h in links)
    assert "aria-label='trend from 0 to 8'" in html  # pitch variation: 0-8 st, not its own min-max


def test_pdf_export(browser, reports, capsys):
    from podium.cli import main

    folder = reports["audio"].parent
    assert main(["report", str(folder), "--pdf"]) == 0
    pdf = folder / "report.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 20_000
    assert "PDF:" in capsys.readouterr().out


def test_pdf_without_chromium_says_what_to_install(reports, capsys, monkeypatch):
    from podium.cli import main

    monkeypatch.setenv("PODIUM_CHROMIUM", "/nonexistent/chromium")
    assert main(["report", str(reports["audio"].parent), "--pdf"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "apt-get install chromium" in err[0]


def test_a_recording_named_with_hash_and_percent_plays(browser, samples, tmp_path):
    """'#' would cut the media URL short and '%' would be read as an escape: each path part is encoded."""
    import shutil

    src = tmp_path / "take #2 at 50% speed.wav"
    shutil.copy(samples / "speech_clean" / "jfk.flac", tmp_path / "jfk.flac")
    write_wav(src, podium.media.load(tmp_path / "jfk.flac").audio.samples)
    podium.write_report(podium.analyze(src), tmp_path / "out")
    page = _open(browser, tmp_path / "out" / "report.html")
    assert _wait(page, "() => document.getElementById('player').readyState >= 1"), "the recording did not load"
    src = page.eval_on_selector("#player", "p => p.src")
    assert "%23" in src and "%2523" not in src  # "#" encoded, once
    assert page.errors == [] and page.blocked == []
    page.context.close()


@pytest.fixture(scope="module")
def with_slides(samples, tmp_path_factory):
    """jfk.flac with a three-slide deck and its slide times (the video is not needed: the strip plays the sound)."""
    from podium.options import AnalysisOptions, SlideOptions

    from .media_fixtures import pdf_deck

    d = tmp_path_factory.mktemp("slides")
    words = (samples / "speech_clean" / "jfk.txt").read_text().split()
    deck = pdf_deck(d / "deck.pdf", [" ".join(words[:8]), "Something else entirely", " ".join(words[8:])])
    (d / "times.txt").write_text("0\n3.5\n7\n")
    options = AnalysisOptions(slides=SlideOptions(str(deck), str(d / "times.txt")))
    podium.write_report(podium.analyze(samples / "speech_clean" / "jfk.flac", options), d / "report")
    return d / "report" / "report.html"


@pytest.mark.parametrize("width", [1280, 390])
def test_the_slide_strip_shows_each_page_and_plays_from_when_it_came_up(browser, with_slides, width):
    page = _open(browser, with_slides, width)
    slides = page.query_selector_all("#slides .strip li")
    assert len(slides) == 3
    assert len(page.query_selector_all("#slides .strip img")) == 3  # a thumbnail per page, from inside the page
    flags = [s.inner_text() for s in slides]
    assert "read aloud" in flags[0] and "read aloud" not in flags[1]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width  # nothing wider than the screen
    for button, start in zip(page.query_selector_all("#slides .slidebtn"), [0.0, 3.5, 7.0], strict=True):
        page.evaluate("() => { window.__seeks = []; }")  # this click's seek, not the one before
        button.click()
        assert abs(_last_seek(page) - start) < 0.05
        assert _wait(page, _IN_VIEW)
    page.query_selector("#slides").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"slides-strip-{width}.png"))
    assert not page.blocked and not page.errors, (page.blocked, page.errors)
    page.context.close()


def test_a_video_browsers_cannot_play_shows_its_preview_and_says_so(browser, reports):
    """The MPEG-1 talk plays from its H.264 preview: the face is on the page, and the page says why it is a copy."""
    page = _open(browser, reports["video"])
    assert _wait(page, "() => document.getElementById('player').videoWidth > 0"), "no picture"
    src = page.evaluate("() => document.getElementById('player').currentSrc")
    assert src.endswith(".preview.mp4")
    assert "browsers cannot play the original's MPEG-1 video" in page.inner_text("#media-note")
    page.context.close()


def _park(page, t: float) -> None:
    """Pause the player at ``t`` and forget that seek: the seeking event of a programmatic seek comes later, so the
    record is cleared only once the seek is done (else the key's seek would be read as that one)."""
    page.evaluate(
        """(t) => new Promise((done) => { const p = document.getElementById('player'); p.pause();
            p.addEventListener('seeked', () => done(), {once: true}); setTimeout(done, 3000); p.currentTime = t; })""",
        t,
    )
    page.evaluate("() => { window.__seeks = []; }")


def test_moments_by_impact_or_by_time_and_the_keys_that_walk_them(browser, reports):
    import json

    page = _open(browser, reports["audio"])
    data = json.loads(page.evaluate("() => document.getElementById('podium-data').textContent"))
    moments = data["feedback"]["moments"]
    fillers = [w["start"] for w in data["transcript"]["words"] if w["filler"]]
    assert len(moments) >= 2 and len(fillers) >= 2

    def listed():
        return [float(b.get_attribute("data-start")) for b in page.query_selector_all("#moment-list button.moment")]

    by_impact = listed()
    sev = {m["start"]: m["severity"] for m in moments}
    majors_first = [sev[t] for t in by_impact]
    assert majors_first == sorted(majors_first, key=lambda s: s != "major")  # every major before every minor
    page.click("#moments .orders button[data-order=time]")
    assert listed() == sorted(m["start"] for m in moments)
    assert page.get_attribute("#moments .orders button[data-order=time]", "aria-pressed") == "true"

    page.evaluate("() => { document.activeElement.blur(); window.__seeks = []; }")
    page.keyboard.press("f")
    assert abs(_last_seek(page) - fillers[0]) < 0.05
    _park(page, 0)
    page.keyboard.press("j")
    first = min(m["start"] for m in moments)
    assert abs(_last_seek(page) - first) < 0.05
    page.evaluate("() => { const p = document.getElementById('player'); p.pause(); window.__seeks = []; }")
    page.keyboard.press("j")
    second = sorted(m["start"] for m in moments if m["start"] > first + 0.05)[0]
    assert abs(_last_seek(page) - second) < 0.05
    _park(page, 1e4)
    page.keyboard.press("k")
    assert abs(_last_seek(page) - max(m["start"] for m in moments)) < 0.05
    assert not page.errors, page.errors
    page.context.close()


_CONTRAST = """() => {
  const rgb = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
  const lum = ([r, g, b]) => 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  function background(e) {  // the first opaque background behind e (white at the top)
    for (; e && e.nodeType === 1; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) return c.slice(0, 3); }
    return [255, 255, 255];
  }
  const bad = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const e = n.parentElement, text = n.textContent.trim();
    if (!text || !e || e.closest("svg, video, audio, noscript, script, style, .skip")) continue;
    const st = getComputedStyle(e), r = e.getBoundingClientRect();
    if (st.visibility === "hidden" || st.display === "none" || r.width === 0 || Number(st.opacity) < 0.99) continue;
    const fg = rgb(st.color).slice(0, 3), bg = background(e);
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x), ratio = (a + 0.05) / (b + 0.05);
    const px = parseFloat(st.fontSize), bold = Number(st.fontWeight) >= 700;
    const need = px >= 24 || (bold && px >= 18.66) ? 3 : 4.5;
    if (ratio < need) bad.push(text.slice(0, 40) + " (" + ratio.toFixed(2) + " < " + need + ", " + st.color + " on "
      + bg + ")");
  }
  return bad;
}"""


@pytest.mark.parametrize("kind", ["video", "audio"])
def test_every_text_on_the_report_passes_wcag_aa_contrast(browser, reports, kind):
    page = _open(browser, reports[kind])
    bad = page.evaluate(_CONTRAST)
    assert bad == [], bad
    page.context.close()


def test_every_text_on_the_slide_strip_passes_wcag_aa_contrast(browser, with_slides):
    page = _open(browser, with_slides)
    assert page.evaluate(_CONTRAST) == []
    page.context.close()


def test_each_priority_is_one_line_with_the_time_that_shows_it(browser, with_slides):
    import json

    page = _open(browser, with_slides)
    focus = json.loads(page.evaluate("() => document.getElementById('podium-data').textContent"))["feedback"]["focus"]
    items = page.query_selector_all("#priorities li.focus")
    assert len(items) == len(focus) >= 1
    with_time = [f for f in focus if f["moment"]]
    buttons = page.query_selector_all("#priorities .at")
    assert len(buttons) == len(with_time) >= 1
    for b, f in zip(buttons, with_time, strict=True):
        page.evaluate("() => { window.__seeks = []; }")
        b.click()
        assert abs(_last_seek(page) - f["moment"]["start"]) < 0.05
        assert _wait(page, _IN_VIEW)
    page.context.close()


def test_a_cluster_of_fillers_lists_each_filler_playable_on_its_own(browser, reports):
    import json

    page = _open(browser, reports["audio"])
    data = json.loads(page.evaluate("() => document.getElementById('podium-data').textContent"))
    clusters = [m for m in data["feedback"]["moments"] if m["kind"] == "filler_cluster"]
    assert clusters, "the disfluent sample has a cluster of fillers"
    m = clusters[0]
    words = data["transcript"]["words"]
    inside = []
    for i, w in enumerate(words):
        if not w["filler"] or not m["start"] - 0.05 <= w["start"] <= m["end"] + 0.05:
            continue
        if not (" " in (w["filler_kind"] or "") and i and words[i - 1]["filler_kind"] == w["filler_kind"]):
            inside.append(w["start"])  # (the second word of "you know" belongs to the first)
    item = page.query_selector(f"#moment-list li:has(button[data-start='{m['start']}'][data-end='{m['end']}'])")
    chips = item.query_selector_all(".events .at")
    assert [float(c.get_attribute("data-start")) for c in chips] == inside
    page.evaluate("() => { window.__seeks = []; }")
    chips[-1].click()
    assert abs(_last_seek(page) - max(0, inside[-1] - 0.4)) < 0.05
    page.context.close()
