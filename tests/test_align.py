"""Forced alignment of recognised words (``podium.align``), against a hand-checked aligner's word times."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from podium import align, media
from podium.eval import textgrid
from podium.types import Audio, Word


def _reference(samples) -> tuple[Audio, list[Word]]:
    """mfa_acoustic_corpus and its TextGrid's words (the Montreal Forced Aligner's, checked by its authors)."""
    path = samples / "speech_disfluent" / "mfa_acoustic_corpus.wav"
    audio = media.load(path).audio
    assert audio is not None
    words = [Word(t, a, b, 1.0) for a, b, t in textgrid.words(path.with_suffix(".TextGrid")) if t.strip()]
    return audio, words


def test_words_timed_loosely_are_placed_on_their_sound(samples):
    """Words timed as a recogniser times them, each start moved by up to 0.3 s and the word before stretched to
    meet it, come back within 50 ms of the reference's boundaries at the median, 0.12 s at the worst but one."""
    audio, ref = _reference(samples)
    ref = ref[:12]  # "this is the acoustic corpus ..." up to a pause
    rng = np.random.default_rng(0)
    loose = [replace(w, start=round(w.start + rng.uniform(-0.3, 0.3), 2)) for w in ref]
    loose = [replace(w, end=loose[k + 1].start if k + 1 < len(loose) else w.end) for k, w in enumerate(loose)]
    placed = align.align(audio, loose)
    assert placed is not None
    assert [w.text for w in placed] == [w.text for w in ref]
    err = np.sort([abs(p.start - r.start) for p, r in zip(placed, ref, strict=True)])
    before = np.sort([abs(p.start - r.start) for p, r in zip(loose, ref, strict=True)])
    assert np.median(err) <= 0.05 and err[-2] <= 0.12, (err, before)
    assert np.median(err) < np.median(before)


def test_an_alignment_does_not_hang_on_what_was_aligned_before(samples):
    """The same words aligned to the same sound give the same times, whatever was aligned before them: the aligner's
    cepstral mean, carried over from one stretch to the next, had moved a boundary of these words by 10 ms when they
    were aligned twice in a row."""
    audio, ref = _reference(samples)
    first = align.align(audio, ref[:12])
    assert first is not None
    assert align.align(audio, ref[:12]) == first
    assert align.align_with_fillers(audio, ref[20:23]) is not None and align.align(audio, ref[:12]) == first
    assert align.align(audio, ref[20:30]) is not None and align.align(audio, ref[:12]) == first


def test_the_words_come_with_the_pronunciation_that_fit_the_sound(samples):
    """``pronounced``: the words aligned, and each word's phones as the aligner placed it, one of the dictionary's
    pronunciations: "the" before "acoustic" is said as before a vowel, "thee" (DH IY, not DH AH)."""
    audio, ref = _reference(samples)
    placed = align.pronounced(audio, ref[:12])
    assert placed is not None
    assert [w.text for w in placed.words] == [w.text for w in ref[:12]]
    phones = dict(zip([w.text for w in placed.words], placed.phones, strict=True))
    assert phones["the"] == ("DH", "IY") and phones["acoustic"][0] == "AH" and phones["is"] == ("IH", "Z"), phones


@pytest.mark.parametrize("k", [0, 1])
def test_a_filler_between_the_words_is_placed_where_it_is_said(samples, k):
    """mfa_acoustic_corpus's two "um"s, left out of the words around them: aligned with a filler allowed between
    the words, one is placed over each, within 40 ms of the reference's times."""
    audio, ref = _reference(samples)
    i = [j for j, w in enumerate(ref) if w.text == "um"][k]
    um = ref[i]
    words = [w for w in ref[max(0, i - 2) : i + 3] if w is not um]
    placed = align.align_with_fillers(audio, words)
    assert placed is not None
    aligned, fillers = placed
    assert [w.text for w in aligned] == [w.text for w in words]
    (said,) = [s for s in fillers if min(s.end, um.end) > max(s.start, um.start)]
    assert abs(said.start - um.start) <= 0.04 and abs(said.end - um.end) <= 0.04, said


def test_fluent_words_aligned_with_fillers_allowed_get_none(samples):
    """The same recording's first twelve words, read fast with no filler: none is placed among them. (With 0.1 s of
    sound taken in beyond them, as for words aligned already, the grammar has no place but a filler after the last
    word for the next word's sound: one takes the start of "going" there.)"""
    audio, ref = _reference(samples)
    placed = align.align_with_fillers(audio, ref[:12], margin_s=0.1)
    assert placed is not None
    words, fillers = placed
    assert [s for s in fillers if s.start < words[-1].end and s.end > words[0].start] == []


def test_a_word_spelled_like_a_filler_is_not_aligned_with_fillers(samples):
    audio, ref = _reference(samples)
    assert align.align_with_fillers(audio, [ref[0], Word("uh", ref[0].end, ref[1].start, 1.0), ref[1]]) is None


@pytest.mark.parametrize(
    "words",
    [
        [Word("in", 0.0, 0.3, 1.0), Word("1455", 0.3, 1.0, 1.0)],  # digits: not in the dictionary
        [Word("in", 2.0, 2.3, 1.0), Word("the", 2.3, 2.5, 1.0)],  # timed past the end of the audio
        [],
    ],
)
def test_what_cannot_be_aligned_is_none(words):
    audio = Audio(np.zeros(16000, np.float32), 16000)
    assert align.align(audio, words) is None


def test_audio_at_another_rate_is_not_aligned(samples):
    audio, ref = _reference(samples)
    assert align.align(Audio(audio.samples[::2].copy(), 8000), ref[:3]) is None


def test_doctor_lists_the_aligners_model_as_here():
    from podium.models import status

    entry = next(m for m in status() if m.name == "en-us")
    assert entry.present and not entry.opt_in and "pocketsphinx" in entry.source, entry


def test_without_pocketsphinx_the_aligner_says_what_to_install(monkeypatch):
    """A broken install is a typed error with the fix, not an ImportError traceback."""
    import sys

    from podium.errors import MissingDependency

    monkeypatch.setitem(sys.modules, "pocketsphinx", None)  # import raises ImportError
    monkeypatch.setattr(align, "_decoder", None)
    with pytest.raises(MissingDependency, match="pip install"):
        align.align(Audio(np.zeros(16000, np.float32), 16000), [Word("so", 0.1, 0.4, 1.0)])


@pytest.mark.parametrize("clip", ["ljspeech_LJ001-0016.wav", "jfk.flac"])
def test_every_three_words_of_read_speech_align_with_fillers_allowed(samples, clip):
    """Three aligned words at a time with 0.1 s of sound beyond them, as ``filled_pauses`` asks whether a word was
    held: each window gets an alignment. (Through PocketSphinx's lattice best path, its default, 18 of the 70
    windows of four read clips ended on no path through the grammar and gave None.)"""
    path = samples / "speech_clean" / clip
    audio = media.load(path).audio
    assert audio is not None
    text = path.with_suffix(".txt").read_text().split()
    placed = align.align(audio, [Word(w, 0.0, audio.duration_s, 1.0) for w in text])
    assert placed is not None
    failed = [k for k in range(len(placed) - 2) if align.align_with_fillers(audio, placed[k : k + 3], 0.1) is None]
    assert failed == []
