"""Slides: decks read, which slide when (video, timing file, words), reading from them, and bad decks refused.

The material is made here at test time: decks whose pages hold the exact text of
the shared LJSpeech read talk (``conftest._lj_talk``, already analysed by the
``controlled`` fixture), a deck of unrelated text, and a screen recording made
from a rendered deck with known change times.
"""

from __future__ import annotations

import glob
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from podium import media, slides
from podium.coach import assess
from podium.errors import InputError

from .media_fixtures import pdf_deck, pptx_deck, slides_video, speechlike, write_wav

PER_SLIDE = 4  # LJSpeech sentences per slide
GAP_S = 0.35  # as conftest._lj_talk joins them

UNRELATED = [
    "Quarterly revenue grew in every region while operating costs fell for the third year running",
    "Our customer satisfaction survey shows strong results across retail banking and insurance lines",
    "Next year we will invest in cloud infrastructure, data security and staff training programmes",
    "Questions and discussion: thank you for your attention and for your support this year",
]


def _lj(samples):
    files = sorted(glob.glob(str(samples / "speech_clean" / "ljspeech_*.wav")))
    durations = [media.probe(f).duration_s + GAP_S for f in files]
    starts = np.concatenate([[0.0], np.cumsum(durations)])
    texts = [Path(f[:-4] + ".txt").read_text(encoding="utf-8").strip() for f in files]
    deck_texts = [" ".join(texts[i : i + PER_SLIDE]) for i in range(0, len(files), PER_SLIDE)]
    truth = [float(starts[i]) for i in range(0, len(files), PER_SLIDE)]
    return deck_texts, truth


def _times(path, deck, report):
    """A timing file read as the pipeline reads it."""
    return slides.timing.from_file(path, len(deck.slides), report.source.duration_s)


@pytest.fixture(scope="module")
def lj(samples, controlled, tmp_path_factory):
    d = tmp_path_factory.mktemp("decks")
    texts, truth = _lj(samples)
    return {
        "report": controlled["original"],
        "path": controlled["paths"]["original"],
        "truth": truth,
        "read": slides.read_deck(pdf_deck(d / "read.pdf", texts)),
        "unrelated": slides.read_deck(pdf_deck(d / "unrelated.pdf", UNRELATED)),
        "dir": d,
    }


def test_a_pdf_deck_gives_its_text_and_font_size(tmp_path):
    deck = slides.read_deck(pdf_deck(tmp_path / "d.pdf", ["One two three four five six", "Seven"], font_pt=16))
    assert deck.kind == "pdf" and [s.number for s in deck.slides] == [1, 2]
    assert deck.slides[0].text == "One two three four five six"
    assert deck.slides[0].min_font_pt == 16  # 22 characters at 16 pt
    assert deck.slides[1].min_font_pt is None  # too few characters to say


def test_a_pptx_deck_gives_titles_text_notes_and_font_sizes(tmp_path):
    deck = slides.read_deck(
        pptx_deck(
            tmp_path / "d.pptx",
            [
                ("Welcome", "Why we are here today and what we will cover", "Thank everyone for coming."),
                ("End", "", ""),
            ],
            font_pt=14,
        )
    )
    assert deck.kind == "pptx" and len(deck.slides) == 2
    one = deck.slides[0]
    assert one.title == "Welcome"
    assert "what we will cover" in one.text
    assert one.notes == "Thank everyone for coming."
    assert one.min_font_pt == 14
    assert deck.slides[1].notes == ""


@pytest.mark.samples
def test_a_deck_holding_the_words_read_is_flagged_as_read_at_the_right_times(lj):
    rep = lj["report"]
    used = slides.analyze(lj["read"], rep.transcript, rep.source.duration_s)
    assert used.timing == "speech"
    assert used.confidence >= 0.75
    for u, start in zip(used.slides, lj["truth"], strict=True):
        assert u.start is not None and abs(u.start - start) <= 2.0, (u.number, u.start, start)
        assert u.read_share >= 0.8, (u.number, u.read_share)
        assert u.reading and abs(u.reading[0].start - start) <= 2.0, (u.number, u.reading[0], start)
    fb = assess(rep.transcript, rep.voice, rep.language, slides=used)
    read = [m for m in fb.moments if m.kind == "read_slide"]
    assert len(read) == len(used.slides)
    score = next(s for s in fb.scores if s.dimension == "slides")
    assert score.score is not None and score.score <= 40
    assert score.value.startswith(f"{len(used.slides)} of {len(used.slides)} slides read aloud")


