"""Reading a reference's filler times: TextGrids in the forms other tools write them, and filler tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from podium.eval import textgrid
from podium.eval.events import Event
from podium.eval.speech import reference_fillers

WORDS = [(0.0, 0.4, "so"), (0.4, 0.9, "uh"), (0.9, 1.3, "we"), (1.3, 2.0, "um"), (2.0, 2.5, "")]
PHONES = [(0.0, 0.2, "S"), (0.2, 0.4, "OW1"), (0.4, 0.9, "AH1"), (0.9, 2.5, "")]


def _long(tiers: dict[str, list[tuple[float, float, str]]]) -> str:
    """Praat's long text format, as Praat and the Montreal Forced Aligner write it (item and interval numbers)."""
    end = max(b for ivs in tiers.values() for _, b, _ in ivs)
    out = ['File type = "ooTextFile"', 'Object class = "TextGrid"', "", "xmin = 0 ", f"xmax = {end} "]
    out += ["tiers? <exists> ", f"size = {len(tiers)} ", "item []: "]
    for n, (name, ivs) in enumerate(tiers.items(), 1):
        out += [f"    item [{n}]:", '        class = "IntervalTier" ', f'        name = "{name}" ']
        out += ["        xmin = 0 ", f"        xmax = {end} ", f"        intervals: size = {len(ivs)} "]
        for k, (a, b, label) in enumerate(ivs, 1):
            out += [f"        intervals [{k}]:", f"            xmin = {a} ", f"            xmax = {b} "]
            out += [f'            text = "{label}" ']
    return "\n".join(out) + "\n"


def _short(tiers: dict[str, list[tuple[float, float, str]]]) -> str:
    end = max(b for ivs in tiers.values() for _, b, _ in ivs)
    out = ['File type = "ooTextFile"', 'Object class = "TextGrid"', "", "0", str(end), "<exists>", str(len(tiers))]
    for name, ivs in tiers.items():
        out += ['"IntervalTier"', f'"{name}"', "0", str(end), str(len(ivs))]
        for a, b, label in ivs:
            out += [str(a), str(b), f'"{label}"']
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("form", [_long, _short])
def test_both_text_formats_give_the_same_intervals(tmp_path: Path, form):
    path = tmp_path / "a.TextGrid"
    path.write_text(form({"words": WORDS, "phones": PHONES}))
    assert textgrid.tiers(path) == {"words": WORDS, "phones": PHONES}
    assert textgrid.words(path) == WORDS


@pytest.mark.parametrize(
    "names", [("spk1 - words", "spk1 - phones"), ("Words", "Phones"), ("ORT word", "segments"), ("transcript",)]
)
def test_the_word_tier_is_found_whatever_its_name(tmp_path: Path, names):
    """The aligner names a speaker's tiers "NAME - words"; other tools "Words", "ORT word"; a file of one tier is
    its words. A tier of phones is never read as words."""
    path = tmp_path / "a.TextGrid"
    path.write_text(_long(dict(zip(names, [WORDS, PHONES], strict=False))))
    assert textgrid.words(path) == WORDS


def test_two_speakers_word_tiers_are_merged_in_time(tmp_path: Path):
    path = tmp_path / "a.TextGrid"
    a, b = [(0.0, 1.0, "uh"), (1.0, 3.0, "")], [(0.0, 1.5, ""), (1.5, 2.0, "um"), (2.0, 3.0, "")]
    path.write_text(_long({"A - words": a, "A - phones": PHONES, "B - words": b}))
    assert [iv for iv in textgrid.words(path) if iv[2]] == [(0.0, 1.0, "uh"), (1.5, 2.0, "um")]


def test_a_textgrid_without_words_says_so(tmp_path: Path):
    path = tmp_path / "a.TextGrid"
    path.write_text(_long({"phones": PHONES, "tones": [(0.0, 2.5, "H*")]}))
    with pytest.raises(ValueError, match="no word tier"):
        textgrid.words(path)


def test_a_utf16_textgrid_is_read(tmp_path: Path):
    """Praat saves a TextGrid as UTF-16 when a label needs it."""
    path = tmp_path / "a.TextGrid"
    path.write_bytes(_long({"words": [(0.0, 0.5, "café"), (0.5, 1.0, "euh")]}).encode("utf-16"))
    assert textgrid.words(path) == [(0.0, 0.5, "café"), (0.5, 1.0, "euh")]


def test_an_aligners_long_textgrid_times_the_reference_fillers(tmp_path: Path):
    """``podium eval speech`` scores fillers as timed events from an aligner's TextGrid (long format, a speaker's
    word tier), not by count alone."""
    media = tmp_path / "talk.wav"
    media.with_suffix(".TextGrid").write_text(_long({"spk - words": WORDS, "spk - phones": PHONES}))
    counts, timed = reference_fillers(media, "so uh we um", {})
    assert counts == {"uh": 1, "um": 1}
    assert timed == [Event("uh", 0.4, 0.9), Event("um", 1.3, 2.0)]


