"""Every sentence a reader sees, by rule: the report page of every shared sample and of the edge cases (no speech, no
face, 5 seconds, an hour), rendered in a real browser, read for the defects readers met."""

from __future__ import annotations

import re

import numpy as np
import pytest

import podium

from .media_fixtures import encode, read_speech, write_wav

pytestmark = pytest.mark.samples

# "Try: Try a silent pause", "Fillers 0 ()", "DESIGN.md section 4", "2026-12-03T22:34:31+00:00", a grade of -0.5,
# "Aim:" with nothing after it, Python's None or a NaN, 62:10 for an hour and two minutes
RULES = {
    "a repeated word": re.compile(r"\b(\w+):? \1\b", re.IGNORECASE),
    "empty brackets": re.compile(r"\(\s*\)|\[\s*\]"),
    "an internal file name": re.compile(r"DESIGN\.md|HOUSE_STYLE|coach\.toml|\b\w+\.py\b"),
    "a raw ISO timestamp": re.compile(r"\d{4}-\d\d-\d\dT\d\d:"),
    "a negative school grade": re.compile(r"grade\D{0,40}-\d"),
    "an empty aim": re.compile(r"\bAim:\s*(\n|$)", re.IGNORECASE),
    "a programming value": re.compile(r"\b(None|NaN|nan|undefined|null|Infinity)\b"),
    "minutes past 59": re.compile(r"(?<![\d:.])([6-9]\d|\d{3,}):[0-5]\d"),
}


def defects(text: str) -> list[str]:
    """What breaks a rule in ``text``, each with its context."""
    out = []
    for rule, pattern in RULES.items():
        for m in pattern.finditer(text):
            a, b = max(0, m.start() - 40), m.end() + 40
            out.append(f"{rule}: ...{text[a:b]!r}...")
    return out


def page_text(browser, html) -> str:
    """The page's own sentences: the transcript and the speaker's words quoted in moments are theirs, restarts and
    all."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(html.resolve().as_uri())
        page.wait_for_selector("html[data-ready]")
        text = page.evaluate(
            "() => document.body.innerText.replace(document.getElementById('transcript').innerText, '')"
        )
    finally:
        page.close()
    return re.sub(r"“[^”]*”", "“…”", text)


@pytest.fixture(scope="module")
def edge_reports(samples, tmp_path_factory):
    d = tmp_path_factory.mktemp("edges")
    speech = read_speech(samples)
    sr = 16000
    # an hour: a minute of speech, 58 minutes of room tone, a minute of speech (times past an hour, in one analysis)
    hour = np.concatenate(
        [
            speech[: 60 * sr],
            np.random.default_rng(0).normal(0, 0.002, 58 * 60 * sr).astype(np.float32),
            speech[-60 * sr :],
        ]
    )
    inputs = {
        "edge/no speech": write_wav(d / "room.wav", np.random.default_rng(1).normal(0, 0.002, 8 * sr)),
        "edge/no face": encode(d / "noface.mp4", audio=speech[: 20 * sr], video_s=20),
        "edge/5 seconds": write_wav(d / "five.wav", speech[: 5 * sr]),
        "edge/an hour": write_wav(d / "hour.wav", hour),
    }
    return {name: podium.analyze(path) for name, path in inputs.items()}


def test_every_report_reads_well(browser, shared_reports, edge_reports, tmp_path):
    found = {}
    texts = {}
    for name, report in {**shared_reports, **edge_reports}.items():
        folder = tmp_path / name.replace("/", "_").replace(" ", "_")
        html = podium.write_report(report, folder)["html"]
        texts[name] = page_text(browser, html)
        if bad := defects(texts[name]):
            found[name] = bad
    assert not found, "\n".join(f"{k}: {v}" for k, v in found.items())
    assert len(texts) >= 40
    # the rules let the pages say what they must
    assert "Try a silent pause" in texts["speech_disfluent/mfa_acoustic_corpus.wav"].replace("try a", "Try a")
    assert "No speech was recognised" in texts["edge/no speech"]
    assert re.search(r"\b1:0[01]:\d\d", texts["edge/an hour"]), "times past an hour as h:mm:ss"


@pytest.mark.parametrize(
    "text",
    [
        "Try: Try a silent pause",
        "Fillers 0 ()",
        "as DESIGN.md section 4 says",
        "made 2026-12-03T22:34:31+00:00",
        "reading grade -0.5",
        "Aim:\nnext",
        "pace None wpm",
        "at 62:10",
    ],
)
def test_each_rule_catches_what_it_is_for(text):
    assert defects(text), text


def test_the_rules_pass_plain_sentences():
    ok = "Slow down a little at 1:02:10. Fillers: 2 (um 1, uh 1). Aim: 100–165 wpm. Reading grade under 1. 4:59."
    assert defects(ok) == []