@pytest.mark.samples
def test_a_deck_of_other_words_on_the_same_talk_is_not_read(lj):
    rep = lj["report"]
    used = slides.analyze(lj["unrelated"], rep.transcript, rep.source.duration_s)
    assert all(u.read_share == 0 for u in used.slides)
    assert used.confidence < 0.5  # and the report says the times are approximate
    fb = assess(rep.transcript, rep.voice, rep.language, slides=used)
    assert not [m for m in fb.moments if m.kind == "read_slide"]


@pytest.mark.samples
def test_a_timing_file_gives_the_same_per_slide_times(lj, tmp_path):
    rep = lj["report"]
    lines = [f"{int(t // 60)}:{t % 60:05.2f}" for t in lj["truth"]]
    times = tmp_path / "times.txt"
    times.write_text("# start of each slide\n" + "\n".join(lines) + "\n")
    used = slides.analyze(lj["read"], rep.transcript, rep.source.duration_s, times=_times(times, lj["read"], rep))
    assert used.timing == "file"
    assert [u.start for u in used.slides] == [round(t, 2) for t in lj["truth"]]
    ends = [u.end for u in used.slides]
    assert ends[:-1] == [round(t, 2) for t in lj["truth"][1:]] and ends[-1] == pytest.approx(
        rep.source.duration_s, abs=0.01
    )
    assert all(u.read_share >= 0.8 for u in used.slides)
    tight = slides.analyze(
        lj["read"], rep.transcript, rep.source.duration_s, times=_times(times, lj["read"], rep), target_s=40
    )
    fb = assess(rep.transcript, rep.voice, rep.language, slides=tight)
    long = [m for m in fb.moments if m.kind == "long_slide"]
    assert len(long) == len(used.slides) and "its share of the 0:40 target is 0:10" in long[0].evidence
    pairs = tmp_path / "pairs.csv"  # "slide, time" in any order
    pairs.write_text("".join(f"{i + 1}, {t:.2f}\n" for i, t in reversed(list(enumerate(lj["truth"])))))
    again = slides.analyze(lj["read"], rep.transcript, rep.source.duration_s, times=_times(pairs, lj["read"], rep))
    assert [u.start for u in again.slides] == [round(t, 2) for t in lj["truth"]]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("1:00\nsoon\n", "line 2: 'soon' is not a start time"),
        ("9, 0:10\n", "slide 9, but the deck has 4"),
        ("0\n9:00\n", "past the end of the recording"),
        ("# nothing\n", "holds no slide times"),
    ],
)
def test_a_bad_timing_file_is_refused_with_the_line(tmp_path, content, message):
    p = tmp_path / "t.txt"
    p.write_text(content)
    with pytest.raises(InputError, match=message):
        slides.timing.from_file(p, 4, 120.0)


def test_a_screen_recording_is_segmented_at_each_change_and_matched_to_its_page(tmp_path):
    texts = [f"Part {n}: " + t for n, t in enumerate(UNRELATED, 1)]
    deck = slides.read_deck(pdf_deck(tmp_path / "d.pdf", texts))
    pages = slides.render(deck, 640)
    assert pages is not None
    order = [1, 2, 3, 2, 4]  # back to slide 2 once
    changes = [0.0, 3.2, 7.9, 11.3, 13.0]
    video = slides_video(tmp_path / "screen.mp4", [pages[i - 1] for i in order], changes, seconds=16.0)
    found = slides.timing.from_video(video, slides.render(deck, 160) or [])
    assert found is not None
    assert [s for s, _ in found] == order
    for (_, t), want in zip(found, changes, strict=True):
        assert abs(t - want) <= 0.5, (t, want)


def test_a_video_that_does_not_show_the_deck_is_not_taken_for_slides(tmp_path):
    from .media_fixtures import encode

    deck = slides.read_deck(pdf_deck(tmp_path / "d.pdf", UNRELATED))
    video = encode(tmp_path / "talk.mp4", audio=speechlike(4.0), video_s=4.0)
    assert slides.timing.from_video(video, slides.render(deck, 160) or []) is None


def _podium(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "podium", *map(str, args)], capture_output=True, text=True, cwd=cwd)