def test_a_textgrid_that_gives_no_times_is_named_in_a_warning(tmp_path: Path, caplog):
    """A TextGrid that is there but gives no word times leaves the fillers counted, and says why, so that a
    scorer does not take counts for timed events."""
    media = tmp_path / "talk.wav"
    media.with_suffix(".TextGrid").write_text(_long({"phones": PHONES}))
    with caplog.at_level("WARNING", logger="podium"):
        counts, timed = reference_fillers(media, "so uh we um", {})
    assert (counts, timed) == ({"uh": 1, "um": 1}, None)
    assert "talk.TextGrid: no word times read (no word tier among its tiers ['phones'])" in caplog.text


@pytest.mark.parametrize(
    "table",
    [
        "start\tend\tword\n0.4\t0.9\tuh\n1.3\t2.0\tum\n",
        "start,end,word\n0.4,0.9,uh\n1.3,2.0,um\n",  # as a spreadsheet saves it
        "label\tstart\tend\nuh\t0.4\t0.9\num\t1.3\t2.0\n",  # columns by name
    ],
)
def test_a_filler_table_is_read_by_its_columns(tmp_path: Path, table):
    media = tmp_path / "talk.wav"
    media.with_name("talk.fillers.tsv").write_text(table)
    assert reference_fillers(media, "so uh we um", {})[1] == [Event("uh", 0.4, 0.9), Event("um", 1.3, 2.0)]


def test_a_filler_table_row_without_times_is_named(tmp_path: Path, caplog):
    media = tmp_path / "talk.wav"
    media.with_name("talk.fillers.tsv").write_text("start\tend\tword\n0.4\t0.9\tuh\nsoon\tlater\tum\n")
    with caplog.at_level("WARNING", logger="podium"):
        _, timed = reference_fillers(media, "so uh we", {})
    assert timed == [Event("uh", 0.4, 0.9)]
    assert "talk.fillers.tsv: lines 3 give no start, end and word" in caplog.text


def test_an_aligners_placeholder_filler_is_no_filler(tmp_path: Path):
    """A forced aligner gives a word it cannot place one 10 ms frame (MFA's cold_corpus: "the uh(7.01-7.02) uh
    acoustic", one "uh" said): such a placeholder is not timed as a filler, so the reference's times agree with its
    text and the fillers are scored as events."""
    media = tmp_path / "talk.wav"
    words = [(6.94, 7.01, "the"), (7.01, 7.02, "uh"), (7.02, 7.31, ""), (7.31, 7.86, "uh"), (7.89, 8.53, "acoustic")]
    media.with_suffix(".TextGrid").write_text(_long({"words": words}))
    assert reference_fillers(media, "the uh acoustic", {}) == ({"uh": 1}, [Event("uh", 7.31, 7.86)])


def _talk(folder: Path, seconds: float = 2.0) -> Path:
    """A silent recording with a reference that says one "uh" and times it at 0.4-0.9 s."""
    import wave

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "talk.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"\0\0" * int(seconds * 16000))
    path.with_suffix(".txt").write_text("so uh we")
    path.with_name("talk.fillers.tsv").write_text("start\tend\tword\n0.4\t0.9\tuh\n")
    return path


@pytest.mark.parametrize(("tolerance", "hit"), [(1.0, True), (0.5, True), (0.3, False), (0.0, False)])
def test_the_tolerance_decides_how_far_a_timed_hit_may_lie(tmp_path: Path, tolerance: float, hit: bool):
    """A filler found 0.5 s after the reference's is a hit within 0.5 s, a miss and a false alarm within 0.3."""
    from podium.eval.speech import evaluate
    from podium.fillers import mark
    from podium.types import Word

    _talk(tmp_path)
    found = mark([Word("so", 0.0, 0.3, 1.0), Word("uh", 1.4, 1.7, 1.0), Word("we", 1.7, 1.9, 1.0)])
    result = evaluate(tmp_path, words_of=lambda audio: found, tolerance_s=tolerance)
    assert result.filler_scores(("uh",))["tp"] == int(hit)
    assert result.to_dict()["tolerance_s"] == tolerance


def test_a_negative_tolerance_is_refused_on_the_command_line(tmp_path: Path, capsys):
    from podium.cli import main

    _talk(tmp_path)
    assert main(["eval", "speech", str(tmp_path), "--tolerance", "-1"]) == 1
    assert "tolerance_s=-1.0: must be 0 or more" in capsys.readouterr().err
