"""report.json contract, subtitles, the plain HTML page; run on the fake recogniser."""

from __future__ import annotations

import json
import re

import pytest

import podium
from podium.report import SCHEMA_VERSION, from_dict, read, to_dict, to_srt, to_vtt
from podium.testing import FakeRecognizer
from podium.types import Word

from .media_fixtures import speechlike, write_wav

WORDS = [
    Word("So,", 0.1, 0.3, 0.9),
    Word("um,", 0.35, 0.6, 0.8),
    Word("<script>alert(1)</script>", 0.7, 1.0, 0.5),
    Word("is", 1.05, 1.2, 0.9),
    Word("fine.", 1.2, 1.6, 0.95),
    Word("Next", 2.6, 2.9, 0.9),
    Word("part.", 2.9, 3.4, 0.9),
]


@pytest.fixture
def report(tmp_path):
    wav = write_wav(tmp_path / "talk.wav", speechlike(4.0))
    return podium.analyze(wav, recognizer=FakeRecognizer(WORDS))


def test_json_has_the_contract_fields(report, tmp_path):
    paths = podium.write_report(report, tmp_path / "out")
    data = json.loads(paths["json"].read_text())
    assert data["schema_version"] == SCHEMA_VERSION
    for key in ("podium_version", "created_at", "source", "transcript", "voice", "summary"):
        assert key in data
    assert set(data["source"]) >= {"path", "sha256", "duration_s", "has_audio", "has_video", "width", "height", "fps"}
    assert set(data["transcript"]) >= {"language", "text", "words", "segments"}
    assert set(data["transcript"]["words"][0]) >= {"text", "start", "end", "confidence", "filler", "filler_kind"}
    assert set(data["voice"]) >= {
        "wpm",
        "articulation_wpm",
        "speaking_time_s",
        "pauses",
        "long_pauses",
        "pace_timeline",
        "pitch",
        "loudness",
    }
    assert set(data["voice"]["pitch"]) >= {"median_hz", "variation_st", "monotone_spans"}
    assert set(data["voice"]["loudness"]) >= {"median_dbfs", "variation_db"}
    fillers = [w for w in data["transcript"]["words"] if w["filler"]]
    assert [w["filler_kind"] for w in fillers] == ["so", "um"]
    assert data["summary"]["fillers"] == 2
    json.dumps(data, allow_nan=False)  # strictly JSON


def test_json_has_language_and_feedback_blocks(tmp_path):
    words = [
        Word(w, 0.5 * k, 0.5 * k + 0.4, 0.9)
        for k, w in enumerate(
            ("So, um, I think we should, uh, just ship. " * 12 + "Hey guys. That's all I have.").split()
        )
    ]
    wav = write_wav(tmp_path / "talk.wav", speechlike(len(words) * 0.5 + 1))
    report = podium.analyze(wav, recognizer=FakeRecognizer(words))
    data = json.loads(podium.write_report(report, tmp_path / "out")["json"].read_text())
    lang, fb = data["language"], data["feedback"]
    assert set(lang["fillers"]) == {"count", "per_min", "ratio", "by_word"} and lang["fillers"]["by_word"]["um"] == 12
    assert {"hedges", "repetitions", "sentiment", "key_phrases", "readability", "sensitive"} <= set(lang)
    assert set(lang["sentiment"]) >= {"compound", "sentences", "arc"}
    assert set(fb) >= {"overall", "scores", "moments", "strengths", "priorities", "coverage"}
    assert set(fb["scores"]) >= {"pace", "fillers", "pauses", "vocal_variety", "language"}
    assert all(set(m) >= {"start", "end", "kind", "severity", "evidence", "tip"} for m in fb["moments"])
    assert data["summary"]["overall_score"] == fb["overall"]
    html = (tmp_path / "out" / "report.html").read_text()
    assert "id='podium-data'" in html and '"feedback":{"overall"' in html
    csv_rows = (tmp_path / "out" / "metrics.csv").read_text().splitlines()
    assert csv_rows[0].startswith("dimension,score,band,value,target")
    assert {r.split(",")[0] for r in csv_rows} >= {"pace", "fillers", "pauses", "vocal_variety", "language", "overall"}


def test_major_version_mismatch_is_refused(tmp_path):
    with pytest.raises(podium.InputError, match="schema_version"):
        from_dict({"schema_version": "99.0", "source": {}})
    (tmp_path / "report.json").write_text("{not json")
    with pytest.raises(podium.InputError, match=r"not a report\.json"):
        read(tmp_path)


def test_report_json_reads_back_into_the_same_report(report, tmp_path):
    podium.write_report(report, tmp_path / "out")
    written = json.loads((tmp_path / "out" / "report.json").read_text())
    again = read(tmp_path / "out")
    assert again.feedback == report.feedback and again.transcript == report.transcript
    assert to_dict(again) == written


