"""The small public API, options validation, and what batch work needs (pickling)."""

from __future__ import annotations

import pickle

import pytest

import podium
from podium.eval.speech import reference_fillers
from podium.eval.text import normalize, number_to_words, wer
from podium.options import AnalysisOptions, MediaOptions, SpeechOptions, VoiceOptions


def test_public_api_is_locked():
    assert podium.__all__ == sorted(podium.__all__)
    assert set(podium.__all__) == {
        "AnalysisOptions",
        "InputError",
        "MediaOptions",
        "MissingDependency",
        "ModelNotFound",
        "ParameterError",
        "PodiumError",
        "Report",
        "SpeechOptions",
        "StageError",
        "Transcript",
        "Voice",
        "VoiceOptions",
        "Word",
        "__version__",
        "analyze",
        "write_report",
    }


def test_error_tree():
    for cls in (
        podium.InputError,
        podium.ParameterError,
        podium.ModelNotFound,
        podium.MissingDependency,
        podium.StageError,
    ):
        assert issubclass(cls, podium.PodiumError)


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: VoiceOptions(pause_min_s=0), "pause_min_s"),
        (lambda: VoiceOptions(pause_min_s=1.0, long_pause_s=0.5), "long_pause_s"),
        (lambda: VoiceOptions(fmin_hz=300, fmax_hz=100), "fmin_hz"),
        (lambda: SpeechOptions(beam_size=0), "beam_size"),
        (lambda: SpeechOptions(model=" "), "model"),
        (lambda: MediaOptions(max_duration_s=-1), "max_duration_s"),
    ],
)
def test_bad_option_names_the_field_and_value(make, field):
    with pytest.raises(podium.ParameterError, match=field):
        make()


def test_options_round_trip_and_pickle():
    opts = AnalysisOptions(speech=SpeechOptions(beam_size=2), voice=VoiceOptions(long_pause_s=3.0))
    assert AnalysisOptions.from_dict(opts.to_dict()) == opts
    assert pickle.loads(pickle.dumps(opts)) == opts
    assert pickle.loads(pickle.dumps(podium.analyze)) is podium.analyze
    with pytest.raises(podium.ParameterError, match="unknown speech option"):
        AnalysisOptions.from_dict({"speech": {"beam": 3}})


def test_cli_flag_errors_are_one_line(capsys):
    from podium.cli import main

    assert main(["analyze", "x.wav", "--beam-size", "0"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "beam_size=0" in err[0]


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "zero"),
        (42, "forty two"),
        (115, "one hundred fifteen"),
        (2000, "two thousand"),
        (1_000_001, "one million one"),
    ],
)
def test_number_to_words(n, words):
    assert number_to_words(n) == words


def test_normalisation_makes_spelling_conventions_equal():
    assert normalize("Mr. Dashwood's 42-line Bible of 1455, in the 15th century!") == normalize(
        "mister dashwood's forty-two line bible of fourteen fifty-five in the fifteenth century"
    )
    assert normalize("[laughter] Umm, y'know") == ["um", "you", "know"]
    assert normalize("Ummmm, uhhhh... erm, Hmmmm") == ["um", "uh", "um", "hm"]  # however long it is written
    assert normalize("[noise] so [uh] we [laughs] [Umm] go") == ["so", "uh", "we", "um", "go"]  # a filler in brackets


def test_a_backchannel_is_one_word_and_no_filler(tmp_path):
    """ "Uh-huh" and "mm-hmm" answer; their halves are not an "uh" and an "um" to count."""
    assert normalize("Uh-huh, mm-hmm. Uh-uh!") == ["uhhuh", "mmhmm", "uhuh"]
    counts, _ = reference_fillers(tmp_path / "a.wav", "uh-huh I see um mm-hmm", {})
    assert counts == {"um": 1}


def test_a_british_er_and_erm_are_an_uh_and_an_um(tmp_path):
    """A kind is a sound: the reference's "er" is matched by a detected "uh", and costs no word in the WER."""
    counts, _ = reference_fillers(tmp_path / "a.wav", "so er we erm went, err, home", {})
    assert counts == {"uh": 2, "um": 1}
    assert wer(normalize("so er we went"), normalize("so uh we went")).errors == 0


def test_wer_counts_each_error_kind():
    r = wer(["a", "b", "c", "d"], ["a", "x", "c", "d", "e"])
    assert (r.substitutions, r.deletions, r.insertions, r.wer) == (1, 0, 1, 0.5)
    assert wer([], []).wer == 0.0
