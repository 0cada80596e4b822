"""Filled pauses found from the sound: inside words the recogniser stretched over them, in any context."""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np
import pytest

from podium import filled_pauses, media, pitch, speech
from podium.eval import devset
from podium.eval.events import UNTIMED, Event, Matches, match, match_partly_timed
from podium.eval.speech import filler_table, reference_fillers
from podium.fillers import NON_LEXICAL, normalize
from podium.options import SpeechOptions
from podium.testing import FakeRecognizer
from podium.types import Audio, Span, Word

from .media_fixtures import vowel, write_wav

SR = 16000


def _token(samples, i: int) -> tuple[np.ndarray, float]:
    return devset._cut(samples, devset.TOKENS[i])


def _at_host_pitch(samples, i: int) -> np.ndarray:
    """Token ``i``, moved to the host's pitch (as high over its floor as over its own speaker's), at half level."""
    sound, relative = _token(samples, i)
    return devset.to_pitch(sound, devset._floor_f0(_host(samples)) * relative) * 0.5


_HOST = "librivox_sense_and_sensibility_01_austen_64kb-0870.wav"  # a man reading, F0 ~100 Hz like the tokens'


def _host(samples) -> np.ndarray:
    return media.load(samples / "speech_clean" / _HOST).audio.samples.astype(np.float64)


# the host as the recogniser times it (tiny.en, no prompt)
_HOST_WORDS = [
    ("And", 0.08, 0.46), ("Mr.", 0.46, 0.68), ("John", 0.84, 1.1), ("Dashwood", 1.1, 1.68), ("had", 1.68, 1.96),
    ("then", 1.96, 2.34), ("leisure", 2.34, 2.72), ("to", 2.72, 3.2), ("consider", 3.2, 3.46), ("how", 3.46, 4.1),
    ("much", 4.1, 4.42), ("there", 4.42, 4.66), ("might", 4.66, 4.92), ("be", 4.92, 5.12),
    ("prudently", 5.12, 5.52), ("in", 5.52, 5.66), ("his", 5.66, 5.86), ("power", 5.86, 6.08), ("to", 6.08, 6.28),
    ("do", 6.28, 6.56), ("for", 6.56, 6.72), ("them.", 6.72, 6.92),
]  # fmt: skip
_AT = 4.42  # between "much" and "there", mid-phrase


def _spliced(
    samples, sound: np.ndarray, at: float = _AT, *, absorbed_by: str = "before"
) -> tuple[Audio, list[Word], float]:
    """``sound`` inserted at ``at`` (between "much" and "there"); the word before it stretched over it, as Whisper
    does, or the word after it starting at the filler (``absorbed_by="after"``), or neither (``"neither"``: a gap)."""
    host = _host(samples)
    pos = int(at * SR)
    x = np.concatenate([host[:pos], sound, host[pos:]]).astype(np.float32)
    d = len(sound) / SR
    words = []
    for text, a, b in _HOST_WORDS:
        if a >= at:
            a, b = (a if absorbed_by == "after" and a - at < 0.01 else a + d), b + d
        elif b >= at and absorbed_by == "before":
            b = b + d  # the word before absorbs the filler
        words.append(Word(text, a, b, 0.9))
    return Audio(x, SR), words, d


def _recover(audio: Audio, words: list[Word]) -> list[Word]:
    t = speech.transcribe(audio, recognizer=FakeRecognizer(words), recover=False)
    return list(speech.recover_fillers(audio, t, pitch.track(audio.samples, SR)).words)


@pytest.mark.parametrize("i", [0, 1, 7, 8])
def test_a_filler_inside_a_stretched_word_is_cut_out(samples, i):
    sound = _at_host_pitch(samples, i)
    audio, words, d = _spliced(samples, sound)
    out = _recover(audio, words)
    found = [w for w in out if w.filler_kind in ("um", "uh")]
    assert len(found) == 1, out
    f = found[0]
    assert f.source == "recovered" and 0 < f.confidence <= 1
    assert f.start >= _AT - 0.1 and f.end <= _AT + d + 0.1
    much = next(w for w in out if w.text == "much")
    assert much.end <= f.start + 1e-6  # re-timed: the word no longer covers the filler
    assert much.end - much.start >= 0.05