def test_html_escapes_words_from_the_recording(report, tmp_path):
    html = podium.write_report(report, tmp_path / "out")["html"].read_text()
    assert "<script>alert(1)</script>" not in html
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in html  # inert inside the JSON block
    assert html.lower().count("<script") == 2  # the data block and the page's own code, nothing else
    assert not re.search(r"(src|href)=['\"]?(https?:)?//", html)  # and it fetches nothing


def test_subtitles_are_well_formed():
    srt, vtt = to_srt(WORDS), to_vtt(WORDS)
    blocks = srt.strip().split("\n\n")
    assert len(blocks) == 2  # split after "fine." (sentence end and a 1 s gap)
    assert blocks[0].splitlines()[1] == "00:00:00,100 --> 00:00:01,600"
    assert "um," in blocks[0]
    assert vtt.startswith("WEBVTT\n\n00:00:00.100 --> 00:00:01.600\n")
    assert "&lt;script&gt;" in vtt


def test_long_cue_is_split_in_two_lines():
    ws = [Word(f"word{k}", k * 0.2, k * 0.2 + 0.15, 0.9) for k in range(14)]
    cue = to_srt(ws).split("\n\n")[0].splitlines()
    assert len(cue) == 4 and all(len(line) <= 42 for line in cue[2:])


def test_write_refuses_a_file_as_folder(report, tmp_path):
    f = tmp_path / "taken"
    f.write_text("x")
    with pytest.raises(podium.InputError, match="not a folder"):
        podium.write_report(report, f)


def test_no_temporary_files_left(report, tmp_path):
    out = tmp_path / "out"
    podium.write_report(report, out)
    assert sorted(p.name for p in out.iterdir()) == [
        "media",
        "metrics.csv",
        "report.html",
        "report.json",
        "transcript.srt",
        "transcript.vtt",
    ]
    assert [p.name for p in (out / "media").iterdir()] == ["talk.wav"]


# Machado, Oliveira & Fernandes (2009), "A physiologically-based model for simulation of color vision deficiency",
# severity 1.0, on linear RGB
_CVD = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
}
# what shares a lane of the timeline, so that only colour tells it apart
_LANES = [("major moment", "minor moment"), ("pause", "long pause", "filler"), ("eye contact", "smile")]


def _legend_colours() -> dict[str, str]:
    """The timeline legend's colours by label, read from report.js (constants and CSS variables resolved)."""
    import re
    from importlib import resources

    js = resources.files("podium.report").joinpath("assets", "report.js").read_text()
    css = resources.files("podium.report").joinpath("assets", "report.css").read_text()
    names = dict(re.findall(r'\b([A-Z]+) = "(#[0-9a-f]{6})"', js))
    names.update(re.findall(r"const ([A-Z]+) = \"(#[0-9a-f]{6})\"", js))
    vars_ = dict(re.findall(r"--([a-z]+):(#[0-9a-f]{6})", css))
    legend = js[js.index("const legend = ") : js.index('id: "timeline"')]  # the timeline's, not the transcript's
    out = {}
    for value, label in re.findall(r'\{style: "background:(?:" \+ )?([#\w()-]+)[^}]*\}\), "([a-z ]+)"', legend):
        colour = names.get(value) or vars_.get(value.removeprefix("var(--").removesuffix(")")) or value
        out[label] = colour
    return out


def _lab(rgb_linear):
    import numpy as np

    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ rgb_linear
    xyz = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _delta_e(a: str, b: str, deficiency: str | None) -> float:
    import numpy as np

    def linear(h: str):
        c = np.array([int(h[i : i + 2], 16) for i in (1, 3, 5)]) / 255
        c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
        return np.clip(np.array(_CVD[deficiency]) @ c, 0, 1) if deficiency else c

    return float(np.linalg.norm(_lab(linear(a)) - _lab(linear(b))))


def test_timeline_colours_stay_apart_for_colour_blind_readers():
    """Colours that share a lane differ by at least 10 (CIE76 ΔE) in normal vision and under simulated protanopia,
    deuteranopia and tritanopia; a major and a minor moment were 8.4 apart for a deuteranope (red and brown)."""
    colours = _legend_colours()
    assert {label for lane in _LANES for label in lane} <= set(colours), colours
    close = []
    for lane in _LANES:
        for i, a in enumerate(lane):
            for b in lane[i + 1 :]:
                for deficiency in (None, *_CVD):
                    d = _delta_e(colours[a], colours[b], deficiency)
                    if d < 10:
                        close.append(f"{a} {colours[a]} ~ {b} {colours[b]}: {d:.1f} ({deficiency or 'normal'})")
    assert not close, close
    assert _delta_e("#b3261e", "#9a5b00", "deuteranopia") < 10  # the check sees the old pair as too close