def _bad_decks(d):
    (d / "notes.pdf").write_text("these are my notes, not a PDF\n")
    (d / "empty.pdf").write_bytes(b"")
    (d / "zero.pdf").write_bytes(
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    pdf_deck(d / "locked.pdf", ["secret"], password="s3cret")
    from pptx import Presentation

    Presentation().save(str(d / "blank.pptx"))
    (d / "folder.pdf").mkdir()
    return {
        "missing.pdf": "no such deck",
        "notes.pdf": "is not a deck Podium can read",
        "empty.pdf": "is not a deck Podium can read",
        "zero.pdf": "is not a readable PDF",
        "locked.pdf": "the PDF is encrypted",
        "blank.pptx": "the deck has no slides",
        "folder.pdf": "is not a file",
    }


def test_bad_decks_are_refused_before_any_work_and_nothing_is_written(tmp_path):
    talk = write_wav(tmp_path / "talk.wav", speechlike(2.0))
    for name, message in _bad_decks(tmp_path).items():
        out = tmp_path / f"out-{name}"
        r = _podium("analyze", talk, "--slides", tmp_path / name, "--out", out)
        assert r.returncode == 1, (name, r.stderr)
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in r.stderr, (name, r.stderr)
        assert message in lines[0], (name, lines[0])
        assert not out.exists(), name
    r = _podium("analyze", talk, "--slide-times", tmp_path / "t.txt", "--out", tmp_path / "o")
    assert r.returncode == 1 and "need --slides" in r.stderr


@pytest.mark.samples
def test_the_talk_is_analysed_without_a_bad_deck_when_the_deck_is_optional(samples, tmp_path):
    _bad_decks(tmp_path)
    out = tmp_path / "out"
    src = samples / "speech_clean" / "jfk.flac"
    r = _podium("analyze", src, "--slides", tmp_path / "locked.pdf", "--slides-optional", "--out", out, "-q")
    assert r.returncode == 0, r.stderr
    d = json.loads((out / "report.json").read_text())
    assert d["slides"] is None
    assert any("The slides were not analysed" in n and "encrypted" in n for n in d["notes"])


@pytest.mark.samples
def test_analyze_with_a_deck_and_times_writes_the_slides_section_and_strip(lj, tmp_path, browser):
    times = tmp_path / "times.txt"
    times.write_text("\n".join(f"{t:.2f}" for t in lj["truth"]) + "\n")
    out = tmp_path / "out"
    deck = lj["dir"] / "read.pdf"
    r = _podium(
        "analyze", lj["path"], "--slides", deck, "--slide-times", times, "--target-minutes", "1.5", "--out", out
    )
    assert r.returncode == 0, r.stderr
    assert "Slides    4 of 4 shown; 4 of 4 slides read aloud" in r.stdout and "(times from the timing file)" in r.stdout
    d = json.loads((out / "report.json").read_text())
    assert tuple(map(int, d["schema_version"].split("."))) >= (1, 5)  # slides came with 1.5
    s = d["slides"]
    assert s["deck"] == "read.pdf" and s["timing"] == "file" and s["target_s"] == 90
    assert [u["start"] for u in s["slides"]] == [round(t, 2) for t in lj["truth"]]
    kinds = {m["kind"] for m in d["feedback"]["moments"] if m["dimension"] == "slides"}
    assert {"read_slide", "crowded_slide", "over_time"} <= kinds
    assert "long_slide" not in kinds  # none took twice its share (22.5 s) of the 90 s target
    over = next(m for m in d["feedback"]["moments"] if m["kind"] == "over_time")
    assert over["start"] == 90.0 and "slide 4" in over["evidence"]
    html = (out / "report.html").read_text()
    assert html.count("data:image/jpeg;base64,") == len(s["slides"])  # a thumbnail per page, inside the page
    # in the page, a read slide's moment lists each stretch read from it, each playable on its own
    page = browser.new_page()
    page.goto((out / "report.html").resolve().as_uri())
    page.wait_for_selector("html[data-ready]")
    for m in (m for m in d["feedback"]["moments"] if m["kind"] == "read_slide"):
        stretches = [
            r["start"] for u in s["slides"] for r in u["reading"] if m["start"] - 0.05 <= r["start"] <= m["end"]
        ]
        item = next(
            li
            for li in page.query_selector_all("#moment-list li")
            if (b := li.query_selector("button.moment")) is not None
            and float(b.get_attribute("data-start")) == m["start"]
            and float(b.get_attribute("data-end")) == m["end"]
        )
        chips = [float(c.get_attribute("data-start")) for c in item.query_selector_all(".events .at")]
        assert chips == (stretches if len(stretches) > 1 else []), (m, stretches, chips)
    page.close()


@pytest.mark.samples
def test_speaker_notes_said_word_for_word_are_noted_not_penalised(lj, tmp_path):
    rep = lj["report"]
    notes = [s.text for s in lj["read"].slides]  # the words he reads are in the notes, not on the slides
    deck = slides.read_deck(
        pptx_deck(tmp_path / "n.pptx", [(f"Part {i}", UNRELATED[i], n) for i, n in enumerate(notes)], font_pt=24)
    )
    times = tmp_path / "t.txt"
    times.write_text("\n".join(f"{t:.2f}" for t in lj["truth"]))
    used = slides.analyze(deck, rep.transcript, rep.source.duration_s, times=_times(times, deck, rep))
    assert all(u.read_share == 0 for u in used.slides)
    assert all(u.notes_read_share is not None and u.notes_read_share >= 0.8 for u in used.slides)
    fb = assess(rep.transcript, rep.voice, rep.language, slides=used)
    mine = [m for m in fb.moments if m.dimension == "slides"]
    assert {m.kind for m in mine} == {"notes_read"} and all(m.severity == "minor" for m in mine)
    score = next(s for s in fb.scores if s.dimension == "slides")
    assert score.score == 100


@pytest.mark.samples
def test_a_talk_recorded_with_its_slides_on_screen_takes_its_slide_times_from_the_video(samples, tmp_path):
    import podium
    from podium.options import AnalysisOptions, SlideOptions

    words = (samples / "speech_clean" / "jfk.txt").read_text().split()
    texts = [" ".join(words[:8]), "Something else entirely, a chart", " ".join(words[8:])]
    deck = slides.read_deck(pdf_deck(tmp_path / "d.pdf", texts))
    pages = slides.render(deck, 640)
    assert pages is not None
    sound = media.load(samples / "speech_clean" / "jfk.flac").audio.samples
    changes = [0.0, 4.1, 6.6]
    video = slides_video(tmp_path / "talk.mp4", pages, changes, seconds=len(sound) / 16000, audio=sound)
    options = AnalysisOptions(slides=SlideOptions(str(deck.path)), analyze_face=False)
    report = podium.analyze(video, options)
    s = report.slides
    assert s is not None and s.timing == "video" and s.confidence == 1.0
    for u, want in zip(s.slides, changes, strict=True):
        assert u.start is not None and abs(u.start - want) <= 0.5, (u.number, u.start, want)
    assert s.slides[0].read_share >= 0.8 and s.slides[1].read_share == 0


def test_a_deck_with_rehearsed_timings_gives_the_slide_times(tmp_path):
    """PowerPoint keeps Rehearse Timings in the .pptx (each transition's advance-after, in ms)."""
    from lxml import etree
    from pptx import Presentation

    path = pptx_deck(tmp_path / "r.pptx", [("One", "a", ""), ("Two", "b", ""), ("Three", "c", "")])
    prs = Presentation(str(path))
    ns = "http://schemas.openxmlformats.org/presentationml/2006/main"
    for slide, ms in zip(prs.slides, [12500, 30000], strict=False):
        slide._element.append(etree.fromstring(f'<p:transition xmlns:p="{ns}" advTm="{ms}"/>'))
    prs.save(str(path))
    assert slides.timing.from_file(path, 3, 120.0) == [(1, 0.0), (2, 12.5), (3, 42.5)]
    bare = pptx_deck(tmp_path / "bare.pptx", [("One", "a", ""), ("Two", "b", "")])
    with pytest.raises(InputError, match="slide 1 has no rehearsed time"):
        slides.timing.from_file(bare, 2, 120.0)


def test_thumbnails_are_made_from_a_pdf_only_and_never_fail_a_report(tmp_path):
    good = pdf_deck(tmp_path / "d.pdf", ["One", "Two"])
    pics = slides.thumbnails(good)
    assert pics is not None and len(pics) == 2 and all(p.startswith("data:image/jpeg;base64,") for p in pics)
    (tmp_path / "cut.pdf").write_bytes(good.read_bytes()[:200])  # a damaged deck
    assert slides.thumbnails(tmp_path / "cut.pdf") is None
    assert slides.thumbnails(pptx_deck(tmp_path / "d.pptx", [("T", "b", "")])) is None
    assert slides.thumbnails(tmp_path / "gone.pdf") is None