def test_a_held_sound_after_the_last_word_needs_a_word_after_it(samples):
    """A held "uh" stretched over by "much", then a second's silence: with words after it, within 3 s, it is a filler
    cut out of "much", as one in a gap between words is; with no word after it (the recording ends), it is the
    phrase's last vowel held (a slow reading's "surpassed." in pink noise, which Whisper ended early)."""
    then_silence_s = 1.0
    sound = _at_host_pitch(samples, 0)
    audio, words, d = _spliced(samples, sound)
    cut = int((_AT + d) * SR)
    x = np.concatenate([audio.samples[:cut], np.zeros(int(then_silence_s * SR), np.float32), audio.samples[cut:]])
    kept = [w for w in words if w.start < _AT + d]
    later = [replace(w, start=w.start + then_silence_s, end=w.end + then_silence_s) for w in words[len(kept) :]]
    found = [w for w in _recover(Audio(x, SR), kept + later[:2]) if w.filler_kind in ("um", "uh")]
    assert len(found) == 1, found
    found = [w for w in _recover(Audio(x[: cut + SR // 2], SR), kept) if w.filler_kind in ("um", "uh")]
    assert not found, found


@pytest.mark.parametrize("held", [True, False])
def test_a_word_held_on_its_vowel_is_not_a_filler_before_the_next_word(samples, held):
    """ "how" said "howww" while the speaker finds the next word (its loudest 60 ms held 0.45 s, as
    ``devset.lengthened`` holds a word), and Whisper starting "much" on the held vowel: the stretch is "how" drawn
    out, which keeps no syllable of its own outside it, not an "uh" before "much". After "how" said whole, an "uh"
    that Whisper's "much" slid over is a filler."""
    k = next(i for i, (text, *_) in enumerate(_HOST_WORDS) if text == "how")
    _, start, end = _HOST_WORDS[k]
    if held:
        host = _host(samples)
        track = pitch.track(host.astype(np.float32), SR)
        a, b = np.searchsorted(track.times, [start, end])
        voiced = np.flatnonzero(track.voiced[a:b]) + a
        centre = float(track.times[voiced[np.argmax(track.level_db[voiced])]])
        lo = int((centre - 0.03) * SR)
        sound = devset.sustained(host[lo : lo + int(0.06 * SR)], 0.45, random.Random(0))
        x = np.concatenate([host[:lo], sound, host[lo + int(0.06 * SR) :]]).astype(np.float32)
        d, at = (len(sound) - int(0.06 * SR)) / SR, centre + 0.05
        audio = Audio(x, SR)
        words = []
        for j, (text, a, b) in enumerate(_HOST_WORDS):
            if j == k:  # the held word ends where Whisper starts the next one
                b = at
            elif j > k:  # the next one starts on the held vowel; the rest come later by the time held
                a, b = (at if j == k + 1 else a + d), b + d
            words.append(Word(text, a, b, 0.9))
    else:
        audio, words, d = _spliced(samples, _at_host_pitch(samples, 0), end, absorbed_by="after")
    found = [w for w in _recover(audio, words) if w.filler_kind in ("um", "uh")]
    assert len(found) == (0 if held else 1), found


# Read speech with one function word held on its vowel, as the bench's ``lengthened`` clips are, and the words tiny.en
# heard in those clips (no prompt, AMD EPYC): the host, the held word, the centre of the 60 ms held (its loudest voiced
# 60 ms, or its steadiest, as the set was built then), the extra time the hold took, and the words as heard around it
_HELD_WORDS = {
    "as the art": (
        "ljspeech_LJ001-0009.wav", "the", 3.57, 0.30,
        [("considered", 2.99, 3.27), ("as", 3.27, 3.65), ("the", 3.65, 4.11), ("art", 4.11, 4.37),
         ("of", 4.37, 4.63), ("making", 4.63, 4.99), ("books", 4.99, 5.65)],
    ),
    "especially as no": (
        "ljspeech_LJ001-0012.wav", "as", 0.89, 0.48,
        [("Especially", 0.0, 0.66), ("as", 0.66, 1.54), ("no", 1.54, 1.80), ("more", 1.80, 2.06),
         ("time", 2.06, 2.30), ("is", 2.30, 2.60)],
    ),
    "perfection, and it": (
        "ljspeech_LJ001-0016.wav", "and", 3.26, 0.40,
        [("perfection,", 2.32, 2.74), ("and", 3.92, 3.92), ("it", 3.92, 4.12), ("was", 4.12, 4.54),
         ("natural", 4.54, 4.92), ("there", 4.92, 5.26), ("for...", 5.26, 5.84)],
    ),
    # "of" opens on the filler's own vowel (AH V): held, it is one long [ʌ], and the aligner, given no filler to
    # place, leaves it in a gap between "part" and a late, short "of"
    "a part of their": (
        "ljspeech_LJ001-0014.wav", "of", 7.56, 0.47,
        [("always", 6.7, 7.08), ("be", 7.08, 7.34), ("a", 7.34, 7.44), ("part", 7.44, 7.6), ("of", 7.6, 8.06),
         ("their", 8.06, 8.44), ("productions,", 8.44, 9.1)],
    ),
    # "as" held on its steadiest 60 ms, which tiny.en heard as "and" and timed inside the held vowel: aligned with a
    # filler allowed, "and, um" fits the held [æ] better than the wrong word alone; the word is the one heard
    "especially aaas no": (
        "ljspeech_LJ001-0012.wav", "and", 0.88, 0.53,
        [("Especially,", 0.0, 0.76), ("and", 0.88, 1.12), ("no", 1.12, 1.7), ("more", 1.7, 2.04),
         ("time", 2.04, 2.3), ("is", 2.3, 2.58), ("occupied,", 2.58, 3.18)],
    ),
    # "for" said [fə] (the speaker's r-less Boston "for") and held on its vowel: one long schwa, which the aligner,
    # offered a filler, fits as "for, uh"; but "for" has no syllable of its own before it, its voice running straight
    # from the [f] into the held vowel
    "can do fooor your": (
        "jfk.flac", "for", 9.75, 0.44,
        [("ask", 8.34, 8.66), ("what", 8.66, 8.96), ("you", 8.96, 9.28), ("can", 9.28, 9.5), ("do", 9.5, 9.74),
         ("for", 9.74, 9.86), ("whatever", 9.86, 10.3), ("your", 10.3, 10.6), ("country.", 10.6, 10.82)],
    ),
    # "in" held on its nasal: [ɪ], then a murmur 3-4 dB under it, level, with no loudness peak of its own, where an
    # "um" would open on a vowel louder than the murmur before it
    "mention innn passing": (
        "ljspeech_LJ001-0006.wav", "in", 1.71, 0.47,
        [("And", 0.0, 0.62), ("it", 0.62, 0.82), ("is", 0.82, 1.02), ("worth", 1.02, 1.26), ("mention", 1.26, 1.7),
         ("in", 1.7, 2.38), ("passing", 2.38, 2.86), ("that", 2.86, 3.66), ("as", 3.66, 4.0), ("an", 4.0, 4.08),
         ("example", 4.08, 4.5), ("of", 4.5, 4.94), ("fine", 4.94, 5.26), ("typography.", 5.26, 6.02)],
    ),
    # a phrase the aligner cannot place ("42", "-line", "1455." are not in its dictionary)
    "types, the Gutenberg": (
        "ljspeech_LJ001-0007.wav", "the", 3.30, 0.34,
        [("movable", 1.96, 2.42), ("types,", 2.42, 2.96), ("the", 3.74, 3.82), ("Gutenberg", 3.82, 4.34),
         ("or", 4.34, 5.06), ("42", 5.06, 5.5), ("-line", 5.5, 6.06), ("Bible", 6.06, 6.58), ("of", 6.58, 6.98),
         ("about", 6.98, 7.36), ("1455.", 7.36, 8.42)],
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", list(_HELD_WORDS))
def test_a_function_word_held_on_its_vowel_is_the_word_not_a_filler(samples, case):
    """ "as the... art", "especially as... no more", "types, the... Gutenberg": the word's own vowel held 0.3-0.5 s
    (by ``devset.sustained``), which tiny.en timed as if said short, the held vowel under the next word's start or in
    the word's late start. Low, level and steady, the held vowel was taken for an "uh" (the bench's held "the" of
    LJ001-0009 and "as" of LJ001-0012); aligned again with a filler allowed, the word's own phones fit it better, and
    the word takes the time of its held vowel. Where the phrase could not be aligned at all (LJ001-0007's, with
    numbers in it), the word is found at the recogniser's time. Where the recogniser heard another word, timed
    inside the held vowel, and the aligner places that word over it (LJ001-0012's "aaas" heard as "and"), the sound
    is that word."""
    name, word, at, extra, heard_words = _HELD_WORDS[case]
    host = media.load(samples / "speech_clean" / name).audio
    assert host is not None
    assert word in devset.FUNCTION_WORDS
    x = host.samples.astype(np.float64)
    lo, n = int((at - 0.03) * SR), int(0.06 * SR)
    sound = devset.sustained(x[lo : lo + n], extra + 0.06, random.Random(0))
    audio = Audio(np.concatenate([x[:lo], sound, x[lo + n :]]).astype(np.float32), SR)
    heard = [Word(w, a, b, 0.9) for w, a, b in heard_words]
    out = _recover(audio, heard)
    found = [w for w in out if w.filler_kind in ("um", "uh")]
    assert found == [], found
    # the word is said over its held vowel, not cut short of it with a silence after it
    t = np.arange(lo / SR + 0.05, lo / SR + extra, 0.01)
    over = [w for w in out if w.start < t[-1] and w.end > t[0]]
    assert word in [normalize(w.text) for w in over], out
    assert all(any(w.start <= x <= w.end for w in over) for x in t), over


def test_a_word_held_on_its_last_nasal_is_the_word_whatever_the_recogniser_made_of_it(samples):
    """The held "innn" of "mention in passing" (the case above), as tiny.en heard it from a 16-bit copy: "mentioning
    passing", no "in" at all. Its murmur, level and with no loudness peak of its own, goes on unbroken from the last
    voiced stretch of "mentioning" (aligned, it ends on NG): the word's last sound held, not an "um"."""
    name, _, at, extra, _ = _HELD_WORDS["mention innn passing"]
    host = media.load(samples / "speech_clean" / name).audio
    assert host is not None
    x = host.samples.astype(np.float64)
    lo, n = int((at - 0.03) * SR), int(0.06 * SR)
    sound = devset.sustained(x[lo : lo + n], extra + 0.06, random.Random(0))
    audio = Audio(np.concatenate([x[:lo], sound, x[lo + n :]]).astype(np.float32), SR)
    heard = [("And", 0.0, 0.62), ("it", 0.62, 0.82), ("is", 0.82, 1.02), ("worth", 1.02, 1.26),
             ("mentioning", 1.26, 1.8), ("passing", 1.8, 2.86), ("that", 2.86, 3.66), ("as", 3.66, 4.02),
             ("an", 4.02, 4.38), ("example", 4.38, 4.54), ("of", 4.54, 4.96), ("fine", 4.96, 5.26),
             ("typography.", 5.26, 6.06)]  # fmt: skip
    out = _recover(audio, [Word(t, a, b, 0.9) for t, a, b in heard])
    assert [w for w in out if w.filler_kind in ("um", "uh")] == [], out
    mentioning = next(w for w in out if w.text == "mentioning")
    assert mentioning.end >= lo / SR + extra, out


@pytest.mark.parametrize(("i", "seconds"), [(0, 0.3), (6, 0.3), (1, 0.45)])
def test_a_quick_filler_before_a_word_opening_on_another_vowel_is_a_filler(samples, i, seconds):
    """ "It, uh, is of the first importance": a tuning filler held 0.3 or 0.45 s (as the bench's ``shorter`` clips),
    at the host's pitch, spliced between "It" and "is", which Whisper stretched back over it (as tiny.en heard the
    bench's clip). Aligned, "is" starts late and short, and the filler's voicing runs into it with no dip: "is" keeps
    no syllable of its own outside the filler. A word held on its vowel would keep none either, but "is" opens on
    [ɪ], not on the filler's [ʌ] (a held "of" is one long [ʌ]: the held-word cases above): a filler."""
    host = media.load(samples / "speech_clean" / "ljspeech_LJ001-0011.wav").audio.samples.astype(np.float64)
    sound, relative = _token(samples, i)
    sound = devset.shortened(devset.to_pitch(sound, devset._floor_f0(host) * relative), seconds) * 0.5
    at = 0.2  # the end of "It"
    audio = Audio(devset._insert(host, sound, int(at * SR)).astype(np.float32), SR)
    heard = [("It", 0.0, 0.22), ("is", 0.22, 0.54), ("of", 0.54, 0.72), ("the", 0.72, 0.96), ("first", 0.96, 1.28),
             ("importance", 1.28, 1.9), ("that", 1.9, 2.44), ("the", 2.44, 2.72), ("letter", 2.72, 2.82),
             ("used", 2.82, 3.24), ("should", 3.24, 3.5), ("be", 3.5, 3.84), ("fine", 3.84, 4.06), ("and", 4.06, 4.36),
             ("formed.", 4.36, 4.68)]  # fmt: skip
    found = [w for w in _recover(audio, [Word(t, a, b, 0.9) for t, a, b in heard]) if w.filler_kind in ("um", "uh")]
    assert len(found) == 1, found
    assert found[0].start >= at - 0.05 and found[0].end <= at + seconds + 0.05, found


@pytest.mark.parametrize("i", [1, 7, 8])
@pytest.mark.parametrize("at", [0.46, 3.2, 5.12, 6.28])
def test_a_filler_after_a_function_word_stretched_over_it_is_a_filler(samples, at, i):
    """ "And, um, Mr.", "to, uh, consider", "be, um, prudently", "to, uh, do": an "uh" or "um" said after a short
    function word that Whisper stretched over it. Such a word is the kind a speaker may hold instead
    (``fillers.HELD_WORDS``), and the aligner is asked which it is: the filler's own sound is a filler's."""
    audio, words, d = _spliced(samples, _at_host_pitch(samples, i), at, absorbed_by="before")
    found = [w for w in _recover(audio, words) if w.filler_kind in ("um", "uh")]
    assert len(found) == 1, found
    assert found[0].start >= at - 0.1 and found[0].end <= at + d + 0.1


@pytest.mark.parametrize(
    ("word", "peak_db", "broken", "held"),
    [
        ("in", -24.0, False, True),  # "innn": a murmur 14 dB under the words, going on from the word's [n]
        ("them", -24.0, False, True),
        ("in", -15.0, False, False),  # as loud as a filler's vowel: a filler said after the word
        ("is", -24.0, False, False),  # the word ends in no nasal
        ("in", -24.0, True, False),  # the voice broken between the word and the sound
    ],
)
def test_a_quiet_murmur_going_on_from_a_word_s_nasal_is_the_word_held(word, peak_db, broken, held):
    """The bench's "mention in passing" with "in" held on its [n] (``lengthened-steady``): the detector found an "um"
    there, 13.3 dB under the words, which the aligner, allowed a filler, left partly to silence. A sound that goes on
    in unbroken voicing from a word ending in a nasal, and peaks 12 dB or more under the words, is that nasal held."""
    n = 300
    times = np.arange(n) * 0.01 + 0.005
    f0, level = np.full(n, 120.0), np.full(n, -10.0)
    level[(times >= 1.75) & (times < 2.2)] = peak_db
    if broken:
        f0[(times > 1.73) & (times < 1.77)] = 0.0
    track = pitch.PitchTrack(times=times, f0=f0, strength=np.full(n, 0.9), level_db=level)
    words = [Word("mention", 1.2, 1.6, 0.9), Word(word, 1.6, 1.8, 0.9), Word("passing", 2.2, 2.7, 0.9)]
    f = Word("um", 1.75, 2.2, 0.6, filler=True, filler_kind="um", source="recovered")
    speech_db = filled_pauses._speech_level_db(track, words)
    got = filled_pauses._nasal_held(track, f, words, speech_db)
    assert got == (words[1] if held else None)


_QUIET_AFTER_IN = pytest.mark.xfail(
    strict=True, reason="a known miss, with or without the held-nasal check: the token at half level, 10-14 dB under"
)


@pytest.mark.parametrize(
    ("at", "i", "absorbed_by"),
    [
        (at, i, by) if (at, i, by) not in {(5.66, 1, "neither"), (5.66, 8, "neither")} else
        pytest.param(at, i, by, marks=_QUIET_AFTER_IN)
        for at in (2.34, 5.66) for i in (0, 1, 7, 8) for by in ("before", "neither")
    ],
)  # fmt: skip
def test_a_filler_after_a_word_ending_in_a_nasal_is_a_filler(samples, at, i, absorbed_by):
    """ "then, um, leisure", "in, uh, his": a filler said after a word that ends in a nasal, which a speaker may hold
    instead ("innn"). The filler opens with its vowel, about as loud as the words, where a held nasal is a murmur far
    under them: a filler, whether Whisper stretched the word over it or left it in a gap. (Spectrum alone would not
    do: token 7, a dark "uh", has as little energy above 800 Hz as the murmur of "in".)"""
    audio, words, d = _spliced(samples, _at_host_pitch(samples, i), at, absorbed_by=absorbed_by)
    found = [w for w in _recover(audio, words) if w.filler_kind in ("um", "uh")]
    assert len(found) == 1, found
    assert found[0].start >= at - 0.1 and found[0].end <= at + d + 0.1


@pytest.mark.parametrize("i", [0, 1, 7, 8])
def test_a_filler_is_cut_out_of_a_word_of_plausible_length(samples, i):
    """Whisper lets "prudently" (3 syllables) start at the filler before it: the word is long, but not longer than
    three slow syllables, and still has room for them. The steady stretch, not the word's length, is the evidence."""
    sound = _at_host_pitch(samples, i)
    at = 5.12  # between "be" and "prudently"
    audio, words, d = _spliced(samples, sound, at, absorbed_by="after")
    out = _recover(audio, words)
    found = [w for w in out if w.filler_kind in ("um", "uh")]
    assert len(found) == 1, out
    f = found[0]
    assert f.start >= at - 0.1 and f.end <= at + d + 0.1
    prudently = next(w for w in out if w.text == "prudently")
    assert prudently.start >= f.end - 1e-6 and prudently.end - prudently.start >= 0.3


@pytest.mark.parametrize("i", [0, 1, 7, 8])
def test_a_steady_filler_in_a_gap_is_found_when_dips_split_its_voicing(samples, i):
    """No word covers the filler. Dips in its loudness (the "um" turning nasal, the level wavering as it is held)
    split its voicing into pieces that may each be too short for a filled pause alone (mfa_um's and
    mfa_acoustic_corpus's "uh" here): its steady stretch is the evidence, in a gap as inside a word."""
    sound = _at_host_pitch(samples, i)
    audio, words, d = _spliced(samples, sound, absorbed_by="neither")
    found = [w for w in _recover(audio, words) if w.filler_kind in ("um", "uh")]
    assert len(found) == 1, found
    assert found[0].start >= _AT - 0.1 and found[0].end <= _AT + d + 0.1


@pytest.mark.parametrize("i", [0, 7])
def test_a_held_sound_between_words_is_a_filler_only_low_in_the_voice(samples, i):
    """Filled pauses are said low, near the floor of the speaker's range. The same held "uh" or "um" in a gap no word
    covers, at the host's floor, is a filler; 4-5 semitones above it (a word's vowel ringing on in a room sat 3.7
    and 4.4 up), not one: the steady stretches were held to this, the voiced bursts between words were not."""
    floor = devset._floor_f0(_host(samples))
    for up, expected in ((0.0, [devset.TOKENS[i].kind]), (4.0, []), (5.0, [])):
        sound, _ = _token(samples, i)
        sound = devset.to_pitch(sound, floor * 2 ** (up / 12)) * 0.5
        audio, words, _ = _spliced(samples, sound, absorbed_by="neither")
        found = [w.filler_kind for w in _recover(audio, words) if w.filler_kind in ("um", "uh")]
        assert found == expected, (up, found)


@pytest.mark.parametrize(("at", "absorbed_by"), [(_AT, "before"), (5.12, "after"), (_AT, "neither")])
@pytest.mark.parametrize("i", [0, 1, 7, 8])
def test_an_um_is_told_from_an_uh_by_its_murmur(samples, i, at, absorbed_by):
    """mfa_um's "um" is a vowel for 0.2 s, then the lips close on a murmur for 0.6 s, 2-3 semitones lower; its steady
    stretch is the murmur alone, which holds no vowel to compare with, and it was reported as "uh" wherever it sat
    (and, as ``podium eval speech`` matches kinds, counted a miss and a false alarm). The vowel is heard in the
    voicing the stretch continues. mfa_acoustic_corpus's "um" runs into "there" at its pitch: the word is louder,
    and is not taken for the murmur's end. The two "uh"s are vowels throughout."""
    sound = _at_host_pitch(samples, i)
    audio, words, _ = _spliced(samples, sound, at, absorbed_by=absorbed_by)
    found = [w.filler_kind for w in _recover(audio, words) if w.filler_kind in ("um", "uh")]
    assert found == [devset.TOKENS[i].kind]


@pytest.mark.parametrize("clip", [_HOST, "ljspeech_LJ001-0001.wav"])  # a man (F0 ~100 Hz), a woman (~200 Hz)
def test_a_telephone_line_is_told_by_the_low_band_it_lost(samples, clip):
    x = media.load(samples / "speech_clean" / clip).audio.samples.astype(np.float64)
    line = devset.telephone(x).astype(np.float32)
    for sound, lost in ((x.astype(np.float32), False), (line, True)):
        assert filled_pauses._low_band_lost(Audio(sound, SR), pitch.track(sound, SR)) is lost


@pytest.mark.parametrize(("at", "absorbed_by"), [(_AT, "before"), (5.12, "after"), (_AT, "neither")])
@pytest.mark.parametrize("i", [0, 8])
def test_an_uh_over_a_telephone_line_is_not_taken_for_an_um(samples, i, at, absorbed_by):
    """A line cuts everything under 300 Hz. mfa_acoustic_corpus's "uh" then ends darker above 800 Hz than its vowel,
    as a murmur does, but keeps its level in the band the line carries, which a murmur (its energy mostly under
    300 Hz) does not: it was reported "um" in every placement. (The two "um"s over the line are still missed or read
    as "uh": with their murmur cut away, little tells them from an "uh".)"""
    sound = _at_host_pitch(samples, i)
    audio, words, _ = _spliced(samples, sound, at, absorbed_by=absorbed_by)
    line = Audio(devset.telephone(audio.samples.astype(np.float64)).astype(np.float32), SR)
    found = [w.filler_kind for w in _recover(line, words) if w.filler_kind in ("um", "uh")]
    assert found == ["uh"]


@pytest.mark.parametrize(("at", "absorbed_by"), [(_AT, "before"), (5.12, "after"), (_AT, "neither")])
@pytest.mark.parametrize("i", [0, 7, 8])
def test_a_filler_found_in_the_sound_lasts_as_long_as_its_voice(samples, i, at, absorbed_by):
    """The steady stretch stops where the envelope begins to change, before the filler's fading end or its murmur
    (mfa_uh's "uh" ended 0.14 s early, mfa_acoustic_corpus's 0.18 s): the filler is reported to where the voicing it
    continues into ends, so that the pause after it begins where the voice stops. (mfa_um's murmur fades under what
    the pitch tracker calls voiced, and it ends 0.2 s early still.)"""
    sound = _at_host_pitch(samples, i)
    audio, words, d = _spliced(samples, sound, at, absorbed_by=absorbed_by)
    found = [w for w in _recover(audio, words) if w.filler_kind in ("um", "uh")]
    assert len(found) == 1
    assert found[0].end == pytest.approx(at + d, abs=0.05)


@pytest.mark.parametrize("kind", ["tone", "vibrato", "hummed tune"])
def test_a_steady_tone_is_not_a_filler(samples, kind):
    import random

    f0 = devset._median_f0(_host(samples))
    sound = {
        "tone": lambda: devset._harmonic_tone(f0, 0.6, vibrato=0.0),
        "vibrato": lambda: devset._harmonic_tone(f0, 0.6, vibrato=0.3),
        "hummed tune": lambda: devset._hummed_tune(f0, random.Random(3)),
    }[kind]() * 0.1
    audio, words, _ = _spliced(samples, sound)
    assert [w for w in _recover(audio, words) if w.filler] == []


def test_a_word_of_normal_length_keeps_its_vowel(samples):
    """No filler in fluent speech: the clean clip with its own word times."""
    host = _host(samples).astype(np.float32)
    words = [Word(t, a, b, 0.9) for t, a, b in _HOST_WORDS]
    assert [w for w in _recover(Audio(host, SR), words) if w.filler] == []


def test_seconds_per_syllable_is_the_speakers_own():
    slow = [Word("present", 0, 0.8, 1), Word("the", 0.8, 1.2, 1), Word("sense", 1.2, 1.6, 1)]
    fast = [replace(w, start=w.start / 2, end=w.end / 2) for w in slow]
    assert filled_pauses._seconds_per_syllable(slow) > filled_pauses._seconds_per_syllable(fast)


def test_tempo_is_the_one_around_the_moment():
    """A talk that starts fast and ends slow: each stretch is judged at the tempo around it."""
    fast = [Word("present", i * 0.4, i * 0.4 + 0.3, 1) for i in range(30)]  # 0.15 s a syllable
    slow = [Word("present", 60 + i * 0.8, 60 + i * 0.8 + 0.6, 1) for i in range(30)]  # 0.3 s a syllable
    tempo = filled_pauses._Tempo(fast + slow)
    assert tempo.syllable_s(5.0) == pytest.approx(0.15)
    assert tempo.syllable_s(70.0) == pytest.approx(0.3)


@pytest.mark.parametrize("clip", ["jfk.flac", "librispeech_61-70968-0000.flac", "ljspeech_LJ001-0007.wav"])
def test_syllable_nuclei_in_the_sound_count_the_syllables_said(samples, clip):
    """de Jong and Wempe's nuclei against the reference's syllables (jfk 28, librispeech 25, LJ001-0007 31; the
    words here cover the whole clip). Whisper's word times gave these clips 1.3-1.7 times their voiced time per
    syllable; the nuclei give it within 25 %."""
    from podium.syllables import count_syllables

    path = samples / "speech_clean" / clip
    x = media.load(path).audio.samples
    said = sum(
        max(1, count_syllables(filled_pauses.normalize(w))) for w in path.with_suffix(".txt").read_text().split()
    )
    track = pitch.track(x, SR)
    pace = filled_pauses._Articulation(track, [Word("all", 0.0, len(x) / SR, 1.0)])
    assert 0.75 * said <= len(pace.nuclei) <= 1.1 * said
    slow = filled_pauses._Articulation(
        pitch.track(devset.stretch(x, 1.6).astype(np.float32), SR), [Word("all", 0.0, 1.6 * len(x) / SR, 1.0)]
    )
    assert 1.3 <= slow.syllable_s(1.0) / pace.syllable_s(1.0) <= 1.9


def test_syllables_are_counted_inside_the_words_only(samples):
    """Sound between the recognised words (laughter, a breath, another voice) is not the speaker's syllables: the
    pace of a clip with words over its first half only is that half's."""
    x = media.load(samples / "speech_clean" / "jfk.flac").audio.samples
    half = len(x) / SR / 2
    track = pitch.track(x, SR)
    first = filled_pauses._Articulation(track, [Word("first", 0.0, half, 1.0)])
    alone = filled_pauses._Articulation(pitch.track(x[: int(half * SR)], SR), [Word("first", 0.0, half, 1.0)])
    assert abs(len(first.nuclei) - len(alone.nuclei)) <= 1
    assert first.syllable_s(1.0) == pytest.approx(alone.syllable_s(1.0), rel=0.1)
    assert len(filled_pauses._Articulation(track, []).nuclei) == 0


@pytest.mark.parametrize("clip", ["jfk.flac", "ljspeech_LJ001-0007.wav", "ljspeech_LJ001-0016.wav"])
def test_slow_reading_holds_no_filled_pause(samples, clip):
    """Read speech slowed to 1.6x its length (about 3 syllables a second) holds steady vowels of a fifth of a second
    and more; they are the words' own, not fillers (before the tempo rule, these three clips gave four)."""
    x = media.load(samples / "speech_clean" / clip).audio.samples.astype(np.float32)
    slow = devset.stretch(x, 1.6).astype(np.float32)
    assert _fillers(slow, SpeechOptions()) == []


def test_noise_is_pink_at_the_asked_level_under_the_speech():
    """The bench's noisy condition (``--snr``): pink noise, set against the level of the speech, not of its pauses,
    and the same for the same recording."""
    t = np.arange(4 * SR) / SR
    x = np.where((t % 1.0) < 0.5, 0.3 * np.sin(2 * np.pi * 150 * t), 0.0)  # half speech-like bursts, half silence
    for snr in (20.0, 10.0):
        noise = devset.noisy(x, snr) - x
        assert 20 * np.log10(devset._rms_speech(x) / np.sqrt(np.mean(noise**2))) == pytest.approx(snr, abs=0.1)
    noise = devset.noisy(x, 20.0) - x
    assert np.array_equal(noise, devset.noisy(x, 20.0) - x)
    power = np.abs(np.fft.rfft(noise)) ** 2
    f = np.fft.rfftfreq(len(noise), 1 / SR)
    octave = [power[(f >= lo) & (f < 2 * lo)].mean() for lo in (250.0, 500.0, 1000.0, 2000.0)]
    drops = 10 * np.log10(np.array(octave[:-1]) / np.array(octave[1:]))
    assert np.all(np.abs(drops - 3.0) < 1.0), drops


def test_events_match_once_within_tolerance():
    ref = [Event("um", 1.0, 1.4), Event("uh", 5.0, 5.3)]
    det = [Event("um", 1.2, 1.5), Event("um", 1.3, 1.6), Event("uh", 8.0, 8.2)]
    m = match("x", ref, det, tolerance_s=0.5)
    assert [(r.start, d.start) for _, r, d in m.hits] == [(1.0, 1.2)]
    assert [e.start for _, e in m.misses] == [5.0]
    assert sorted(e.start for _, e in m.false_alarms) == [1.3, 8.0]
    s = m.scores()
    assert (s["tp"], s["fp"], s["fn"]) == (1, 2, 1)


def test_a_partly_timed_reference_matches_its_timed_fillers_by_time_and_the_rest_by_count():
    """The reference times one "um" and counts an "uh" too. An "uh" found where the "um" was is not that "um" (it may
    be the untimed "uh": where that was is not known); what is left over of either side is a miss or a false alarm."""
    timed = [Event("um", 1.0, 1.4)]
    det = [Event("uh", 1.1, 1.3), Event("uh", 5.0, 5.2), Event("um", 9.0, 9.3)]
    m = match_partly_timed("x", timed, det, {"um": 1, "uh": 1}, tolerance_s=0.5)
    assert [(r.kind, r.start, d.start) for _, r, d in m.hits] == [("uh", UNTIMED, 1.1)]
    assert [(e.kind, e.start) for _, e in m.misses] == [("um", 1.0)]
    assert sorted((e.kind, e.start) for _, e in m.false_alarms) == [("uh", 5.0), ("um", 9.0)]
    # nothing timed: by count per kind
    m = match_partly_timed("x", [], det, {"uh": 1, "um": 2})
    assert (m.scores()["tp"], m.scores()["fp"], m.scores()["fn"]) == (2, 1, 1)
    with pytest.raises(ValueError):
        match_partly_timed("x", [Event("um", 1.0, 1.4)] * 2, det, {"um": 1})


def test_a_textgrid_times_the_fillers_it_marks(samples):
    """mfa_acoustic_corpus's TextGrid (Praat's short text format) marks its two "um"s and leaves its "uh" out: the
    ums are timed, the uh counted."""
    folder = samples / "speech_disfluent"
    path = folder / "mfa_acoustic_corpus.wav"
    counts, timed = reference_fillers(path, path.with_suffix(".txt").read_text(), filler_table(folder / "fillers.csv"))
    assert (counts["um"], counts["uh"]) == (2, 1)
    assert timed == [Event("um", 8.02, 8.57), Event("um", 22.9, 23.53)]


@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    [
        "speech_disfluent/mfa_acoustic_corpus.wav",
        "speech_disfluent/mfa_um.flac",
        "speech_disfluent/mfa_uh.flac",
        "speech_disfluent_extra/ba_test_monologue.mp3",
    ],
)
def test_a_filler_does_not_depend_on_what_surrounds_it(samples, name):
    """The fillers found in a clip alone are found again when it sits twice inside a longer talk, at the same
    place. mfa_um is a soft voice between louder readers: its "um" needs the filler fitting that looks past a word
    the recogniser stretched over it. ba_test's first "um" comes before a "but" the recogniser timed as an instant,
    in one copy written after it, in another not at all. mfa_uh's "uhhh", a man's amid a woman's reading, needs
    its chunk prompted (the candidates judged against its own voice)."""
    alone, copies = _alone_and_inside(samples, name)
    assert alone
    for off, here, m in copies:
        assert not m.misses, f"copy at {off:.1f} s lost {m.misses}; found {here}"
        # on the same sound: a long "ummm" found alone and 0.3 s past its end here is the tolerance, not the sound
        moved = [(r.start - off, d.start - off) for _, r, d in m.hits if d.start > r.end or d.end < r.start]
        assert not moved, f"copy at {off:.1f} s: fillers off the sound found alone (alone, here): {moved}"


@pytest.mark.slow
def test_the_kinds_of_natural_fillers_over_a_telephone_line(samples):
    """mfa_acoustic_corpus carried over a line: its two "um"s (the TextGrid's) are reported as "um" and the "uh" said
    between them as "uh". The line cuts the murmur's band: before an um's loss of level there counted, all three came
    out the other kind (the ums as "uh", the uh as "um")."""
    from podium.eval.textgrid import intervals

    path = samples / "speech_disfluent" / "mfa_acoustic_corpus.wav"
    ums = [(a, b) for a, b, label in intervals(path.with_suffix(".TextGrid")) if label.lower() == "um"]
    assert len(ums) == 2
    line = devset.telephone(media.load(path).audio.samples.astype(np.float64))
    found = _fillers(line, SpeechOptions())
    for a, b in ums:
        assert [e.kind for e in found if e.start < b + 0.3 and e.end > a - 0.3] == ["um"], found
    between = [e.kind for e in found if ums[0][1] + 0.3 < e.start and e.end < ums[1][0] - 0.3]
    assert "uh" in between, found


@pytest.mark.slow
def test_a_series_of_uhs_is_found_again_inside_a_longer_talk(samples):
    """mfa_uhuh ("Montreal uh uh uh uh uh uh forced aligner") twice inside read speech: in its second copy Whisper,
    given a 30 s chunk of reading, wrote neither the "uh"s nor the words between them. A second look, the few
    seconds of talk around its held "uhhh" decoded with the filler prompt, hears the series again; its fillers fit
    the bursts the first run of them did not take, and none is written twice. Each copy keeps every filler found
    alone and adds none: its quickest, under 0.2 s with a falling pitch, are the series' sound said again, and the
    next clip's "The", stretched back over the second copy's last two, hides neither from it."""
    alone, copies = _alone_and_inside(samples, "speech_disfluent/mfa_uhuh.flac")
    assert len(alone) == 6
    for off, _, m in copies:
        assert len(m.hits) == len(alone) and not m.false_alarms, (off, m.misses, m.false_alarms)


def _alone_and_inside(samples, name: str) -> tuple[list[Event], list[tuple[float, list[Event], Matches]]]:
    """The um/uh found in a clip alone, and for each copy of it inside a longer talk (``devset.in_read_speech``)
    where it starts, the um/uh found in it, and how they match those found alone (within 0.3 s, whatever the kind)."""
    clip = media.load(samples / name).audio.samples
    alone = _fillers(clip, SpeechOptions())
    long, offsets = devset.in_read_speech(samples, clip)
    inside = _fillers(long, SpeechOptions())
    copies = []
    for off in offsets:
        expected = [Event(e.kind, e.start + off, e.end + off) for e in alone]
        here = [e for e in inside if off <= e.start < off + len(clip) / SR]
        copies.append((off, here, match("copy", expected, here, tolerance_s=0.3)))
    return alone, copies


def _fillers(x: np.ndarray, options) -> list[Event]:
    t = speech.transcribe(Audio(np.ascontiguousarray(x, dtype=np.float32), SR), options)
    return [Event(w.filler_kind, w.start, w.end) for w in t.words if w.filler_kind in ("um", "uh")]


def test_recover_without_speech_changes_nothing():
    audio = Audio(np.zeros(SR, np.float32), SR)
    words = [Word("hello", 0.1, 0.4, 0.9)]
    assert filled_pauses.recover(audio, words, [Span(0.0, 0.5)]) == words


def test_candidates_are_the_fillers_and_nothing_in_fluent_speech(samples):
    host = _host(samples).astype(np.float32)
    assert filled_pauses.candidates(Audio(host, SR), pitch.track(host, SR)) == []
    audio, _, d = _spliced(samples, _at_host_pitch(samples, 8))
    spans = filled_pauses.candidates(audio, pitch.track(audio.samples, SR))
    assert len(spans) == 1 and spans[0].start < _AT + d and spans[0].end > _AT


def test_a_candidate_is_judged_against_its_own_voice_amid_others(samples):
    """mfa_uh's held "uhhh", a man's, twice amid a woman's and a man's reading: against the voices around it its
    pitch was no filler's, and the chunks that hold it got no prompt; against its own voice it is a candidate."""
    clip = media.load(samples / "speech_disfluent" / "mfa_uh.flac").audio.samples
    x, offsets = devset.in_read_speech(samples, clip)
    audio = Audio(x.astype(np.float32), SR)
    spans = filled_pauses.candidates(audio, pitch.track(audio.samples, SR))
    uh = next(t for t in devset.TOKENS if t.file.endswith("mfa_uh.flac"))
    for o in offsets:
        assert any(s.start < o + uh.end and s.end > o + uh.start for s in spans), (o, spans)


def test_the_voiced_stretches_are_computed_once_for_the_second_look_and_the_recovery(samples, monkeypatch):
    """``hidden`` (the second look) and ``recover`` ask for the same track's voiced stretches; another track gets its
    own."""
    host = _host(samples).astype(np.float32)
    calls = []
    real = filled_pauses._voiced_stretches
    monkeypatch.setattr(filled_pauses, "_voiced_stretches", lambda *a: calls.append(a) or real(*a))
    monkeypatch.setattr(filled_pauses, "_stretches", filled_pauses._Last())
    audio, track = Audio(host, SR), pitch.track(host, SR)
    words = [Word(t, a, b, 0.9) for t, a, b in _HOST_WORDS]
    filled_pauses.hidden(audio, track, words)
    filled_pauses.recover(audio, words, [Span(0.0, 7.0)], track)
    assert len(calls) == 1
    filled_pauses.hidden(audio, pitch.track(host, SR), words)
    assert len(calls) == 2


def test_the_spectral_flux_is_computed_once_for_the_prompt_and_the_recovery(samples, monkeypatch):
    """candidates (the recogniser's prompt) and recover ask for the same audio's flux; the second gets the first's,
    and different audio, or the same samples with other frame times, gets its own."""
    host = _host(samples).astype(np.float32)
    calls = []
    real = filled_pauses._spectral_flux
    monkeypatch.setattr(filled_pauses, "_spectral_flux", lambda a, t: calls.append(a) or real(a, t))
    monkeypatch.setattr(filled_pauses, "_flux", filled_pauses._Last())
    audio, track = Audio(host, SR), pitch.track(host, SR)
    first = filled_pauses.candidates(audio, track)
    filled_pauses.recover(audio, [Word(t, a, b, 0.9) for t, a, b in _HOST_WORDS], [Span(0.0, 7.0)], track)
    assert len(calls) == 1
    assert filled_pauses.candidates(audio, track) == first and len(calls) == 1
    other = Audio(host.copy(), SR)
    filled_pauses.candidates(other, track)
    filled_pauses.candidates(other, pitch.track(other.samples, SR))
    assert len(calls) == 3


class _Recorder(FakeRecognizer):
    def recognize(self, audio, options, progress=None, prompt_where=None):
        self.prompt_where = prompt_where
        return super().recognize(audio, options, progress)


def test_the_filler_prompt_goes_only_where_filler_like_sound_is(samples):
    """transcribe hands the recogniser the candidates; none for fluent speech, so no prompt there."""
    host = _host(samples).astype(np.float32)
    rec = _Recorder([Word(t, a, b, 0.9) for t, a, b in _HOST_WORDS])
    speech.transcribe(Audio(host, SR), recognizer=rec)
    assert rec.prompt_where == []
    audio, words, _ = _spliced(samples, _at_host_pitch(samples, 8))
    rec = _Recorder(words)
    speech.transcribe(audio, recognizer=rec)
    assert rec.prompt_where and rec.prompt_where[0].start >= _AT - 0.1
    rec = _Recorder(words)
    speech.transcribe(audio, SpeechOptions(filler_prompt=False), recognizer=rec)
    assert rec.prompt_where is None  # no prompt asked for: nothing to place


def _track_of(f0: np.ndarray, level_db: np.ndarray | None = None) -> pitch.PitchTrack:
    """A pitch track of these F0 values, 10 ms apart, clearly periodic where voiced (at -20 dB unless ``level_db``)."""
    n = len(f0)
    level = np.full(n, -20.0) if level_db is None else level_db
    return pitch.PitchTrack(times=np.arange(n) * 0.01 + 0.005, f0=f0, strength=np.full(n, 0.9), level_db=level)


def _held_vowel_track(f0_frames: np.ndarray, voice_hz: float = 190.0) -> tuple[pitch.PitchTrack, Audio]:
    """A pitch track: 2 s of a voice around ``voice_hz`` with the stretch ``f0_frames`` in its middle."""
    rng = np.random.default_rng(0)
    around = voice_hz * 2 ** (rng.normal(0, 2, 100) / 12)
    track = _track_of(np.concatenate([around, f0_frames, around]))
    return track, Audio(np.zeros(len(track.f0) * 160, dtype=np.float32), SR)


def test_an_octave_error_of_the_tracker_is_not_pitch_movement():
    """A held vowel that the tracker reads half its frames an octave low (as it does on the nasal end of a
    high voice's "um") is as flat as it sounds, at the voice's own octave; a glide or a low stretch stays as it is."""
    rng = np.random.default_rng(1)
    wobble = 2 ** (rng.normal(0, 0.05, 54) / 12)
    held = 180.0 * wobble
    halved = np.where(np.arange(54) < 27, held / 2, held)  # a halving error over half the frames
    track, audio = _held_vowel_track(halved)
    v = filled_pauses._stats(track, audio, 100, 154, 0.01)
    assert v.spread_st < 0.5 and abs(v.slope_st_s) < 2 and 170 < v.f0_hz < 190
    assert v.usual_pitch and filled_pauses._is_filled_pause(v)
    plain = filled_pauses._stats(*_held_vowel_track(held), 100, 154, 0.01)
    assert abs(plain.f0_hz - v.f0_hz) < 2 and abs(plain.spread_st - v.spread_st) < 0.1
    glide = 150.0 * 2 ** (np.linspace(0, 13, 54) / 12)  # over an octave, smoothly: not folded
    np.testing.assert_allclose(filled_pauses._one_octave(glide, 190.0), glide)
    low = held / 2  # a stretch an octave under the voice, with no jump inside it, is left low
    np.testing.assert_allclose(filled_pauses._one_octave(low, 190.0), low)


@pytest.mark.parametrize(("written", "is_filler"), [("th...", True), ("so...", False)])
def test_a_word_cut_off_before_its_vowel_cannot_be_drawn_out(samples, written, is_filler):
    """The recogniser writes the start of a word the speaker broke off, and times it over the "uh" that followed:
    "th..." has no vowel, so the held vowel is the filler; a held "so..." is the word itself, drawn out."""
    sound = _at_host_pitch(samples, 8)
    audio, words, _ = _spliced(samples, sound)
    much = next(i for i, w in enumerate(words) if w.text == "much")
    words[much] = replace(words[much], end=_AT)  # "much" keeps its own time
    held = next(s for s in filled_pauses.candidates(audio, pitch.track(audio.samples, SR)) if s.start >= _AT - 0.1)
    words.insert(much + 1, Word(written, held.start, held.end, 0.5))  # timed on the held vowel, as Whisper does
    found = [w for w in _recover(audio, words) if w.filler_kind in ("um", "uh")]
    assert len(found) == (1 if is_filler else 0), found


@pytest.mark.parametrize(("formants_hz", "joined"), [((490, 1350, 1690), True), ((640, 1190, 2390), False)])
def test_an_er_after_a_word_broken_off_is_its_last_syllable_when_r_coloured(samples, formants_hz, joined):
    """A speaker says a word in pieces and the recogniser writes its "-er" apart, "Align... Er..." (mfa_internalsil):
    on the r-coloured vowel of "-er" it is the word's last syllable, joined to it; on the central vowel of a filler
    ("er" as British transcripts write "uh") it stays a filler. Formants: Peterson and Barney's [ɝ] and [ʌ]."""
    pause = 0.4
    sound = np.concatenate([np.zeros(int(pause * SR), np.float32), vowel(formants_hz, f0=100.0, seconds=0.35)])
    audio, words, d = _spliced(samples, sound, absorbed_by="neither")
    much = next(i for i, w in enumerate(words) if w.text == "much")
    words[much] = replace(words[much], text="much...")
    words.insert(much + 1, Word("Er...", _AT + pause, _AT + d, 0.6))
    out = _recover(audio, words)
    assert ("mucher..." in [w.text for w in out]) == joined, out
    assert len([w for w in out if w.filler_kind == "uh"]) == (0 if joined else 1), out


def test_the_floor_is_the_modal_voices_not_its_creak():
    """A speaker whose phrase ends creak, or whom the tracker halves, for a fifth of the frames: the floor that a
    filler is judged against stays at the bottom of the modal voice, not an octave under it."""
    rng = np.random.default_rng(2)
    modal = 200.0 * 2 ** (rng.normal(0, 2, 1000) / 12)
    creaky = np.where(rng.random(1000) < 0.2, modal / 2, modal)

    def floor(f0: np.ndarray) -> float:
        return filled_pauses._speaker_pitch(_track_of(f0), 500, 501, 0.01)[1]

    assert abs(12 * np.log2(floor(creaky) / floor(modal))) < 1.0  # an octave under it without the fix


def _uhuh_said() -> list[Event]:
    """mfa_uhuh's six "uh"s: the dev set's five tokens and the quick fifth, which touches the long last one (too
    short to splice, so no token)."""
    said = [Event(t.kind, t.start, t.end) for t in devset.TOKENS if t.file.endswith("mfa_uhuh.flac")]
    return sorted([*said, Event("uh", 4.36, 4.50)], key=lambda e: e.start)


def _uhuh_found(samples, words: list[Word]) -> tuple[list[Word], Matches]:
    """The um/uh recovered from mfa_uhuh with the recogniser's ``words``, and how they match its six "uh"s (within
    0.1 s, whatever the kind)."""
    audio = media.load(samples / "speech_disfluent" / "mfa_uhuh.flac").audio
    found = [w for w in _recover(audio, words) if w.filler_kind in ("um", "uh")]
    return found, match("mfa_uhuh", _uhuh_said(), [Event("uh", w.start, w.end) for w in found], tolerance_s=0.1)


def test_a_run_of_uh_follows_the_sound_not_the_recogniser(samples):
    """mfa_uhuh says "Montreal uh uh uh uh uh uh forced aligner". Inside a longer talk Whisper wrote only two "uh"s,
    late, and dropped "Montreal" (live_bench's talk, as the recogniser timed it there). The run's fillers go to the
    bursts that sound like fillers, and the run grows to them; "Montreal", left in the gap, is not taken for one."""
    words = [
        Word("Uh,", 4.04, 4.72, 0.4), Word("uh,", 5.44, 5.52, 0.8), Word("forced", 5.66, 5.70, 0.9),
        Word("to", 5.70, 5.84, 0.9), Word("liner.", 5.84, 6.90, 0.9),
    ]  # fmt: skip
    found, m = _uhuh_found(samples, words)
    assert len(m.hits) >= 4 and not m.false_alarms, found
    assert all(w.start >= 1.4 for w in found), found  # nothing on "Montreal" (about 0.9-1.4 s)


def test_a_series_grows_by_its_own_sound_said_again_even_where_its_pitch_falls(samples):
    """mfa_uhuh's six "uh"s in pink noise 20 dB under them: the recogniser wrote four, as instants. Its third and
    fifth "uh" (0.17 and 0.13 s) fall 3 semitones as they fade, too fast for a filler found on its own; at the
    series' pitch, between fillers the recogniser heard, they are its sound said again, and the run grows by them."""
    words = [
        Word("Montreal,", 0.76, 1.32, 0.9), Word("uh,", 2.38, 2.38, 0.5), Word("uh,", 3.98, 3.98, 0.5),
        Word("uh,", 4.66, 4.66, 0.5), Word("uh,", 4.84, 4.84, 0.5), Word("the", 5.70, 5.84, 0.9),
        Word("liner.", 5.84, 6.00, 0.9),
    ]  # fmt: skip
    found, m = _uhuh_found(samples, words)
    assert len(m.hits) == 6 and not m.false_alarms, found


@pytest.mark.parametrize("voiced", [True, False])
def test_a_filler_written_over_no_voice_is_dropped(samples, voiced):
    """A filled pause is voiced: an "uh" the recogniser wrote over a breath stands on its language model alone
    (cold_corpus3's "the, uh, acoustic"); over an "uh" said there, it is kept."""
    sound = _at_host_pitch(samples, 0) if voiced else 0.3 * devset._breath(random.Random(0), 0.4)
    audio, words, d = _spliced(samples, sound, absorbed_by="neither")
    words = sorted([*words, Word("uh,", _AT + 0.05, _AT + d - 0.05, 0.6)], key=lambda w: w.start)
    found = [w for w in _recover(audio, words) if w.filler_kind == "uh"]
    assert len(found) == (1 if voiced else 0), found


def test_a_series_grows_to_fillers_the_speech_detector_did_not_hear(samples):
    """Silero often hears no speech in a filler (a hummed "hm", a quiet "uh" between two pauses): in the MFA
    fixture "uh um uh hm hm um" it heard none in the last three. A series the recogniser heard still grows to the
    filler-like bursts in its gap, heard as speech or not."""
    audio = media.load(samples / "speech_disfluent" / "mfa_uhuh.flac").audio
    words = [
        Word("Montreal,", 0.88, 1.32, 0.9), Word("uh,", 1.43, 1.58, 0.8), Word("uh,", 1.92, 2.06, 0.8),
        Word("forced", 5.66, 5.70, 0.9), Word("to", 5.70, 5.84, 0.9), Word("liner.", 5.84, 6.90, 0.9),
    ]  # fmt: skip
    heard = [Span(0.8, 2.2), Span(5.6, 7.0)]  # none of the four "uh"s after the first two
    found = filled_pauses.recover(audio, words, heard)
    said = _uhuh_said()
    # where they are, whatever kind each is heard as (a quick "uh" ending in a darker fade reads as "um")
    heard_at = [Event("uh", w.start, w.end) for w in found if normalize(w.text) in NON_LEXICAL]
    m = match("mfa_uhuh", said, heard_at, tolerance_s=0.1)
    assert len(m.hits) >= 4 and not m.false_alarms, heard_at


def test_a_series_grows_by_a_filler_split_where_its_loudness_dips_once():
    """MFA's mfa_uhum: a hum after the recogniser's four fillers came as three touching pieces (dips in its
    loudness) and was counted as three "uh"s."""
    words = [
        Word("Forest,", 1.0, 1.5, 0.9), Word("umm,", 1.6, 1.9, 0.8), Word("umm,", 2.0, 2.4, 0.8),
        Word("for", 6.0, 6.2, 0.9),
    ]  # fmt: skip
    bursts = [_like(1.6, 1.9), _like(2.0, 2.4), _like(3.0, 3.27), _like(3.27, 3.41), _like(3.41, 3.6)]
    out, _ = filled_pauses._fit_runs(words, bursts, 7.0)
    added = [(w.start, w.end) for w in out if w.source == "recovered"]
    assert added == [(3.0, 3.6)]


def test_a_run_fits_an_um_as_one_burst_and_two_uhs_without_a_break_as_two():
    """mfa_uhum's "uh um uh": the recogniser wrote "uh, uh" after the first, and the fitting gave one to the um's
    vowel and one to its murmur (a piece 8 dB under the vowel at its loudest, where its loudness dips), so the second
    "uh" went unmatched and the um was counted as two "uh"s. mfa_uhuh's last two "uh"s touch as well (no break in
    the voice), and the second is as loud as the first, at another pitch (99 and 86 Hz): two fillers."""
    words = [Word("forced,", 1.0, 1.3, 0.9), Word("uh,", 2.4, 2.4, 0.8), Word("uh,", 4.1, 4.1, 0.8)]
    words.append(Word("for", 6.0, 6.2, 0.9))
    vowel, murmur = replace(_like(2.3, 2.7), peak_db=-21.0), replace(_like(2.7, 2.9), peak_db=-29.0)
    uh = replace(_like(3.0, 3.8), peak_db=-18.0)
    out, _ = filled_pauses._fit_runs(words, [vowel, murmur, uh], 7.0)
    assert [(w.start, w.end) for w in out if w.text == "uh,"] == [(2.3, 2.9), (3.0, 3.8)]
    first, second = replace(_like(4.35, 4.5, f0=99.0), peak_db=-18.0), replace(_like(4.5, 5.25, f0=86.0), peak_db=-14.5)
    out, _ = filled_pauses._fit_runs([words[0], words[1], words[1], words[3]], [first, second], 7.0)
    assert [(w.start, w.end) for w in out if w.text == "uh,"] == [(4.35, 4.5), (4.5, 5.25)]


def test_a_series_grows_by_a_filler_like_burst_its_fillers_left_when_they_took_the_others():
    """mfa_uhuh inside a longer recording: the recogniser wrote five of its six "uh"s, only three of the quick ones
    and the long last one sounded like fillers, so the five took the first five bursts of any kind, and the long
    "uhhh" after them, the likest of all, was left out: the series grew only when more bursts than fillers were
    filler-like."""
    words = [Word("Montreal,", 0.5, 1.3, 0.9), *[Word("uh,", 2.0 + k, 2.2 + k, 0.8) for k in range(5)]]
    words.append(Word("to", 8.0, 8.2, 0.9))
    quick = replace(_like(0.0, 0.0), spread_st=1.6)  # too unsteady for a filler on its own
    times = [(1.43, 1.58), (1.92, 2.06), (2.61, 2.8), (3.25, 3.51), (4.35, 4.49)]
    bursts = [replace(_like(a, b) if k in (0, 1, 3) else quick, start=a, end=b) for k, (a, b) in enumerate(times)]
    bursts.append(_like(4.54, 5.26))
    out, _ = filled_pauses._fit_runs(words, bursts, 9.0)
    assert [(w.start, w.end) for w in out if w.text != "Montreal," and w.text != "to"] == [*times, (4.54, 5.26)]


def test_a_burst_one_run_took_is_not_the_next_runs():
    """mfa_uhuh's second copy in read speech, as the second look wrote it: two runs of "uh" either side of a "The"
    stretched over 1.9 s; its plausible length leaves both runs' gaps reaching over the long "uhhh". The first
    run takes its bursts and grows by the rest; the second, whose gap holds nothing else, is the same fillers
    written again, not a second filler on the same sound."""
    words = [Word("process...", 0.0, 3.88, 0.9), Word("uh,", 2.41, 2.41, 0.8), Word("uh,", 3.33, 3.67, 0.8)]
    words += [Word("The", 3.88, 5.74, 0.9), Word("uh,", 4.47, 4.81, 0.8), Word("uh,", 5.43, 5.49, 0.8)]
    words.append(Word("invention", 5.74, 6.0, 0.9))
    bursts = [_like(1.43, 1.59), _like(1.92, 2.07), _like(3.26, 3.52), _like(4.56, 5.27)]
    lexical = [w for w in words if w.text != "uh,"]
    out, _ = filled_pauses._fit_runs(words, bursts, 9.0, filled_pauses._Tempo(lexical))
    found = sorted((w.start, w.end) for w in out if w not in lexical)
    assert found == [(v.start, v.end) for v in bursts]


def test_a_word_far_longer_than_its_syllables_hides_no_burst_from_a_series(samples):
    """mfa_uhuh's second copy in read speech, as the recogniser wrote it: "The" (the next clip's first word, said
    after the last "uh") stretched back over 1.9 s, from the quick fifth "uh" on. Where the sound of a word timed far
    longer than its syllables lies is not known, so it keeps no burst from the runs around it: counted at its start,
    it hid the quick fifth from the series, and five of the six were found."""
    words = [
        Word("process...", 0.0, 3.88, 0.9), Word("uh,", 2.41, 2.41, 0.5), Word("uh,", 3.33, 3.33, 0.5),
        Word("uh,", 3.33, 3.67, 0.5), Word("The", 3.88, 5.74, 0.9), Word("uh,", 4.47, 4.81, 0.5),
        Word("uh,", 5.43, 5.43, 0.5), Word("uh,", 5.43, 5.49, 0.5), Word("invention", 5.74, 6.0, 0.9),
    ]  # fmt: skip
    found, m = _uhuh_found(samples, words)
    assert len(m.hits) == 6 and not m.false_alarms, found


def _voices_track(*parts: tuple[float, float]) -> pitch.PitchTrack:
    """A pitch track of (seconds, Hz) parts: a voice wandering ±2 st around Hz, or a pause where Hz is 0."""
    rng = np.random.default_rng(4)
    return _track_of(np.concatenate([hz * 2 ** (rng.normal(0, 2, int(s * 100)) / 12) for s, hz in parts]))


def test_another_voice_is_found_where_it_begins_and_a_lone_word_is_not_one():
    """A man reads, pauses, a woman reads (an octave up): one change of voice, where she begins; the man's floor
    is his own however near she is. A word held high between two pauses inside one voice is no change."""
    track = _voices_track((8, 100), (0.5, 0), (8, 210))
    changes = filled_pauses._voice_changes(track)
    assert [round(float(track.times[c]), 1) for c in changes] == [8.5]
    just_before = int(7.5 / 0.01)  # his last half second: the 10 s around it would be half hers
    med, floor = filled_pauses._speaker_pitch(track, just_before, just_before + 20, 0.01, changes)
    med_mixed, _ = filled_pauses._speaker_pitch(track, just_before, just_before + 20, 0.01)
    assert abs(12 * np.log2(med / 100)) < 1 and 12 * np.log2(med_mixed / 100) > 3  # his median, not theirs
    assert abs(12 * np.log2(floor / np.percentile(track.f0[:800], 10))) < 0.5
    one_voice = _voices_track((6, 100), (0.4, 0), (0.5, 150), (0.4, 0), (6, 100))
    assert len(filled_pauses._voice_changes(one_voice)) == 0


def test_a_voice_that_has_just_begun_has_said_no_word_yet():
    """The first sound of a new voice follows the last word of the one before it: not "between words", as at the
    start of a recording (a reader's held "And..." after another speaker's clip was taken for an "um")."""
    v = filled_pauses._Voiced(38.50, 38.73, 228.0, 0.3, 0.0, 0.9, True, False)
    before = [Word("much.", 37.2, 37.5, 0.9), Word("so", 38.87, 39.2, 0.9)]
    assert filled_pauses._between_words(v, before)
    assert not filled_pauses._between_words(v, before, np.array([38.51]))
    assert filled_pauses._between_words(v, before, np.array([20.0]))  # a voice that began long before


def _syllables_track(*parts: tuple[float, float, float]) -> pitch.PitchTrack:
    """A track of voiced stretches ``(start_s, end_s, f0)``, each a syllable: its level rises 6 dB to its middle and
    falls again (the stretch itself: held level), silence (-60 dB) between them."""
    n = int(max(p[1] for p in parts) * 100) + 50
    f0, level = np.zeros(n), np.full(n, -60.0)
    for a, b, hz in parts:
        i, j = int(a * 100), int(b * 100)
        f0[i:j] = hz
        level[i:j] = -20 - 6 * np.abs(np.linspace(-1, 1, j - i))
    return _track_of(f0, level)


def test_a_filler_before_the_first_word_is_one_where_that_word_keeps_a_syllable_of_its_own():
    """Nothing is said before it, so it is not between words; it is a filler when the word after it has a syllable
    of its own after it, and not when the recogniser timed its first word late, over the stretch's end."""
    track, v = _syllables_track((0.5, 0.9, 100.0), (1.0, 1.4, 110.0)), _like(0.5, 0.9, f0=100.0)  # "uhhh", "So"
    said = [Word("So", 0.95, 1.45, 0.9), Word("this", 1.45, 1.7, 0.9)]
    pace = filled_pauses._Articulation(track, said)
    assert filled_pauses._before_speech(v, said, pace)
    assert not filled_pauses._before_speech(v, [Word("So", 0.86, 0.98, 0.9), *said[1:]], pace)
    assert not filled_pauses._before_speech(v, [Word("So", 2.2, 2.5, 0.9)], pace)  # no word follows it soon
    assert not filled_pauses._before_speech(v, [Word("well", 0.1, 0.45, 0.9), *said], pace)  # between words


def test_a_stretch_in_a_gap_is_the_next_word_drawn_out_where_that_word_has_no_syllable_of_its_own():
    """The MFA fixture cold_corpus: "here's a long pause, aaand I think", the "and" held 0.4 s, and the recogniser
    timed "and" 0.08 s long, 0.2 s after the held vowel: the stretch in the gap before it was reported as "uh". The
    word after a stretch must keep a syllable of its own, as the word after an opening filler must
    (``_before_speech``): here it is voiced for 0.03 s, and the sound runs on from the vowel into it (its "nd").
    Where a silence parts them ("um, b't"), it has its own, or it lies further off, it is no test."""
    track = _syllables_track((0.2, 0.5, 110.0), (0.7, 1.1, 100.0), (1.3, 1.6, 115.0))  # "pause", "aaa", "I"
    v = _like(0.7, 1.1, f0=100.0)
    pause, i = Word("pause,", 0.2, 0.55, 0.9), Word("I", 1.3, 1.6, 0.9)
    late_and = Word("and", 1.3, 1.38, 0.9)
    track.level_db[110:130] = -24.0  # "nd", unvoiced to the tracker, as loud as the held vowel's ends
    track.f0[130:133] = 115.0
    track.f0[133:160] = 0.0  # and the word's own voicing only 30 ms
    pace = filled_pauses._Articulation(track, [pause, late_and])
    assert filled_pauses._drawn_out_after(v, [pause, late_and], pace)
    track.level_db[115:125] = -60.0  # a silence between: the word is said after it
    assert not filled_pauses._drawn_out_after(v, [pause, late_and], filled_pauses._Articulation(track, [pause]))
    track = _syllables_track((0.2, 0.5, 110.0), (0.7, 1.1, 100.0), (1.3, 1.6, 115.0))
    track.level_db[110:130] = -24.0
    pace = filled_pauses._Articulation(track, [pause, i])
    assert not filled_pauses._drawn_out_after(v, [pause, i], pace)  # "I" says its own syllable: "uhhh, I"
    assert not filled_pauses._drawn_out_after(v, [pause, Word("and", 1.5, 1.6, 0.9)], pace)  # too far to be it
    together = Word("together", 1.3, 1.38, 0.9)  # a word of several syllables is not one held vowel
    assert not filled_pauses._drawn_out_after(v, [pause, together, i], pace)


def test_a_word_keeps_a_syllable_of_its_own_beside_a_stretch_or_is_the_stretch_drawn_out():
    """mfa_surround's "going toooo be": the recogniser's "to" held the vowel's onset and fade, 0.1 s of voicing
    beside the steady stretch at its pitch, and the held vowel was reported as "uh". A word keeps a syllable of its
    own when that voicing has a loudness peak of its own (a dip between it and the stretch) or another pitch."""
    v = _like(0.6, 1.0, f0=100.0)
    held = _track_of(
        np.r_[np.zeros(50), np.full(60, 100.0), np.zeros(40)],
        np.r_[
            np.full(50, -60.0),
            np.linspace(-30, -20, 10),
            np.full(40, -20.0),
            np.linspace(-20, -30, 10),
            np.full(40, -60.0),
        ],
    )
    to = Word("to", 0.45, 1.3, 0.9)
    assert not filled_pauses._Articulation(held, [to]).keeps_own_syllable(to, v)
    the_uh = _syllables_track((0.3, 0.55, 100.0), (0.6, 1.0, 100.0))  # "the", a break, then the stretch
    the = Word("the", 0.3, 1.0, 0.9)
    assert filled_pauses._Articulation(the_uh, [the]).keeps_own_syllable(the, v)
    other_voice = _syllables_track((0.45, 0.6, 160.0), (0.6, 1.0, 100.0))  # at a pitch 8 st up, no dip between
    other_voice.level_db[45:60] = -20.0
    assert filled_pauses._Articulation(other_voice, [the]).keeps_own_syllable(the, v)
    assert not filled_pauses._Articulation(the_uh, [the]).keeps_own_syllable(Word("the", 0.58, 1.0, 0.9), v)


def test_a_pitch_gliding_into_the_stretch_is_its_vowels_onset_and_a_jump_is_a_syllable_of_its_own():
    """A held "the" from the filler bench's hard negatives: its voicing runs into the held vowel with no break and
    no dip, its pitch falling 6 semitones on the way, at about one a frame, as a voice's pitch moves. That is the
    vowel beginning, not "the" said at its own pitch and then an "uh". The same 8 semitones as one step is a voice
    starting again at another pitch: a syllable of its own (or another voice)."""
    v = _like(0.6, 1.0, f0=100.0)
    the = Word("the", 0.45, 1.0, 0.9)
    for glide, own in ((np.geomspace(160.0, 100.0, 16)[:-1], False), (np.full(15, 160.0), True)):
        track = _syllables_track((0.45, 0.6, 160.0), (0.6, 1.0, 100.0))
        track.f0[45:60] = glide
        track.level_db[45:100] = -20.0  # one level throughout: no loudness peak of its own
        assert filled_pauses._Articulation(track, [the]).keeps_own_syllable(the, v) is own
    after = Word("letters", 0.6, 1.2, 0.9)  # and as the vowel fades, gliding up into the next word's pitch
    track = _syllables_track((0.6, 1.0, 100.0), (1.0, 1.15, 160.0))
    track.f0[100:115], track.level_db[60:115] = np.geomspace(100.0, 160.0, 16)[1:], -20.0
    assert not filled_pauses._Articulation(track, [after]).keeps_own_syllable(after, v)


def test_a_steady_stretch_in_a_gap_that_holds_a_filler_already_is_not_a_second_one():
    """As measured on the held-out monologue in a small noisy room: the recogniser wrote "umm" after an instant
    "but", and the um's steady stretch before "but" was taken for another. A filler found past the next word is in
    another gap."""
    v = _like(17.62, 17.86)
    words = [Word("say,", 17.42, 17.64, 0.9), Word("but,", 18.22, 18.22, 0.9), Word("here's", 18.5, 18.68, 0.9)]
    lexical = list(words)
    assert filled_pauses._filler_in_gap(v, lexical, [*words, Word("umm,", 18.22, 18.46, 0.9)])
    assert not filled_pauses._filler_in_gap(v, lexical, words)
    assert not filled_pauses._filler_in_gap(v, lexical, [*words, Word("um", 18.9, 19.3, 0.9)])
    assert not filled_pauses._filler_in_gap(v, lexical, [Word("uh", 16.9, 17.3, 0.9), *words])


def test_a_voice_is_its_densest_octave_not_the_trackers_outliers():
    """A breathy voice (MFA's cold_corpus, a man at 62-70 Hz) is tracked at a formant's ringing, far above it, in
    many frames: after a pause, where those were more than half, the medians of the two sides made another voice
    of him. Each side's pitch is the median of its densest octave; a real change is still one."""
    rng = np.random.default_rng(3)
    voice = lambda n: 66.0 * 2 ** (rng.normal(0, 0.7, n) / 12)  # noqa: E731
    ringing = lambda n: rng.uniform(200.0, 600.0, n)  # noqa: E731
    after = np.concatenate([voice(140), ringing(170)])
    rng.shuffle(after)
    f0 = np.concatenate([voice(320), np.zeros(50), after])
    assert len(filled_pauses._voice_changes(_track_of(f0))) == 0
    f0[370:] = np.where(f0[370:] > 0, 2 * f0[370:], 0.0)  # a voice an octave up after the pause: another voice
    f0[370:][f0[370:] > 300] = 132.0
    assert len(filled_pauses._voice_changes(_track_of(f0))) == 1


def test_a_change_of_voice_is_placed_at_the_pause_where_the_voices_hand_over():
    """Two breaks near a change see about the same step (as measured in a woman's reading followed by a man's clip:
    10.4 st at a 0.5 s pause inside her last words and at the 1.8 s pause before him); the change is the longer
    pause, where he begins. Breaks further apart are separate changes."""
    near = [(10.44, 49, 3730), (10.41, 179, 4028)]
    assert filled_pauses._one_per_change(near, 500) == [4028]
    assert filled_pauses._one_per_change([*near, (12.0, 40, 5000)], 500) == [4028, 5000]
    track = _voices_track((8, 100), (0.4, 0), (0.8, 100), (1.5, 0), (8, 210))
    assert [round(float(track.times[c]), 1) for c in filled_pauses._voice_changes(track)] == [10.7]


def _like(start: float, end: float, f0: float = 115.0, usual: bool = True) -> filled_pauses._Voiced:
    """A voiced burst with a filled pause's pitch statistics."""
    return filled_pauses._Voiced(start, end, f0, 0.5, 0.0, 0.8, usual, True, jitter_cents=20.0, above_floor_st=0.5)


# ba_test_monologue's "...to say, um, but here's...": the recogniser wrote "but" as an instant and "umm" after it
_SAY_UM_BUT = [Word("say,", 17.4, 17.62, 0.9), Word("but,", 18.2, 18.2, 0.9), Word("here's", 18.48, 18.68, 0.9)]
_UM, _BUT = _like(17.53, 17.99), _like(18.11, 18.16, f0=420.0, usual=False)


def test_a_burst_like_a_filler_under_a_word_is_where_to_look_again():
    """``hidden``: once words are known, the voiced bursts like a filler that a word covers (the second look's
    places beside the steady stretches, ``podium.speech``); none where the burst lies in a gap, which the recovery
    hears itself, and none for a syllable of ordinary length."""
    parts = [(0.2 + 0.25 * k, 0.35 + 0.25 * k, 120.0 + 8 * (k % 3)) for k in range(8)]  # eight quick syllables
    track = _syllables_track(*parts, (2.3, 2.75, 100.0), (2.9, 3.05, 125.0), (3.15, 3.3, 118.0))
    rng = np.random.default_rng(1)
    track.f0[230:275] *= 2 ** (rng.normal(0, 0.05, 45) / 12)  # a voice's jitter, a few cents
    track.level_db[232:273] = -20.0  # held
    audio = Audio(np.zeros(len(track.f0) * 160, dtype=np.float32), SR)
    said = [Word(f"w{k}", a, b + 0.05, 0.9) for k, (a, b, _) in enumerate(parts)]
    but = Word("but", 2.25, 2.85, 0.9)
    after = [Word("here's", 2.88, 3.1, 0.9), Word("some", 3.12, 3.35, 0.9)]
    found = filled_pauses.hidden(audio, track, [*said, but, *after])
    assert [(s.start, s.end) for s in found] == [(pytest.approx(2.3, abs=0.01), pytest.approx(2.75, abs=0.01))]
    assert filled_pauses.hidden(audio, track, [*said, *after]) == []  # in a gap: recover's own test
    glide = replace(track, f0=track.f0.copy())  # a new track: a track's arrays are read, never changed (``_Last``)
    glide.f0[230:275] = np.linspace(100.0, 130.0, 45)  # a syllable's glide, not a filler's flat pitch
    assert filled_pauses.hidden(audio, glide, [*said, but, *after]) == []


def test_a_filler_written_in_a_silent_gap_takes_the_filler_like_burst_under_the_word_beside_it():
    """The same monologue inside a longer recording, decoded on another CPU: "say but um, here's", "but" timed over
    the um's voice (17.56-18.14) and the "um" written in the silence after it. With no voice in its gap, a filler
    the recogniser heard takes the one burst like a filler within the word beside it; where there are two, or the
    sound there is not like a filler, it stays as written."""
    words = [
        Word("say", 17.42, 17.56, 0.9),
        Word("but", 17.56, 18.14, 0.9),
        Word("um,", 18.14, 18.52, 0.9),
        Word("Here's", 18.6, 18.9, 0.9),
    ]
    out, _ = filled_pauses._fit_runs(words, [_BUT], 25.0, None, [_UM, _BUT])
    assert [(w.text, w.start, w.end) for w in out if w.text == "um,"] == [("um,", 17.53, 17.99)]
    for under in ([_BUT], [_like(17.57, 17.82), _like(17.85, 18.1)], [replace(_UM, spread_st=3.0)]):
        out, _ = filled_pauses._fit_runs(words, [_BUT], 25.0, None, under)
        assert [(w.start, w.end) for w in out if w.text == "um,"] == [(18.14, 18.52)]


def test_a_word_timed_as_an_instant_is_the_sound_it_ends_in_not_the_one_before():
    """A "but" at 18.2 s with no duration stands for the short burst just before (18.11 s), not the "um" before that:
    the 0.4 s it used to reach back hid the filler (the clip's second copy in read speech lost it)."""
    lexical = filled_pauses._with_min_extent(_SAY_UM_BUT, [_UM, _BUT])
    assert lexical[1].start == pytest.approx(18.11)
    assert filled_pauses._with_min_extent(_SAY_UM_BUT)[1].start == pytest.approx(17.8)  # no sound known: 0.4 s


def test_an_instant_word_well_after_the_last_voiced_sound_is_not_that_sound():
    """Through Opus at 24 kbps the short burst of "but" is not voiced any more, and the recogniser leaves the "um"
    out: the last voiced sound before "but" (18.2 s) is the "um", which ended 0.21 s before. "but" reaches back to
    the um's end, not into it, so the um is left uncovered to be found."""
    lexical = filled_pauses._with_min_extent(_SAY_UM_BUT, [_UM])
    assert lexical[1].start == pytest.approx(17.99)
    near = filled_pauses._with_min_extent(_SAY_UM_BUT, [_like(17.53, 18.1)])  # a sound it ends just after: its own
    assert near[1].start == pytest.approx(17.8)


def test_a_filler_heard_next_to_an_instant_word_may_lie_on_its_other_side():
    """The recogniser heard "but, umm" with "but" an instant; the um's sound is before "but": the filler goes there."""
    words = [*_SAY_UM_BUT[:2], Word("umm,", 18.2, 18.4, 0.4), _SAY_UM_BUT[2]]
    out, claimed = filled_pauses._fit_runs(words, [_UM], 25.0)
    um = [w for w in out if w.text == "umm,"]
    assert [(w.start, w.end) for w in um] == [(17.53, 17.99)] and claimed == {_UM}


@pytest.mark.parametrize("rt60", [0.3, 0.6])
def test_room_reverberates_for_the_asked_time_with_equal_direct_sound(rt60):
    """The bench's room (``--reverb``): the response's energy decays 60 dB in RT60 (measured as a room acoustician
    would, by Schroeder's backward integration, from the -5 to -35 dB slope) and its tail holds as much energy as the
    direct sound; a recording played in it keeps its length and the level of its speech."""
    h = devset.room_response(rt60, 0.0, seed=3)
    decay = np.cumsum((h**2)[::-1])[::-1]
    db = 10 * np.log10(decay / decay[0])
    a, b = np.searchsorted(-db, 5.0), np.searchsorted(-db, 35.0)
    slope = np.polyfit(np.arange(a, b) / SR, db[a:b], 1)[0]
    assert -60.0 / slope == pytest.approx(rt60, rel=0.1)
    assert 10 * np.log10(h[0] ** 2 / np.sum(h[1:] ** 2)) == pytest.approx(0.0, abs=0.1)
    t = np.arange(3 * SR) / SR
    x = np.where((t % 1.0) < 0.5, 0.3 * np.sin(2 * np.pi * 150 * t), 0.0)
    y = devset.reverberant(x, rt60)
    assert len(y) == len(x)
    assert devset._rms_speech(y) == pytest.approx(devset._rms_speech(x), rel=0.01)
    assert np.abs(y[int(0.55 * SR) : int(0.6 * SR)]).max() > 0.01  # the room rings on after the burst stops


def test_only_the_part_whose_loudness_holds_counts():
    """A held sound keeps its level (an "um" in two steps, its vowel then its quieter nasal); a room's ringing after
    a vowel fades at 60 dB per reverberation time."""
    hop = 0.01
    vowel_then_nasal = np.concatenate([np.full(25, -17.0), np.full(35, -28.0)]) + np.tile([0.0, 1.5, -1.0], 20)
    assert filled_pauses._held_s(vowel_then_nasal, hop) == pytest.approx(0.35)
    ringing = np.concatenate([np.full(8, -10.0), -10.0 - 120.0 * np.arange(1, 31) * hop])  # RT60 0.5 s: 120 dB/s
    assert filled_pauses._held_s(ringing, hop) == pytest.approx(0.08 + 0.06)
    assert filled_pauses._held_s(np.full(40, -20.0), hop) == pytest.approx(0.4)


def test_a_vowel_ringing_on_in_a_room_is_not_a_filled_pause(samples):
    """Reverberation prolongs a vowel with its pitch and spectrum after the voice stops, but fading: read speech in a
    room whose reverberation lasts 0.5 s holds no filled pause (this clip gave a false "uh" on the ringing of "and"
    before the loudness of a stretch was asked to hold)."""
    x = media.load(samples / "speech_clean" / "ljspeech_LJ001-0016.wav").audio.samples.astype(np.float64)
    assert _fillers(devset.reverberant(x, 0.5), SpeechOptions()) == []


def test_a_filler_said_in_a_room_is_still_found(samples):
    x = media.load(samples / devset.TOKENS[0].file).audio.samples.astype(np.float64)
    found = _fillers(devset.reverberant(x, 0.5), SpeechOptions())
    assert [e.kind for e in found] == ["uh"]
    assert found[0].start < devset.TOKENS[0].end and found[0].end > devset.TOKENS[0].start


def test_a_held_vowel_shortened_keeps_its_start_its_end_and_its_pitch():
    """The dev set's shorter fillers: the middle of a held vowel taken out, joined once where the waveforms line up."""
    t = np.arange(int(0.9 * SR)) / SR
    f0 = 110 * 2 ** (-0.5 * t / 12)  # a slow fall, as a filler's
    x = sum(np.sin(2 * np.pi * k * np.cumsum(f0) / SR) / k for k in range(1, 8)) * np.minimum(1, t / 0.05)
    y = devset.shortened(x, 0.3)
    assert abs(len(y) - 0.3 * SR) <= 0.01 * SR
    assert np.array_equal(y[:1000], x[:1000]) and np.array_equal(y[-1000:], x[-1000:])
    # joined in phase: two sides out of phase would cancel in the crossfade (a dip to 0.78 of the level, measured)
    level = np.array([np.sqrt(np.mean(y[i : i + 160] ** 2)) for i in range(800, len(y) - 960, 40)])
    assert level.min() >= 0.9 * np.median(level)
    tr = pitch.track(np.concatenate([np.zeros(SR // 4), y, np.zeros(SR // 4)]).astype(np.float32), SR)
    assert np.all(np.abs(12 * np.log2(tr.f0[tr.f0 > 0] / 108)) < 1.0)  # the start's pitch, then the end's
    assert np.array_equal(devset.shortened(x, 2.0), x)  # not lengthened


def test_a_lengthened_word_holds_its_loudest_voiced_60_ms_and_nothing_else(tmp_path):
    """The bench's hesitation lengthening (``devset.lengthened``): one function word's nucleus held 0.3-0.6 s, the
    sound before and after it as it was, the transcript as it was."""
    t = np.arange(int(1.2 * SR)) / SR
    voiced = ((t > 0.4) & (t < 0.7)) | (t > 0.9)
    swell = np.where((t > 0.48) & (t < 0.58), 1.0, 0.5)  # "the"'s loudest 100 ms: its vowel
    host = np.where(voiced, swell * 0.3 * np.sin(2 * np.pi * 120 * t), 0.0)
    (tmp_path / "speech_clean").mkdir()
    write_wav(tmp_path / "speech_clean" / "host.wav", host.astype(np.float32))
    (tmp_path / "speech_clean" / "host.txt").write_text("well the end")
    heard = [Word("Well,", 0.0, 0.3, 0.9), Word("the", 0.4, 0.7, 0.9), Word("end.", 0.9, 1.2, 0.9)]
    (clip,) = devset.lengthened(tmp_path, lambda x: heard, timed=lambda x, words: words)
    assert clip.group == "lengthened" and clip.reference == "well the end" and clip.fillers == ()
    assert clip.name.startswith("host~held-the")
    extra = len(clip.samples) - len(host)
    assert (devset.LENGTHENED_S[0] - 0.06) * SR <= extra <= (devset.LENGTHENED_S[1] - 0.06) * SR
    k = int(0.47 * SR)
    assert np.allclose(clip.samples[:k], host[:k], atol=1e-4)  # before the held vowel: as it was
    assert np.allclose(clip.samples[-k:], host[-k:], atol=1e-4)  # after it too
    held = clip.samples[int(0.57 * SR) : int(0.57 * SR) + extra // 2]
    assert np.sqrt(np.mean(held**2)) == pytest.approx(0.3 / np.sqrt(2), rel=0.1)  # the loud part is what is held
    level = [np.sqrt(np.mean(held[i : i + 640] ** 2)) for i in range(0, len(held) - 640, 320)]
    assert min(level) >= 0.9 * max(level)  # held evenly: no dip where copies join (``stretch`` left 3 dB ones)


def test_a_lengthened_word_holds_its_own_sound_not_the_next_word_s(tmp_path):
    """ "we are": the smoothed level of "we" peaks at its last frames, on the way to the louder "are". Held around
    that peak, the 60 ms took 20-30 ms of "are" and held the glide between them, a central vowel neither word has
    (the sound of "we, uh, are"). What is held lies inside the word."""
    t = np.arange(int(1.2 * SR)) / SR
    we, are = (t >= 0.4) & (t < 0.6), (t >= 0.6) & (t < 0.9)
    amp = np.where(we, 0.1 + 0.2 * (t - 0.4) / 0.2, np.where(are, 0.4, np.where(t < 0.3, 0.3, 0.0)))
    host = amp * np.sin(2 * np.pi * 120 * t)
    (tmp_path / "speech_clean").mkdir()
    write_wav(tmp_path / "speech_clean" / "host.wav", host.astype(np.float32))
    (tmp_path / "speech_clean" / "host.txt").write_text("well we are")
    heard = [Word("Well,", 0.0, 0.3, 0.9), Word("we", 0.4, 0.6, 0.9), Word("are.", 0.6, 0.9, 0.9)]
    (clip,) = devset.lengthened(tmp_path, lambda x: heard, timed=lambda x, words: words)
    assert clip.name.startswith("host~held-we")
    changed = np.flatnonzero(np.abs(clip.samples[: len(host)] - host) > 1e-4)
    held_from = changed[0] / SR
    assert held_from >= 0.4 and held_from + 0.06 <= 0.6 + 0.005, held_from


@pytest.mark.parametrize(("name", "at"), [("ljspeech_LJ001-0001.wav", 2.02), ("ljspeech_LJ001-0004.wav", 3.82)])
def test_a_held_vowel_keeps_the_voice_s_pitch(samples, name, at):
    """``devset.sustained`` holding 60 ms of a real vowel ("with", "the") for 0.45 s: the tracker the detector uses
    reads it at the voice's pitch, falling as a held vowel does. Joined where the waveforms matched best with no
    limit, the hold was the segment's last three periods looped, which it read at 76-79 Hz under a 171 and a 279 Hz
    voice: a sound far lower than the speaker's, as a filler is, and no voice's."""
    host = media.load(samples / "speech_clean" / name).audio
    assert host is not None
    x = host.samples.astype(np.float64)
    lo, n = int((at - 0.03) * SR), int(0.06 * SR)
    track = pitch.track(host.samples, SR)
    voice = float(np.median(track.f0[(track.times > at - 0.03) & (track.times < at + 0.03) & track.voiced]))
    held = devset.sustained(x[lo : lo + n], 0.45, random.Random(1))
    tr = pitch.track(np.concatenate([x[:lo], held, x[lo + n :]]).astype(np.float32), SR)
    inside = tr.voiced & (tr.times > at) & (tr.times < at + 0.4)
    st = 12 * np.log2(tr.f0[inside] / voice)
    assert inside.sum() >= 30 and np.mean(np.abs(st) <= 2.0) >= 0.9, np.round(tr.f0[inside])


@pytest.mark.parametrize("steadiest", [False, True])
def test_a_lengthened_word_holds_its_loudest_or_its_steadiest_60_ms(tmp_path, steadiest):
    """A word whose loudest part glides (150 to 110 Hz: the voice on its way to the next word) and whose steady vowel
    is 2 dB quieter: ``lengthened`` holds the glide, ``lengthened(steadiest=True)`` the steady vowel, each the rest
    of the clip as it was."""
    t = np.arange(int(1.2 * SR)) / SR
    glide = (t > 0.4) & (t < 0.52)
    steady = (t >= 0.52) & (t < 0.7)
    f = np.where(glide, 150 - 40 * (t - 0.4) / 0.12, 120.0)
    phase = 2 * np.pi * np.cumsum(f) / SR
    amp = np.where(glide, 0.3, np.where(steady, 0.3 * 10 ** (-2 / 20), np.where(t > 0.9, 0.3, 0.0)))
    host = amp * np.sin(phase)
    (tmp_path / "speech_clean").mkdir()
    write_wav(tmp_path / "speech_clean" / "host.wav", host.astype(np.float32))
    (tmp_path / "speech_clean" / "host.txt").write_text("well the end")
    heard = [Word("Well,", 0.0, 0.3, 0.9), Word("the", 0.4, 0.7, 0.9), Word("end.", 0.9, 1.2, 0.9)]
    (clip,) = devset.lengthened(tmp_path, lambda x: heard, timed=lambda x, words: words, steadiest=steadiest)
    assert clip.group == ("lengthened-steady" if steadiest else "lengthened") and clip.fillers == ()
    changed = np.flatnonzero(np.abs(clip.samples[: len(host)] - host) > 1e-4)
    start = changed[0] / SR
    assert (0.52 <= start < 0.64) if steadiest else (0.38 <= start < 0.49), start
    extra = len(clip.samples) - len(host)
    assert np.allclose(clip.samples[-int(0.45 * SR) :], host[-int(0.45 * SR) :], atol=1e-4)  # after it: as it was
    held = clip.samples[changed[0] + int(0.06 * SR) : changed[0] + extra]
    tr = pitch.track(np.concatenate([np.zeros(SR // 4), held, np.zeros(SR // 4)]).astype(np.float32), SR)
    f0 = tr.f0[tr.voiced]
    if steadiest:  # the steady vowel, held falling a semitone as a voice does
        assert np.all(np.abs(12 * np.log2(f0 / 120)) < 1.5), np.round(f0)
    else:  # the glide's pitch, held: above the steady vowel's
        assert np.median(f0) > 125, np.round(f0)


def test_a_word_the_aligner_places_on_another_word_s_sound_is_not_held(samples):
    """LJ001-0015 as tiny.en heard it: "shapeliness" is not in the aligner's dictionary, so each word is aligned with
    its two neighbours and 0.5 s of sound either side; "and a help" then lays "a" (heard at 6.48 s) inside
    "reasonable" (5.58 s), whose vowel the lengthened set held as if it were "a". A word placed that far from where
    it was heard is no word to hold."""
    heard = [
        Word(text, a, b, 0.9)
        for text, a, b in [
            ("The", 0.0, 0.26), ("forms", 0.26, 0.48), ("of", 0.48, 0.74), ("printed", 0.74, 1.02),
            ("letters", 1.02, 1.42), ("should", 1.42, 1.68), ("be", 1.68, 1.86), ("beautiful,", 1.86, 2.38),
            ("and", 2.86, 3.08), ("that", 3.08, 3.28), ("their", 3.28, 3.5), ("arrangement", 3.5, 3.88),
            ("on", 3.88, 4.2), ("the", 4.2, 4.38), ("page", 4.38, 4.74), ("should", 4.74, 5.22), ("be", 5.22, 5.52),
            ("reasonable", 5.52, 5.88), ("and", 5.88, 6.48), ("a", 6.48, 6.6), ("help", 6.6, 6.82), ("to", 6.82, 7.0),
            ("the", 7.0, 7.16), ("shapeliness", 7.16, 7.66), ("of", 7.66, 7.94), ("the", 7.94, 8.22),
            ("letters", 8.22, 8.32), ("themselves.", 8.32, 8.88),
        ]
    ]  # fmt: skip
    host = media.load(samples / "speech_clean" / "ljspeech_LJ001-0015.wav").audio
    assert host is not None
    where = devset._aligned(host.samples.astype(np.float64), heard)
    placed = [(w, p) for w, p in zip(heard, where, strict=True) if p is not None]
    assert len(placed) >= len(heard) // 2  # most words still placed
    for w, p in placed:
        assert p.start < w.end + 0.2 and p.end > w.start - 0.2, (w, p)
    a = where[19]
    assert a is None or a.start > 6.0, a


def test_a_lengthened_word_holds_its_own_vowel_where_the_recogniser_timed_it_late(samples, tmp_path):
    """tiny.en's words for LJ001-0004 (as decoded): its "the" of "of the true" is timed 3.96-4.26 s, over the vowel
    of "true" (voiced from 4.01 s), and the loudest voiced 60 ms there is that vowel. Aligned, "the" is the short
    voicing before "true"'s /tr/, and that is what is held: a word held, not a word and then a vowel alone."""
    (tmp_path / "speech_clean").mkdir()
    for ext in (".wav", ".txt"):
        (tmp_path / "speech_clean" / f"ljspeech_LJ001-0004{ext}").symlink_to(
            samples / "speech_clean" / f"ljspeech_LJ001-0004{ext}"
        )
    heard = [
        Word(text, a, b, 0.9)
        for text, a, b in [
            ("produced", 0.00, 0.48), ("the", 0.48, 0.82), ("block", 0.82, 1.10), ("books,", 1.10, 1.56),
            ("which", 1.96, 2.02), ("were", 2.02, 2.26), ("the", 2.26, 2.78), ("immediate", 2.78, 2.94),
            ("predecessors", 2.94, 3.50), ("of", 3.50, 3.96), ("the", 3.96, 4.26), ("true", 4.26, 4.32),
            ("printed", 4.32, 4.68), ("book.", 4.68, 5.04),
        ]
    ]  # fmt: skip
    host = media.load(samples / "speech_clean" / "ljspeech_LJ001-0004.wav").audio
    assert host is not None
    clips = devset.lengthened(tmp_path, lambda x: heard, per_host=len(heard))
    held_at = {}
    for clip in clips:
        changed = np.flatnonzero(np.abs(clip.samples[: len(host.samples)] - host.samples) > 1e-4)
        held_at[clip.name] = changed[0] / SR
    (before_true,) = [t for name, t in held_at.items() if "~held-the-" in name and 3.5 < t < 4.3]
    assert 3.70 < before_true < 3.88  # the old way, by the recogniser's times, held "true"'s vowel from 4.02 s


@pytest.mark.parametrize(("codec", "kbps"), [("opus", 24), ("mp3", 32)])
def test_a_codec_changes_the_sound_but_not_its_times(samples, codec, kbps):
    """The bench's lossy condition (``--codec``): the recording comes back as long as it went in, its sound where it
    was (the codec's delay and padding trimmed), and changed by the codec."""
    x = media.load(samples / "speech_clean" / "jfk.flac").audio.samples[: 4 * SR].astype(np.float64)
    y = devset.coded(x, codec, kbps).astype(np.float64)
    assert len(y) == len(x)
    lags = range(-160, 161)
    mid = slice(SR, 3 * SR)
    best = max(lags, key=lambda d: float(np.dot(x[mid], y[SR + d : 3 * SR + d])))
    assert abs(best) <= 16  # within 1 ms
    assert np.corrcoef(x[mid], y[mid])[0, 1] > 0.9
    assert not np.allclose(x, y, atol=1e-3)


def test_a_telephone_line_keeps_the_speech_band_and_its_times(samples):
    """The bench's telephone condition (``--telephone``): 300-3400 Hz pass at their level, in time; what lies under
    200 Hz and over 3.6 kHz is gone; the 8-bit mu-law steps leave noise about 38 dB under a full-scale signal."""
    x = media.load(samples / "speech_clean" / "jfk.flac").audio.samples[: 4 * SR].astype(np.float64)
    y = devset.telephone(x).astype(np.float64)
    assert len(y) == len(x)

    def band_db(z: np.ndarray, lo: float, hi: float) -> float:
        spec = np.abs(np.fft.rfft(z)) ** 2
        f = np.fft.rfftfreq(len(z), 1 / SR)
        return float(10 * np.log10(spec[(f >= lo) & (f < hi)].sum() + 1e-20))

    assert band_db(y, 400, 3200) == pytest.approx(band_db(x, 400, 3200), abs=0.5)
    assert band_db(y, 3700, 8000) < band_db(x, 3700, 8000) - 30
    assert band_db(y, 20, 150) < band_db(x, 20, 150) - 20
    lags = range(-160, 161)
    mid = slice(SR, 3 * SR)
    assert max(lags, key=lambda d: float(np.dot(x[mid], y[SR + d : 3 * SR + d]))) == 0
    t = np.arange(SR) / SR
    tone = 0.5 * np.sin(2 * np.pi * 1017.3 * t)  # not a divisor of 8 kHz: its quantising error is noise, not harmonics
    noise = devset.telephone(tone).astype(np.float64) - tone
    assert 30 < 10 * np.log10(np.mean(tone**2) / np.mean(noise[SR // 10 : -SR // 10] ** 2)) < 45


def _two_fillers(gap_voiced: bool, second_hz: float) -> list[Word]:
    f0 = np.full(200, 120.0)  # 2 s of voicing: the first filler 0.5-1.0 s, the second from 1.03 s
    f0[120:] = second_hz
    if not gap_voiced:
        f0[99:104] = 0.0
    words = [
        Word("and", 0.1, 0.45, 0.9),
        Word("uh", 0.5, 1.0, 0.8, source="recovered"),
        Word("uh", 1.03, 1.6, 0.8, source="recovered"),
        Word("so", 1.65, 1.9, 0.9),
    ]
    return filled_pauses._one_held_vowel(words, _track_of(f0))


def test_a_held_vowel_split_by_a_dip_is_one_filler_and_two_said_apart_stay_two():
    """A momentary dip in a long "uhhh" (a codec's frame) splits its steady envelope, and each half was reported as
    a filler; voiced all the way through at one pitch, it is one. A break in the voice between them, or another
    pitch, and they are two."""
    joined = _two_fillers(gap_voiced=True, second_hz=122.0)
    assert [(w.text, w.start, w.end) for w in joined] == [("and", 0.1, 0.45), ("uh", 0.5, 1.6), ("so", 1.65, 1.9)]
    assert [w.text for w in _two_fillers(gap_voiced=False, second_hz=122.0)] == ["and", "uh", "uh", "so"]
    assert [w.text for w in _two_fillers(gap_voiced=True, second_hz=150.0)] == ["and", "uh", "uh", "so"]


def test_a_filler_written_as_an_instant_touching_one_found_in_the_sound_is_that_one():
    """Over a telephone line the second look wrote "consider, uh, where" with its "uh" at 3.70-3.72 s, where the
    "uh" said over 3.23-3.71 s was found in the sound: one filler, the recogniser's, over the sound's time. An
    instant has no pitch of its own to compare; a filler that lasts is compared as before."""
    f0 = np.full(500, 120.0)
    f0[300:] = 0.0  # a break in the voice after 3.0 s: the instant's frames are unvoiced
    words = [Word("consider", 3.1, 3.23, 0.9), Word("uh", 3.23, 3.71, 0.8, source="recovered")]
    words += [Word("uh,", 3.7, 3.72, 0.6), Word("where", 3.7, 3.92, 0.9)]
    out = filled_pauses._one_held_vowel(words, _track_of(f0))
    assert [(w.text, w.start, w.end, w.source) for w in out if w.text.startswith("uh")] == [("uh,", 3.23, 3.72, "asr")]
    lasting = [*words[:2], Word("uh,", 3.7, 3.9, 0.6)]
    assert len(filled_pauses._one_held_vowel(lasting, _track_of(f0))) == 3


def test_a_filler_written_as_an_instant_inside_the_word_beside_one_found_is_that_one():
    """In a room Whisper wrote a held "as" as "as, uh," with its "uh" an instant at 4.22 s inside "as", where the
    held vowel, 3.42-4.14 s, was found in the sound: one filler, the recogniser's, at the sound's time, not two. An
    instant 0.3 s from it is another filler."""
    words = [Word("intended", 3.04, 3.6, 0.9), Word("uh", 3.415, 4.135, 0.8, source="recovered")]
    words += [Word("as", 4.135, 4.34, 0.9), Word("uh,", 4.22, 4.22, 0.5), Word("picture", 4.34, 4.68, 0.9)]
    out = filled_pauses._instants_heard(words)
    assert [(w.text, w.start, w.end, w.source) for w in out] == [
        ("intended", 3.04, 3.6, "asr"),
        ("uh,", 3.415, 4.135, "asr"),
        ("as", 4.135, 4.34, "asr"),
        ("picture", 4.34, 4.68, "asr"),
    ]
    apart = [*words[:3], Word("uh,", 4.45, 4.45, 0.5)]
    assert filled_pauses._instants_heard(apart) == apart


def test_a_series_of_uh_does_not_grow_into_speech_the_recogniser_left_out():
    """A run of written "uh"s grows to the filler-like bursts between its neighbours. Through MP3 the recogniser left
    out the next speaker's first 4 s, so the run's gap reached into that speech, and its flat syllables, another
    voice an octave up, became "um"s. A series is one voice repeating one sound: it grows only by bursts at its
    pitch."""
    words = [Word("Montreal,", 1.0, 1.3, 0.9), Word("uh,", 1.42, 1.58, 0.5), Word("uh,", 1.92, 2.06, 0.5)]
    words.append(Word("And", 8.0, 8.2, 0.9))
    series = [_like(1.42, 1.58), _like(1.92, 2.06), _like(2.6, 2.8)]
    speech_after = [replace(_like(3.0 + k, 3.3 + k, f0=250.0), above_floor_st=5.6) for k in range(3)]
    out, _ = filled_pauses._fit_runs(words, series + speech_after, 25.0)
    fillers = [(w.start, w.end) for w in out if w.text.strip(",") in ("uh", "um")]
    assert fillers == [(1.42, 1.58), (1.92, 2.06), (2.6, 2.8)]  # the series grew by its third, not into the speech


def test_the_pieces_of_one_held_hum_are_one_filler_of_a_run():
    """mfa_uhum's "forced, uh, uh, hmm, hmm, um" over five bursts: the third, a quiet hum (-36 to -33 dB) held at
    93-94 Hz, came as three touching pieces (the loudness dips that split voiced runs are measured against a run's
    ends read louder than they are, so a quiet run is cut at its every low point), and the fitting gave "hmm",
    "hmm" and "um" one each, then grew the series by the last two bursts: seven fillers for six. Touching pieces at
    one pitch are one held sound, as fillers joined after are (``_one_held_vowel``)."""
    words = [
        Word("forced,", 1.86, 2.3, 0.9),
        *[Word(t, 2.36, 2.36, 0.5) for t in ("uh,", "uh,", "hmm,", "hmm,", "um,")],
    ]
    words.append(Word("for", 6.92, 6.94, 0.9))
    hum = [
        replace(_like(a, b, f0=f0), peak_db=db)
        for a, b, f0, db in ((4.0, 4.26, 93.0, -35.9), (4.26, 4.41, 94.0, -35.1), (4.41, 4.6, 94.0, -32.8))
    ]
    bursts = [
        _like(2.33, 2.88, f0=98.0),
        _like(3.04, 3.79, f0=92.0),
        *hum,
        _like(5.11, 5.89, f0=80.0),
        _like(6.32, 6.67, f0=80.0),
    ]
    out, _ = filled_pauses._fit_runs(words, bursts, 8.0)
    fillers = [(w.text, w.start, w.end) for w in out if w.text != "forced," and w.text != "for"]
    assert [t for t, _, _ in fillers] == ["uh,", "uh,", "hmm,", "hmm,", "um,"]
    assert [(a, b) for _, a, b in fillers] == [(2.33, 2.88), (3.04, 3.79), (4.0, 4.6), (5.11, 5.89), (6.32, 6.67)]


def test_a_burst_a_series_of_one_kind_grows_by_is_that_kind():
    """Inside a longer recording mfa_uhuh's "uh"s were written five times; the burst the series grew by, a quick
    "uh" whose fading end is darker than its vowel, was read as an "um" from the sound. "uh uh uh" is one sound
    said again; in a mixed series ("uh, um") the sound decides."""
    burst = _like(3.0, 3.2)  # ends darker than its vowel: an "um" to the sound
    assert burst.nasal_end
    for written, grown in ((("uh,", "uh,"), "uh"), (("Um,", "um"), "um"), (("uh,", "um,"), "um")):
        words = [Word("Montreal,", 0.5, 1.0, 0.9), Word(written[0], 1.5, 1.7, 0.5), Word(written[1], 2.2, 2.4, 0.5)]
        words.append(Word("to", 5.0, 5.2, 0.9))
        out, _ = filled_pauses._fit_runs(words, [_like(1.5, 1.7), _like(2.2, 2.4), burst], 6.0)
        assert [(w.text, w.start) for w in out if w.source == "recovered"] == [(grown, 3.0)], written


def test_a_held_sound_that_glides_up_into_a_rising_tone_is_a_word_drawn_out():
    """mfa_affectation's "Montreaaal," and the hard negatives' drawn "Gutenberg" were reported as filled pauses: a
    steady stretch, low in the voice, whose voicing then glides up 8.3 and 4.8 semitones as it fades, the phrase's
    rising tone on a word's last syllable. A filled pause carries no intonation of its own; the next word said
    straight after one is a step up in loudness or a jump in pitch, not a glide."""
    held = np.r_[np.zeros(20), np.full(40, 100.0)]  # a steady stretch over 0.2-0.6 s
    stretch = _like(0.2, 0.6, f0=100.0)
    fade = np.linspace(-20.0, -28.0, 15)
    cases = {
        "glides up as it fades": (100.0 * 2 ** (np.arange(1, 16) * 0.35 / 12), fade, True),  # 5.3 semitones
        "stays low": (np.full(15, 100.0), fade, False),
        "the next word, louder": (np.full(15, 135.0), np.full(15, -12.0), False),
        "a pitch jump at the same level": (np.full(15, 135.0), fade, False),
    }
    for name, (after, level_after, drawn) in cases.items():
        f0 = np.r_[held, after, np.zeros(25)]
        level = np.r_[np.full(60, -20.0), level_after, np.full(25, -60.0)]
        assert filled_pauses._glides_up_after(_track_of(f0, level), stretch) is drawn, name


@pytest.mark.slow
def test_quick_fillers_a_recognised_word_was_timed_over_are_found_between_aligned_words(samples, monkeypatch):
    """The bench's ``shorter-0.45s`` and ``shorter-0.3s`` groups: a tuning filler held 0.45 s or 0.3 s, spliced
    mid-phrase into each clean clip. Too quick for a steady 0.2 s, most lie under a word Whisper timed over them;
    aligned (``podium.align``), the words leave them between them: at 0.45 s 11 of 20 found (5 with Whisper's
    times), at 0.3 s 5 of 20 (none before the voicing between aligned words was cut to the gap), none of the wrong
    kind, none where none was spliced in, and no word left inside a filler these steps add."""
    from podium.eval.events import match

    def words_of(x: np.ndarray, options: SpeechOptions) -> list[Word]:
        return list(speech.transcribe(Audio(x.astype(np.float32), SR), options).words)

    added: list[Word] = []

    def spy(step, found_at):  # the fillers a step adds
        def spied(*args, **kwargs):
            out = step(*args, **kwargs)
            added.extend(w for w in out if w.source == "recovered" and w not in args[found_at])
            return out

        return spied

    monkeypatch.setattr(filled_pauses, "_between_aligned_words", spy(filled_pauses._between_aligned_words, 3))
    monkeypatch.setattr(filled_pauses, "_in_aligned_gaps", spy(filled_pauses._in_aligned_gaps, 2))
    clips = devset.shorter(samples, lambda x: words_of(x, SpeechOptions(filler_prompt=False, recover_fillers=False)))
    hits: dict[str, int] = {}
    false = checked = 0
    for clip in clips:
        added.clear()
        words = words_of(clip.samples, SpeechOptions())
        found = [Event(w.filler_kind or "", w.start, w.end) for w in words]
        # the words the recogniser timed over a filler found so are re-timed around it: none lies within it
        for f in added:
            inside = [w for w in words if not w.filler and f.start <= (w.start + w.end) / 2 <= f.end]
            assert not inside, (clip.name, f, inside)
            checked += 1
        m = match(clip.name, clip.fillers, [e for e in found if e.kind in ("um", "uh", "hm")], tolerance_s=0.3,
                  by_kind=True)  # fmt: skip
        hits[clip.group] = hits.get(clip.group, 0) + len(m.hits)
        false += len(m.false_alarms)
    assert hits["shorter-0.45s"] >= 9 and hits["shorter-0.3s"] >= 4 and false == 0, (hits, false)
    assert checked >= 6, checked  # the fillers these steps added, whose words were checked


def test_words_are_aligned_phrase_by_phrase():
    """The aligner gets the words between two pauses of the recogniser's (and no more than 20 s of them), so that a
    long pause lies between windows, not inside one."""
    ws = [Word("a", 0.0, 0.3, 1.0), Word("b", 0.35, 0.6, 1.0), Word("c", 1.5, 1.8, 1.0), Word("d", 1.9, 2.1, 1.0)]
    assert filled_pauses._phrases(ws) == [(0, 2), (2, 4)]
    steady = [Word("w", 0.5 * k, 0.5 * k + 0.4, 1.0) for k in range(100)]  # 50 s without a pause
    spans = filled_pauses._phrases(steady)
    assert spans[0] == (0, 40) and all(steady[b - 1].end - steady[a].start <= 20.0 for a, b in spans)
    assert [k for a, b in spans for k in range(a, b)] == list(range(100))
    assert filled_pauses._phrases([]) == []


@pytest.mark.parametrize("i", [7, 9])
def test_the_fillers_said_are_aligned_among_the_words(samples, i):
    """ "how much, um, there might be": an "um" spliced between "much" and "there", which the recogniser wrote. Given
    the words alone, the aligner has nowhere to put the "um" but into a word and stretches "there" back over it to
    the end of "much"; given the filler too, as the "um" it is, "there" starts in its second half or after it."""
    audio, words, d = _spliced(samples, _at_host_pitch(samples, i), absorbed_by="neither")
    um = Word("um,", round(_AT + 0.1, 2), round(_AT + d - 0.05, 2), 0.9)
    k = [w.text for w in words].index("there")
    alone = filled_pauses._aligned_by_phrase(audio, words).words
    said = filled_pauses._aligned_by_phrase(audio, words, [um]).words
    assert alone[k].start < _AT + d / 2, alone[k]
    assert _AT + d / 2 <= said[k].start <= _AT + d + 0.05, said[k]


@pytest.mark.parametrize("i", [1, 6])
def test_a_filler_written_as_an_instant_takes_the_time_the_aligner_places_it_at(samples, i):
    """ "how much, uh, there": a spliced "uh" the recogniser wrote as an instant near its end (as tiny.en wrote the
    "uh" of librispeech 61-70968-0000 over a telephone line, 0.5 s into it). Aligned among the words, it is placed on
    the filler's sound, and takes that time; a filler timed as it was found, one the detector found, or one the
    aligner could fit in no more than an instant keeps its own."""
    audio, words, d = _spliced(samples, _at_host_pitch(samples, i), absorbed_by="neither")
    t = round(_AT + d - 0.08, 2)
    instant = Word("uh,", t, t, 0.9)
    placed = filled_pauses._aligned_by_phrase(audio, words, [instant]).fillers
    assert set(placed) == {0}
    span = placed[0]
    assert span.end - span.start >= 0.1 and span.start >= _AT - 0.05 and span.end <= _AT + d + 0.05, span
    timed, found = Word("um,", 1.0, 1.4, 0.9), Word("uh", 2.0, 2.05, 0.5, source="recovered")
    short = Word("uh,", 3.0, 3.0, 0.9)
    fillers = [instant, timed, found, short]
    spans = {0: span, 1: Span(1.1, 1.5), 2: Span(2.0, 2.3), 3: Span(2.98, 3.02)}
    out = filled_pauses._instants_placed([words[0], *fillers], fillers, spans)
    assert out == [words[0], replace(instant, start=span.start, end=span.end), timed, found, short]


@pytest.mark.parametrize("voice_after_hz", [180.0, None])
def test_a_word_is_held_into_a_filler_only_as_one_voice(voice_after_hz):
    """Over a telephone line the aligner squeezed "of" (AH V) to 60 ms just before a 1.3 s "uh" spliced in another
    voice, and the filler found in the sound took in the word's own vowel (at 270 Hz) before the "uh" (at 180 Hz,
    after one unvoiced frame): "of" kept under 50 ms of voice outside it and passed for held into it. A word held is
    one voice running on, its pitch moving no faster than a voice glides; a break and a jump inside the filler are a
    sound of its own. Held (the word's pitch falling slowly on), it is the word."""
    n = 200
    f0 = np.zeros(n)
    f0[45:68] = 270.0
    if voice_after_hz is None:
        f0[68:195] = 270.0 * 2 ** (-np.arange(127) / 127 / 12)
    else:
        f0[69:195] = voice_after_hz
    track = _track_of(f0, np.where(f0 > 0, -10.0, -60.0))
    heard = [Word("means", 0.1, 0.46, 0.9), Word("of", 0.46, 1.8, 0.9), Word("this", 1.8, 1.98, 0.9)]
    aligned = filled_pauses._Phrased(
        words=[Word("means", 0.1, 0.5, 0.9), Word("of", 0.5, 0.56, 0.9), Word("this", 1.96, 2.0, 0.9)],
        phrases=[(0, 3)],
        phones=[("M", "IY", "N", "Z"), ("AH", "V"), ("DH", "IH", "S")],
        fillers={},
        heard=heard,
    )
    f = Word("uh", 0.545, 1.95, 0.9, source="recovered")
    held = filled_pauses._drawn_into(f, aligned, filled_pauses._Articulation(track, heard))
    assert held == (None if voice_after_hz else aligned.words[1])


@pytest.mark.parametrize(("kind", "held"), [("um", False), ("uh", True)])
def test_a_word_ending_on_a_liquid_is_held_only_into_a_sound_of_its_kind(kind, held):
    """In a 0.5 s room the aligner laid "example" (its last phone L) over the vowel of an "um" spliced after it, and
    the "um"'s murmur, found in the sound with no loudness peak of its own and the voice running on into it, passed
    for the word's [l] held. A nasal murmur (found as an "um") is no held [l]; a level, peakless "uh" after it is."""
    n = 200
    f0 = np.zeros(n)
    f0[40:195] = 160.0 * 2 ** (-np.arange(155) / 155 / 12)
    level = np.full(n, -60.0)
    level[40:80] = np.linspace(-5.0, -19.0, 40)  # the word's vowel and [l] fading into the murmur
    level[80:195] = -21.0
    track = _track_of(f0, level)
    heard = [Word("an", 0.1, 0.38, 0.9), Word("example", 0.38, 0.8, 0.9), Word("of", 1.96, 2.0, 0.9)]
    aligned = filled_pauses._Phrased(
        words=[Word("an", 0.1, 0.36, 0.9), Word("example", 0.36, 0.78, 0.9), Word("of", 1.96, 2.0, 0.9)],
        phrases=[(0, 3)],
        phones=[("AH", "N"), ("IH", "G", "Z", "AE", "M", "P", "AH", "L"), ("AH", "V")],
        fillers={},
        heard=heard,
    )
    f = Word(kind, 0.8, 1.95, 0.9, source="recovered")
    out = filled_pauses._drawn_into(f, aligned, filled_pauses._Articulation(track, heard))
    assert out == (aligned.words[1] if held else None)


def test_a_filler_written_as_an_instant_placed_on_one_found_in_the_sound_is_that_one():
    """The held-out monologue in a 0.5 s room inside a longer recording: tiny.en wrote "say, um, b't here's" as "say,
    but, um, here's", "but" and "um" instants, and the "um" was found in the sound at 17.61-18.04 s. Aligned in that
    order, the written "um" was placed on the found one's sound (17.70-17.94 s): one filler, the recogniser's, at the
    time found in the sound. Placed beside it, it is another."""
    said, found = Word("say,", 17.42, 17.62, 0.9), Word("um", 17.61, 18.04, 0.8, source="recovered")
    but, written, heres = (
        Word("but,", 18.44, 18.44, 0.9),
        Word("um,", 18.54, 18.54, 0.9),
        Word("here's", 18.54, 18.7, 0.9),
    )
    words, fillers = [said, found, but, written, heres], [found, written]
    out = filled_pauses._instants_placed(words, fillers, {0: Span(17.46, 17.52), 1: Span(17.7, 17.94)})
    assert out == [said, but, replace(written, start=17.61, end=18.04), heres]  # the caller puts them in order
    beside = filled_pauses._instants_placed(words, fillers, {0: Span(17.46, 17.52), 1: Span(18.1, 18.4)})
    assert beside == [said, found, but, replace(written, start=18.1, end=18.4), heres]


def test_a_written_filler_the_aligner_places_on_its_sound_is_not_found_again_there(samples):
    """The held-out monologue in a 0.5 s room (the filler bench's ``--reverb 0.5``): tiny.en writes its first "um"
    (17.53-18.0 s) at 18.22-18.56 s, after its sound. Aligned among the words, the "um" is placed on its sound, and
    the gaps' test, which found the same sound there as a second "um", leaves it to the written one: one filler."""
    audio = media.load(samples / "speech_disfluent_extra" / "ba_test_monologue.mp3").audio
    assert audio is not None
    room = Audio(devset.reverberant(audio.samples.astype(np.float64), 0.5).astype(np.float32), audio.sr)
    words = speech.transcribe(room, SpeechOptions()).words
    near = [(w.text, w.start, w.end) for w in words if w.filler_kind in ("um", "uh") and 17.0 < w.start < 19.0]
    assert len(near) == 1, near


def test_words_re_timed_around_a_filler_keep_the_order_said():
    """A word the recogniser timed over a filler found between aligned words takes its aligned time, and so does a
    word beside it that its aligned time would now put on the wrong side of it: "be a part of" with a held "of"
    (the bench's LJ001-0014), "part" aligned over 7.25-7.55 s and "a" as recognised at 7.34 s, read "be part a, uh,
    of". A word its aligned neighbour leaves in place keeps the recogniser's time."""
    heard = [("always", 6.7, 7.08), ("be", 7.08, 7.34), ("a", 7.34, 7.44), ("part", 7.44, 7.6), ("of", 7.6, 8.06),
             ("their", 8.06, 8.44)]  # fmt: skip
    aligned = [("always", 6.53, 7.03), ("be", 7.03, 7.2), ("a", 7.2, 7.25), ("part", 7.25, 7.55), ("of", 8.01, 8.13),
               ("their", 8.13, 8.31)]  # fmt: skip
    lexical = [Word(t, a, b, 0.9) for t, a, b in heard]
    retimed = [Word(t, a, b, 0.9) for t, a, b in aligned]
    uh = Word("uh", 7.54, 8.01, 0.5, source="recovered")
    out = filled_pauses._with_fillers_added(lexical, lexical, retimed, [uh])
    out.sort(key=lambda w: (w.start, w.end))
    assert [w.text for w in out] == ["always", "be", "a", "part", "uh", "of", "their"]
    times = {w.text: (w.start, w.end) for w in out}
    assert times["a"] == (7.2, 7.25) and times["part"] == (7.25, 7.55) and times["of"] == (8.01, 8.13)
    assert times["be"] == (7.08, 7.34) and times["their"] == (8.06, 8.44)  # in order as they were
