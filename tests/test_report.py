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
