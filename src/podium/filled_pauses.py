"""Filled pauses recovered from the sound: the ones the recogniser left out or garbled.

A filled pause is a stretch of steady voicing: voiced, flat in pitch, 0.2-2 s
long, inside speech the voice-activity detector heard, at the speaker's usual
pitch, and covered by no recognised word (DESIGN.md section 4: uncovered VAD
speech is only a *candidate*; laughter, breaths and timestamp slop leave gaps
too, so each candidate is classified). The same evidence also corrects runs
where Whisper writes more "uh" than were said.
"""

from __future__ import annotations

import collections
import re
import threading
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Generic, NamedTuple, TypeVar

import numpy as np

from . import align, formants, pitch
from .fillers import HELD_WORDS, NON_LEXICAL, is_non_lexical, normalize
from .syllables import count_syllables
from .types import Audio, Span, Word

__all__ = ["candidates", "hidden", "recover"]

T = TypeVar("T")


@dataclass(frozen=True)
class _Voiced:
    start: float
    end: float
    f0_hz: float
    spread_st: float = 0.0
    slope_st_s: float = 0.0
    strength: float = 1.0
    usual_pitch: bool = True
    nasal_end: bool = False
    jitter_cents: float = 0.0
    above_floor_st: float = 0.0
    held_s: float | None = None  # how long its loudness holds (``_held_s``); None: all of it
    own_end: float | None = None  # where the voicing it continues into ends (``_own_voicing``); None: at its end
    peak_db: float = 0.0  # its loudest frame's level

    @property
    def held(self) -> float:
        return self.end - self.start if self.held_s is None else self.held_s


_MIN_BURST_S = 0.12  # a quick "uh" in a run of them
_MIN_S, _MAX_S = 0.2, 2.0  # filled pauses last 150-800 ms typically; drawn-out "uhhh" longer
_MAX_SPREAD_ST = 1.0  # flat pitch: robust SD of F0 within the stretch
_MAX_SLOPE_ST_S = 8.0  # and no glide
_MIN_STRENGTH = 0.6  # clearly periodic
_MAX_COVER = 0.25  # share of the stretch a non-filler word may overlap
_F0_RANGE = (0.6, 1.25)  # relative to the speaker's median F0: filled pauses sit low
# A voice is never perfectly steady: its F0 wanders at random by a few cents from one 10 ms frame
# to the next; a synthetic or instrumental tone does not, and vibrato is smooth. The third difference
# of F0 (in cents) keeps the random part and all but cancels slow, smooth movement (a 5 Hz vibrato
# of +-30 cents leaves under 1 cent).
_MIN_JITTER_CENTS = 2.0


def recover(
    audio: Audio, words: Sequence[Word], speech_spans: Sequence[Span], track: pitch.PitchTrack | None = None
) -> list[Word]:
    """Add filled pauses the recogniser missed and fix runs of invented ones.

    Args:
        audio: the recording's audio.
        words: recognised words in time order.
        speech_spans: where the voice-activity detector heard speech.
        track: a pitch track of ``audio`` if one was already computed.

    Returns:
        New word list in time order; added words have ``source="recovered"``.
    """
    if not speech_spans or not words:
        return list(words)
    track = track or pitch.track(audio.samples, audio.sr)
    words = _word_ends_after_pause(words, audio, track)
    changes = _voice_changes(track)
    voice_starts = track.times[changes]
    n = int(np.ceil(audio.duration_s / _GRID_S)) + 1
    in_speech = _mask(speech_spans, n)
    every_voiced = _voiced(track, audio)
    voiced = [v for v in every_voiced if _share(v, in_speech) >= 0.5]
    lexical = _with_min_extent([w for w in words if not is_non_lexical(w)], voiced)
    tempo = _Tempo(lexical)
    pace = _Articulation(track, lexical)

    held_long = _held_long(tempo, pace)

    in_words = _mask(lexical, n)
    # for the recogniser's own fillers, a word counts only where its sound is known to lie: a word timed far longer
    # than it plausibly lasts (``_own_length``) was stretched over fillers beside it, at its start or at its end, so
    # it hides no burst from their runs (see _fit_runs); in read speech, "The" stretched back 1.9 s over mfa_uhuh's
    # last two "uh"s hid the quick fifth from its series when counted from its start
    in_own_words = _mask([w for w in lexical if w.end - w.start <= _own_length(w, tempo)], n)
    bursts = [v for v in voiced if _share(v, in_words) <= _MAX_COVER]
    near_runs = [v for v in every_voiced if _share(v, in_own_words) <= _MAX_COVER]
    out, claimed = _fit_runs(words, near_runs, audio.duration_s, tempo, every_voiced)
    out = [w for w in out if not is_non_lexical(w) or _voiced_near(track, w)]
    for v in bursts:
        if v in claimed or not _burst_like_a_filler(v, held_long):
            continue
        if _between_words(v, lexical, voice_starts) and not (
            _glides_up_after(track, v) or _drawn_out_after(v, lexical, pace)
        ):
            out.append(_filler_word(v))
    out.sort(key=lambda w: (w.start, w.end))
    steady = [v for v in _steady_stretches(track, audio, changes) if held_long(v)]
    out = _inside_words(out, steady, pace, voice_starts)
    covered = [v for v in voiced if v not in bursts]
    out = _between_aligned_words(audio, track, words, out, covered, claimed, held_long, voice_starts)
    out.sort(key=lambda w: (w.start, w.end))
    lexical = [w for w in out if not is_non_lexical(w)]
    fillers = [w for w in out if is_non_lexical(w)]
    aligned = _aligned_by_phrase(audio, lexical, fillers)
    out = _instants_placed(out, fillers, aligned.fillers)
    speech_db = _speech_level_db(track, aligned.words)
    out = _in_aligned_gaps(audio, track, out, aligned, claimed, voice_starts, changes, pace, speech_db)
    out.sort(key=lambda w: (w.start, w.end))
    out = _instants_heard(_one_held_vowel(out, track))
    held = {
        i: h
        for i, w in enumerate(out)
        if (
            h := _word_held(audio, w, aligned.words)
            or _nasal_held(track, w, aligned.words, speech_db)
            or _word_said_in(w, aligned)
            or _drawn_into(w, aligned, pace)
        )
        is not None
    }
    return _holding([w for i, w in enumerate(out) if i not in held], [(out[i], h) for i, h in held.items()], words)


# Whisper times a word held on its vowel ("theee", "aaas": hesitation lengthening) as short as it would be said, and
# the held vowel after it then lies in a gap or under the next word, where it is found as an "uh": low, level,
# steady, as a filler is. A forced aligner places each word where its own phones fit the sound, and stretches a word
# over its held vowel; but it stretches a word over a filler beside it too (the held-out monologue's "say, um, b't"
# inside a longer recording: "but" over the "um"). So where a short function word (``fillers.HELD_WORDS``, the
# words hesitation lengthening falls on) is aligned over a filler found in the sound or beside it
# (``_HELD_NEAR_S``), it and its neighbours are aligned again with an "uh" or "um" allowed between the words
# (``align.align_with_fillers``): only where no filler is placed over that sound and the word now covers it
# (``_HELD_SHARE`` of it) is it the word held. Beside it too: the first alignment, with no filler to place, may
# give the held vowel to the word before ("intended" over the "aaa" of "as") or leave part of it to none ("and").
# Function words only: the aligner stretched "there" and "compact" over an "um" spliced after them, and preferred
# them to the filler. In a phrase the aligner could not place (a number, a name outside its dictionary: "types, the
# Gutenberg, or 42-line Bible"), the words are looked for at the recogniser's times, and aligned again three at a time.
_HELD_SHARE = 0.75
_HELD_NEAR_S = 0.1
# the sound taken in around the words aligned again: they are aligned already, but a search needs a few frames past
# the last word to end in it
_HELD_MARGIN_S = 0.1
_HELD_REACH_S = 1.0  # the recognised word a held word is: of its text, and timed within this of it as aligned


def _word_held(audio: Audio, f: Word, aligned: Sequence[Word]) -> Word | None:
    """The word ``f`` is the held vowel of, where ``f`` is a filler found in the sound (not one the recogniser
    wrote) and one of the ``aligned`` words (as aligned phrase by phrase, else as recognised) over it or within
    ``_HELD_NEAR_S`` of it is a function word speakers hold (``HELD_WORDS``) that, aligned again with its neighbours
    and a filler allowed between them, covers it (``_HELD_SHARE`` of it) with no filler placed over it; else None."""
    if f.source != "recovered" or f.end <= f.start:
        return None
    near = [
        i
        for i, w in enumerate(aligned)
        if w.start < f.end + _HELD_NEAR_S and w.end > f.start - _HELD_NEAR_S and normalize(w.text) in HELD_WORDS
    ]
    if not near:
        return None
    a, b = max(0, near[0] - 1), near[-1] + 2
    again = align.align_with_fillers(audio, aligned[a:b], margin_s=_HELD_MARGIN_S)
    if again is None:
        return None
    words, fillers = again
    if any(min(s.end, f.end) > max(s.start, f.start) for s in fillers):
        return None
    held = [i for i in near if _covers(words[i - a], f)]
    return aligned[held[0]] if held else None


# A word that ends in a nasal ("in", "on", "when", "them") may be held on it ("innn... passing"): a murmur, level and
# steady, in which the detector finds an "um". The murmur is quiet (the mouth closed, the sound leaves by the nose
# alone): the held "in" of the bench's steadiest-nucleus set peaks 13.3 dB under the median level of the voiced frames
# inside the words, where a filler said after the word opens with its vowel, about as loud as the words (the real
# "uh"s and "um"s of the tuning clips and the MFA fixtures peak at most 7.6 dB under that level; the same 12 dB floor
# as a quick filler's in a gap, ``_QUICK_MAX_UNDER_SPEECH_DB``). So a found filler that goes on from such a word's
# end in unbroken voicing and peaks 12 dB or more under the words is the word's nasal held. Its spectrum does not
# tell: a dark "uh" ([ʌ] at 100 Hz) has as little energy above 800 Hz as a nasal murmur.
_NASAL_END = re.compile(r"(m|n|ng)$")
_NASAL_TOUCH_S = 0.05  # the held nasal starts within this of the word's end as aligned


def _nasal_held(track: pitch.PitchTrack, f: Word, aligned: Sequence[Word], speech_db: float) -> Word | None:
    """The word of ``aligned`` that ends in a nasal and that ``f``, a filler found in the sound, is the murmur of, held:
    ``f`` starts inside the word or within ``_NASAL_TOUCH_S`` of its end, the voice unbroken from the word into it,
    and it peaks ``_QUICK_MAX_UNDER_SPEECH_DB`` or more under ``speech_db`` (``_speech_level_db``); else None."""
    if f.source != "recovered" or f.end <= f.start:
        return None
    before = [
        w
        for w in aligned
        if w.start < f.start <= w.end + _NASAL_TOUCH_S and _NASAL_END.search(normalize(w.text)) is not None
    ]
    a, at, b, c = np.searchsorted(track.times, [f.start - 0.03, f.start, f.start + 0.03, f.end])
    if not before or not track.voiced[a:b].all() or c <= at:
        return None
    return before[-1] if float(track.level_db[at:c].max()) < speech_db - _QUICK_MAX_UNDER_SPEECH_DB else None


# A found filler may hold, whole, a word the recogniser heard there, which the aligner too places over it: then both
# hear a word in that sound, and it is the word said, drawn out, not a filler (as a one-syllable word that is nothing
# but a steady stretch is, ``_inside_words``). The check above may not tell it when the word is wrong: tiny.en heard
# the bench's held "aaas" (LJ001-0012, ``lengthened-steady``) as "and", timed it 0.88-1.12 s inside the 0.57 s held
# vowel, and aligned alone "and" covers it all; aligned with a filler allowed, the phones of "and" fit the held [æ]
# so ill that "and, um" fits better. Whisper also times a word on a filler beside it (the spliced "uh" after "the"
# of ``_drawn_out_before``; 26 of the filler bench's 118 spliced fillers hold a recognised word whole): the aligner
# then places the word on its own sound, not over the filler, and the filler stands.
_SAID_IN_REACH_S = 0.03  # a word timed within this of the filler's ends is inside it (the recogniser's 20 ms steps)


def _word_said_in(f: Word, aligned: _Phrased) -> Word | None:
    """The word the recogniser heard (``aligned.heard``) that ``f``, a filler found in the sound, holds whole (not
    timed as an instant) and that, as aligned phrase by phrase, covers ``_HELD_SHARE`` of it; else None. A word the
    aligner could not place (its time is the recogniser's) is not asked."""
    if f.source != "recovered" or f.end <= f.start:
        return None
    for w, a in zip(aligned.heard, aligned.words, strict=True):
        inside = w.start >= f.start - _SAID_IN_REACH_S and w.end <= f.end + _SAID_IN_REACH_S
        if a is not w and inside and not _instant(w) and _covers(a, f):
            return a
    return None


# A function word held on its own sound runs on into what the detector finds: the voice unbroken from the word into
# it. Said and then followed by a filler, the word has a syllable of its own (a loudness peak, ``_NUCLEUS_DIP_DB``
# over the dip before the filler, or a pitch of its own: ``_Articulation.keeps_own_syllable``) and the filler, a
# syllable itself, opens on a vowel: a peak of its own (de Jong and Wempe's nucleus) over the dip between them.
# Held, one of the two is missing: a word said on one vowel held ("for" said [fə] and held, JFK's r-less Boston "for";
# the glide of "we" held into "are") keeps no syllable outside the held sound, which the aligner, offered a filler,
# fits as "for, uh" all the same (a long schwa is an "uh" to it); and a word held on its last consonant, a nasal or
# a liquid ("innn", its murmur level 3-4 dB under its [ɪ]), leaves a stretch with no peak of its own. A consonant that
# stops the voice ("it", "at") cannot be held, so a quiet "uh" after one (a spliced "It, uh, is" 17 dB under "It") is
# a filler. The word's time is the aligner's (the recogniser times a short word on the held sound itself, where its
# own sound is not known: ``_drawn_out_before``); only a word it aligned is asked. And a word held is one voice
# running on: the filler's pitch moves no faster than a voice glides (``_GLIDE_ST_PER_FRAME``) up to its fade. Over a
# telephone line the aligner squeezed "of" to 60 ms before a 1.3 s spliced "uh" in another voice, and the filler
# found took in the word's vowel at 270 Hz, then, after one unvoiced frame, the "uh" at 180 Hz: "of" kept under
# 50 ms of voice outside it and passed for held. A last consonant held is asked of any word: the recogniser may merge
# the word held into the one before ("mention innn passing" heard from a 16-bit copy as "mentioning passing"), and a
# murmur with no peak of its own after a word's final nasal is that nasal, whatever the word. But a nasal murmur
# (found as an "um") is no held [l] or [r]: in a 0.5 s room the murmur of an "um" spliced after "example" (its vowel
# under the aligned word) had passed for the word's [l] held. The other way does not hold: a nasal held alone, with no
# vowel before it, is found as an "uh" as often as an "um" (the kind is heard in a vowel's fall into the murmur).
_HELD_CODA = frozenset({"M", "N", "NG", "L", "R"})
_NASAL_CODA = frozenset({"M", "N", "NG"})


def _drawn_into(f: Word, aligned: _Phrased, pace: _Articulation) -> Word | None:
    """The word of ``aligned`` (as aligned phrase by phrase, with the phones it was aligned as) held into ``f``, a
    filler found in the sound: a word the aligner placed before ``f``, ending within ``_HELD_NEAR_S`` of its start
    or inside it, whose last voiced stretch runs on unbroken into ``f`` and through it to its last 50 ms, at one
    pitch contour inside it; and either ending on a nasal or liquid (``_HELD_CODA``) with ``f`` holding no syllable
    nucleus of its own (and, after a liquid, not an "um"), or a one-syllable function word (``HELD_WORDS``) keeping
    no syllable of its own outside ``f``; else None."""
    if f.source != "recovered" or f.end <= f.start:
        return None
    before = [
        (a, ph)
        for w, a, ph in zip(aligned.heard, aligned.words, aligned.phones, strict=True)
        if a is not w and a.start < f.start and f.start - _HELD_NEAR_S <= a.end <= f.end
    ]
    if not before:
        return None
    (p, ph), track = before[-1], pace.track
    lo, at, end, core = (int(i) for i in np.searchsorted(track.times, [p.start, f.start, f.end, f.end - 0.05]))
    unvoiced = np.flatnonzero(~track.voiced[lo:at])
    run = lo + (int(unvoiced[-1]) + 1 if len(unvoiced) else 0)  # the word's last voiced stretch, into ``f``
    if run >= at or not track.voiced[at : max(at, core)].all():
        return None
    st = 12 * np.log2(track.f0[at:core])
    if len(st) > 1 and np.abs(np.diff(st)).max() > _GLIDE_ST_PER_FRAME:
        return None
    nucleus = np.any((pace.every_nucleus >= at) & (pace.every_nucleus < end))
    if (
        ph
        and ph[-1] in _HELD_CODA
        and not nucleus
        and (ph[-1] in _NASAL_CODA or NON_LEXICAL.get(normalize(f.text)) != "um")
    ):
        return p
    if normalize(p.text) not in HELD_WORDS or _syllables(p) != 1:
        return None
    return None if pace.keeps_own_syllable(p, _Voiced(f.start, f.end, _median_f0(track, f))) else p


def _holding(words: list[Word], held: Sequence[tuple[Word, Word]], heard: Sequence[Word] = ()) -> list[Word]:
    """``words`` with each held word's time taken over its held vowel, for each (filler taken back, held word as
    aligned) in ``held``: the steps before may have cut the "filler" out of the word's time, and the transcript
    shows the word said over its sound (the read-along marks "as" while it is held) and the pauses are measured
    around it. The word is the recognised one of the same text nearest the aligned one; where the recogniser
    (``heard``) timed it over the held sound (``_HELD_SHARE`` of it), it takes back that time too (a held "in"
    heard 1.70-2.38 s, cut to start after its murmur, started 35 ms after its own sound)."""
    out = list(words)
    for f, h in held:
        near = [
            i
            for i, w in enumerate(out)
            if not is_non_lexical(w)
            and normalize(w.text) == normalize(h.text)
            and w.start < h.end + _HELD_REACH_S
            and w.end > h.start - _HELD_REACH_S
        ]
        if near:
            i = min(near, key=lambda i: abs(out[i].start - h.start))
            same = [w for w in heard if normalize(w.text) == normalize(h.text) and _covers(w, f)]
            spans = [out[i], f, *same[:1]]
            out[i] = replace(out[i], start=min(w.start for w in spans), end=max(w.end for w in spans))
    out.sort(key=lambda w: (w.start, w.end))
    return out


def _covers(w: Word, f: Word) -> bool:
    return _overlap(w, f) >= _HELD_SHARE * (f.end - f.start)


class _Phrased(NamedTuple):
    """The recogniser's lexical words as a forced alignment places them phrase by phrase (``_aligned_by_phrase``)."""

    words: list[Word]  # at the aligner's times; a word in a phrase it could not align keeps the recogniser's
    phrases: list[tuple[int, int]]  # the phrases ``[a, b)`` it aligned
    phones: list[tuple[str, ...]]  # each word's phones as aligned (none for a word it could not align)
    fillers: dict[int, Span]  # where it placed each filler it was given, by the filler's index
    heard: list[Word]  # the words as recognised


def _aligned_by_phrase(audio: Audio, lexical: Sequence[Word], fillers: Sequence[Word] = ()) -> _Phrased:
    """``lexical`` (the lexical words, in time order) with the times a forced alignment (``podium.align``) gives them
    phrase by phrase (``_phrases``). The ``fillers`` written or found so far are aligned among the words of their
    phrase (``_pronounced_among``), and a pause one fills does not end a phrase."""
    retimed = list(lexical)
    phones: list[tuple[str, ...]] = [() for _ in lexical]
    aligned: list[tuple[int, int]] = []
    placed_fillers: dict[int, Span] = {}
    # the words and fillers in time order, each word with its index in ``lexical`` and each filler with its index in
    # ``fillers`` as -1 - index
    text = sorted(
        [*((w, i) for i, w in enumerate(lexical)), *((f, -1 - j) for j, f in enumerate(fillers))],
        key=lambda p: _mid(p[0]),
    )
    for a, b in _phrases([w for w, _ in text]):
        ks = [i for _, i in text[a:b] if i >= 0]
        js = [-1 - i for _, i in text[a:b] if i < 0]
        if len(ks) < 2:
            continue
        placed = _pronounced_among(audio, [lexical[i] for i in ks], [fillers[j] for j in js])
        if placed is None:
            continue
        words, spans = placed
        for i, w, ph in zip(ks, words.words, words.phones, strict=True):
            retimed[i], phones[i] = w, ph
        placed_fillers.update({js[n]: span for n, span in spans.items()})
        aligned.append((ks[0], ks[-1] + 1))
    return _Phrased(retimed, aligned, phones, placed_fillers, list(lexical))


# Aligned as words alone, a stretch has no place for a filler's sound but a word beside it or silence: the aligner
# stretched "much," over a spliced "um" the recogniser had written after it, and left the word's own vowel in the gap
# before it, where it passed for a quick "uh" (the filler bench, librivox 0870). So the fillers written or found go
# into the text as the "uh" or "um" they are (the dictionary's AH, AH M). A hum stays out: the dictionary's "hm" (HH M)
# would serve, but aligning hums among the words has not been measured.
_SAID = ("uh", "um")


def _pronounced_among(
    audio: Audio, words: Sequence[Word], fillers: Sequence[Word]
) -> tuple[align.Pronounced, dict[int, Span]] | None:
    """``words`` (lexical, in time order) aligned (``align.pronounced``) with ``fillers`` among them in time order,
    each as the "uh" or "um" it is (``_SAID``; another kind left out): the result for ``words``, and where each
    filler aligned was placed (by its index in ``fillers``)."""
    said = [(j, Word(k, f.start, f.end, f.confidence)) for j, f in enumerate(fillers)
            if (k := NON_LEXICAL.get(normalize(f.text))) in _SAID]  # fmt: skip
    text = sorted([*((w, -1) for w in words), *((f, j) for j, f in said)], key=lambda p: _mid(p[0]))
    placed = align.pronounced(audio, [w for w, _ in text])
    if placed is None:
        return None
    keep = [k for k, (_, j) in enumerate(text) if j < 0]
    spans = {j: Span(placed.words[k].start, placed.words[k].end) for k, (_, j) in enumerate(text) if j >= 0}
    return align.Pronounced([placed.words[k] for k in keep], [placed.phones[k] for k in keep]), spans


# A filler the recogniser timed as an instant has no sound known to be its own (``_instant``). Aligned among the words
# of its phrase, it is placed where an "uh" or "um" fits the sound; placed over ``_INSTANT_S`` or more, it takes that
# time, and a filler found in the gaps after is not found again beside it. Over a telephone line, tiny.en wrote the
# "uh" spliced into librispeech 61-70968-0000 at 4.20-4.85 s as an instant at 4.74 s; the aligner placed it at the
# filler's start, and the gaps' test had found the same filler's first 0.35 s there: one filler counted twice.
# Placed on a filler found in the sound (over half of the shorter of the two), it is that filler, heard by the
# recogniser too: one filler, with the time found in the sound. In a 0.5 s room, inside a longer recording, tiny.en
# wrote the held-out monologue's "say, um, b't here's" as "say, but, um, here's" with both "but" and "um" instants;
# aligned in that order the written "um" went onto the "um" found there already (17.61-18.04 s), and was counted twice.
def _instants_placed(words: Sequence[Word], fillers: Sequence[Word], placed: dict[int, Span]) -> list[Word]:
    """``words`` with each of ``fillers`` that the recogniser wrote as an instant at the time the aligner ``placed``
    it (by its index in ``fillers``: ``_aligned_by_phrase``) where that is ``_INSTANT_S`` or longer; where that is
    on a filler found in the sound (``source="recovered"``), at that one's time, and that one dropped. In the order
    given: the caller sorts."""
    moved = {
        id(fillers[j]): s
        for j, s in placed.items()
        if fillers[j].source != "recovered" and _instant(fillers[j]) and s.end - s.start >= _INSTANT_S
    }
    found = [f for f in fillers if f.source == "recovered"]
    out: list[Word] = []
    taken: set[int] = set()
    for w in words:
        s = moved.get(id(w))
        if s is None:
            out.append(w)
            continue
        same = [f for f in found if _overlap(f, s) > 0.5 * min(f.end - f.start, s.end - s.start)]
        out.append(replace(w, start=same[0].start, end=same[0].end) if same else replace(w, start=s.start, end=s.end))
        taken.update(id(f) for f in same)
    return [w for w in out if id(w) not in taken]


def _mid(w: Word) -> float:
    return (w.start + w.end) / 2


_ALIGN_REACH_S = 4.0  # the words aligned around a burst the recogniser's words cover: those within this of it


def _between_aligned_words(
    audio: Audio,
    track: pitch.PitchTrack,
    words: Sequence[Word],
    found: Sequence[Word],
    covered: Sequence[_Voiced],
    claimed: set[_Voiced],
    held_long: Callable[[_Voiced], bool],
    voice_starts: np.ndarray,
) -> list[Word]:
    """``found`` (the words so far) with the quick fillers that a recognised word was timed over, found between the
    words as a forced aligner places them (``podium.align``).

    A voiced burst that sounds like a filler (``_is_filled_pause``: flat, periodic, low, held a syllable and a half)
    but lies under one of Whisper's words is not looked for in the gaps (``recover``), and one too quick to hold a
    steady 0.2 s is not looked for inside the words either (``_inside_words``). Around such bursts only, the
    recognised words are aligned to the sound (with the fillers in ``found`` among them: ``_pronounced_among``), and
    a burst that the aligned words leave between them is a filled
    pause by the same tests as one in a gap. ``covered`` are the voiced pieces the recogniser's words cover; a burst
    beside a filler already written or found (``found``; the recogniser's own, at their times as written; a run's
    ``claimed`` gap) is that filler. Nothing is aligned where no such burst is. A word the recogniser timed over a
    filler found so takes its aligned times, so that the transcript keeps the order said ("should be, uh, defined",
    not "should, uh, be defined") and the pauses and pace are measured around the filler, not through it."""
    said = [w for w in (*found, *words) if is_non_lexical(w)]
    maybe = [v for v in covered if _burst_like_a_filler(v, held_long) and _free(v, said, claimed)]
    lexical = [w for w in words if not is_non_lexical(w)]
    if not maybe or not lexical:
        return list(found)
    starts = np.array([w.start for w in lexical])
    ends = np.array([w.end for w in lexical])
    windows: list[list[int]] = []
    for v in sorted(maybe, key=lambda v: v.start):
        near = np.flatnonzero((ends > v.start - _ALIGN_REACH_S) & (starts < v.end + _ALIGN_REACH_S))
        if not len(near):
            continue
        a, b = int(near[0]), int(near[-1]) + 1
        if windows and a <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], b)
        else:
            windows.append([a, b])
    retimed = list(lexical)
    for a, b in windows:
        inside = [f for f in found if is_non_lexical(f) and lexical[a].start <= _mid(f) <= lexical[b - 1].end]
        placed = _pronounced_among(audio, lexical[a:b], inside)
        if placed is not None:
            retimed[a:b] = placed[0].words
    in_words = _mask(retimed, int(np.ceil(audio.duration_s / _GRID_S)) + 1)
    added: list[Word] = []
    for v in _joined([v for v in covered if _share(v, in_words) <= _MAX_COVER]):
        if not _burst_like_a_filler(v, held_long) or not _free(v, [*said, *added], claimed):
            continue
        if _between_words(v, retimed, voice_starts) and not _glides_up_after(track, v):
            added.append(_filler_word(v))
    return _with_fillers_added(found, lexical, retimed, added)


def _with_fillers_added(
    found: Sequence[Word], lexical: Sequence[Word], retimed: Sequence[Word], added: Sequence[Word]
) -> list[Word]:
    """``found`` and the fillers ``added`` between aligned words, each word that overlaps one of them taking its
    aligned time from ``retimed`` (``lexical``, the lexical words of ``found`` in order, as aligned), and with it each
    word beside it that its aligned time would put on the wrong side of it.

    The aligner keeps the order said; its times mixed with the recogniser's need not: "be a part, uh, of" with
    "part" aligned over 7.25-7.55 s and "a" as recognised at 7.34 s read "be part a, uh, of"."""
    if not added:
        return list(found)
    lex = [w for w in found if not is_non_lexical(w)]  # ``lexical`` in order, some re-timed by ``_inside_words``
    aligned = [retimed[k] is not lexical[k] for k in range(len(lex))]
    take = {k for k, w in enumerate(lex) if aligned[k] and any(_overlap(w, f) > 0 for f in added)}
    for k in sorted(take):
        j = k - 1
        while j >= 0 and j not in take and aligned[j] and lex[j].start >= retimed[j + 1].start:
            take.add(j)
            j -= 1
        j = k + 1
        while j < len(lex) and j not in take and aligned[j] and lex[j].start <= retimed[j - 1].start:
            take.add(j)
            j += 1
    out, k = [], 0
    for w in found:
        if not is_non_lexical(w):
            if k in take:
                w = replace(w, start=retimed[k].start, end=retimed[k].end)
            k += 1
        out.append(w)
    return out + list(added)


# A quick "uh" said between two words (0.3 s, mid-phrase) is seldom written by the recogniser, which times the words
# around it over it, and its voicing runs into theirs, so that no stretch of it is steady for 0.2 s or flat as a whole
# (the bench's ``shorter-0.3s`` fillers: 0 of 20 found by the steps before). Aligned to the sound, the words leave
# such a filler between them, and the voicing there, cut at the aligned words, is the filler alone. It is asked what
# a filler's voice is (periodic, irregular as a voice, low in the speaker's range: ``_MAX_ABOVE_FLOOR_ST``), not to
# be held a syllable and a half: a quick filler is only its onset and its fall. Said on a flat or falling pitch
# (O'Shaughnessy 1992; Shriberg and Lickley 1993), over 0.2-0.3 s a quick "uh" falls 3-13 semitones a second, its
# spread 0.1-1.5 semitones (the quick fillers found here); a syllable that rises is a word's (a cut-off "a-" before
# "aligner" rose 6.5 semitones a second between words the recogniser had wrong, mfa_cutoff). A word held on its
# vowel, which the aligner may end early, leaves its vowel there too: the word before must keep a syllable of its own
# outside the stretch (``_Articulation.keeps_own_syllable``, a jfk clip's held "for").
_QUICK_MIN_S = 0.15
_QUICK_MAX_SPREAD_ST = 1.6
_QUICK_MAX_FALL_ST_S = 15.0
_QUICK_MAX_RISE_ST_S = 4.0
_QUICK_MIN_GAP_S = 0.12  # the gap between aligned words that may hold one (``_MIN_BURST_S``)
# The words are aligned phrase by phrase: split where the recogniser's words pause (the aligner's own silence model
# takes a pause within a window), at most ``_PHRASE_MAX_S`` long (the aligner's cost grows with the window).
_PHRASE_PAUSE_S = 0.6
_PHRASE_MAX_S = 20.0


def _is_quick_filler(v: _Voiced) -> bool:
    return (
        v.held >= _QUICK_MIN_S
        and v.end - v.start <= _MAX_S
        and v.spread_st <= _QUICK_MAX_SPREAD_ST
        and -_QUICK_MAX_FALL_ST_S <= v.slope_st_s <= _QUICK_MAX_RISE_ST_S
        and v.strength >= _MIN_STRENGTH
        and v.usual_pitch
        and v.jitter_cents >= _MIN_JITTER_CENTS
        and v.above_floor_st <= _MAX_ABOVE_FLOOR_ST
    )


def _phrases(words: Sequence[Word]) -> list[tuple[int, int]]:
    """``words`` (in time order) as runs ``[a, b)`` split at pauses of ``_PHRASE_PAUSE_S`` and ``_PHRASE_MAX_S``."""
    out: list[tuple[int, int]] = []
    a = 0
    for k in range(1, len(words) + 1):
        if k == len(words) or (
            words[k].start - words[k - 1].end > _PHRASE_PAUSE_S or words[k].end - words[a].start > _PHRASE_MAX_S
        ):
            out.append((a, k))
            a = k
    return out


def _in_aligned_gaps(
    audio: Audio,
    track: pitch.PitchTrack,
    found: Sequence[Word],
    aligned: _Phrased,
    claimed: set[_Voiced],
    voice_starts: np.ndarray,
    changes: np.ndarray,
    pace: _Articulation,
    speech_db: float,
) -> list[Word]:
    """``found`` with the quick fillers said between two words: its lexical words as ``aligned`` phrase by phrase
    (``_aligned_by_phrase``), and the voicing each gap between two aligned words holds, cut to the gap, tested as a
    quick filler (``_is_quick_filler``), away from the fillers written or found and runs' ``claimed`` gaps (``_free``),
    with the word before keeping a syllable of its own (``pace``: the nuclei of the whole sound), and the word after too
    where it opens on the filler's own vowel (``_opens_on_its_vowel``), peaking no more than
    ``_QUICK_MAX_UNDER_SPEECH_DB`` under ``speech_db`` (``_speech_level_db`` of the aligned words). A word that overlaps
    a filler found so takes its aligned times. A burst where the aligner placed a filler written or found
    (``aligned.fillers``) is that filler, wherever the recogniser timed it: in a 0.5 s room tiny.en timed the held-out
    monologue's first "um" 0.2 s after its sound, the aligner placed it on the sound, and the gaps' test had found it
    there again."""
    lexical, retimed, phones = aligned.heard, aligned.words, aligned.phones
    if len(lexical) < 2 or track.f0.size < 2:
        return list(found)
    gaps = [
        k
        for a, b in aligned.phrases
        for k in range(a, b - 1)
        if retimed[k + 1].start - retimed[k].end >= _QUICK_MIN_GAP_S
    ]
    if not gaps:
        return list(found)
    said: list[Word | Span] = [*(w for w in found if is_non_lexical(w)), *aligned.fillers.values()]
    hop = float(track.times[1] - track.times[0])
    line = _low_band_lost(audio, track)
    quietest = speech_db - _QUICK_MAX_UNDER_SPEECH_DB
    added: list[Word] = []
    for k in gaps:
        before, after = retimed[k], retimed[k + 1]
        a, b = (int(i) for i in np.searchsorted(track.times, [before.end, after.start]))
        for a2, b2 in _runs(track.voiced[a:b], bridge=3):
            if b2 - a2 < 3:
                continue
            v = _stats(track, audio, a + a2, a + b2, hop, changes, line)
            if v.own_end is not None and v.own_end > after.start:  # its kind is heard up to the next word only
                ends = _nasal_end(audio, v.start, v.end, None, after.start, line=line)
                v = replace(v, own_end=after.start, nasal_end=ends)
            if (
                _is_quick_filler(v)
                and v.peak_db >= quietest
                and _free(v, [*said, *added], claimed)
                and pace.keeps_own_syllable(before, v)
                and not (_opens_on_its_vowel(phones[k + 1]) and not pace.keeps_own_syllable(after, v))
                and _between_words(v, retimed, voice_starts)
                and not _glides_up_after(track, v)
            ):
                added.append(_filler_word(v))
    return _with_fillers_added(found, lexical, retimed, added)


# A word that opens on the filler's own vowel ("of", AH V; "a", AH; "and" said AH N D), held on it while the speaker
# finds what comes next ("uhhhv"), is one long [ʌ]. The aligner, which has no filler to place, may start the word late
# and leave its held vowel in a gap, where it sounds as a quick "uh" does (the bench's held "of" of LJ001-0014: "part"
# at 7.25-7.55 s, "of" at 8.01-8.13 s, the 0.46 s between them its vowel). Such a word must keep a syllable of its own
# after the stretch (``_Articulation.keeps_own_syllable``: a loudness peak of its own, or another pitch), as the word
# before must. A word that opens on another vowel ("uh, is") holds its own vowel whatever runs into it: a spliced "uh"
# crossfaded into "is", which the aligner timed 70 ms long, is a filler.
_FILLER_VOWEL = "AH"


def _opens_on_its_vowel(phones: Sequence[str]) -> bool:
    """True when a word, pronounced ``phones`` as aligned, opens on a filler's vowel."""
    return bool(phones) and phones[0] == _FILLER_VOWEL


# A quick filler is a vowel said in the speaker's voice, about as loud as the words: the "uh"s and "um"s of the tuning
# clips and the MFA fixtures peak from 7.6 dB under the median level of the voiced frames inside the words to 8.5 dB
# over it. Voicing in a gap far quieter than that is not a filler said but a hall's reverberation or a voice in the
# background: slowed, jfk holds a murmur 17.6 dB under between "ask" and "not", where the aligner leaves a gap. (Only
# here and for a murmur going on from a word's final nasal, ``_nasal_held``: a filler found elsewhere may be its
# murmur alone, and hums, said with the lips closed, peak down to 15.5 dB under.)
_QUICK_MAX_UNDER_SPEECH_DB = 12.0


def _speech_level_db(track: pitch.PitchTrack, lexical: Sequence[Word]) -> float:
    """The median level (dB) of the voiced frames inside the ``lexical`` words; -inf where they hold none."""
    speech = track.level_db[_frames_in(track.times, lexical) & track.voiced]
    return float(np.median(speech)) if speech.size else -np.inf


_SAID_NEAR_S = 0.05  # a burst this close to a filler written or found is that filler


def _free(v: _Voiced, said: Sequence[Word | Span], claimed: set[_Voiced]) -> bool:
    """True when the burst ``v`` is no filler already: not within ``_SAID_NEAR_S`` of one written or found
    (``said``), nor over a gap a run of the recogniser's fillers ``claimed``."""
    return not any(v.start < w.end + _SAID_NEAR_S and w.start - _SAID_NEAR_S < v.end for w in said) and not any(
        v.start < c.end and c.start < v.end for c in claimed
    )


def _held_long(tempo: _Tempo, pace: _Articulation) -> Callable[[_Voiced], bool]:
    """Whether a stretch outlasts the speaker's syllables by either measure of them (``_Tempo``, the recogniser's
    word times; ``_Articulation``, the nuclei in the sound)."""
    return lambda v: tempo.outlasts_a_syllable(v) or pace.outlasts_a_syllable(v)


def _burst_like_a_filler(v: _Voiced, held_long: Callable[[_Voiced], bool]) -> bool:
    """A voiced burst that sounds like a filled pause (``_is_filled_pause``), outlasts the speaker's syllables
    (``held_long``) and is said low (``_MAX_BURST_ABOVE_FLOOR_ST``): the test a burst between words passes, whether
    the words are as the recogniser timed them (``recover``) or as they were aligned (``_between_aligned_words``)."""
    return _is_filled_pause(v) and held_long(v) and v.above_floor_st <= _MAX_BURST_ABOVE_FLOOR_ST


def candidates(audio: Audio, track: pitch.PitchTrack) -> list[Span]:
    """Where the sound alone suggests a filled pause, before any word is known.

    Steady stretches with a filler's pitch (see ``_inside_words``). Fluent
    read speech holds almost none, so the recogniser's filler prompt, which
    costs accuracy on fluent speech, goes only to the chunks that hold one.
    A filler's pitch is judged against its own voice's, as ``recover`` judges
    it (``_voice_changes``): against the voices around it, a man's "uh" amid
    a woman's reading was no candidate, and its chunk got no prompt.
    """
    found = [v for v in _steady_stretches(track, audio, _voice_changes(track)) if _is_steady_filler(v)]
    return [Span(round(v.start, 3), round(v.end, 3)) for v in sorted(found, key=lambda v: v.start)]


def hidden(audio: Audio, track: pitch.PitchTrack, words: Sequence[Word]) -> list[Span]:
    """Where a filled pause may lie under the recogniser's words, once they are known.

    Voiced bursts that sound like a filled pause (flat, periodic, low, held a syllable and a half: the test a burst
    between words passes, ``_burst_like_a_filler``) that lie within one recognised word of one syllable (all but
    ``_MAX_COVER`` of them: a word of several may hold a long flat vowel of its own). A filler said fast after a
    word, its vowel joined to the word's ("say, b't um", a held-out monologue inside a longer recording), is no
    steady stretch and no candidate before decoding; where Whisper then times the word over it and writes no
    filler, it is where a second look with the filler prompt (``podium.speech``) may hear one, as Whisper did in
    the clip alone.
    """
    lexical = [w for w in words if not is_non_lexical(w)]
    if len(lexical) < 2 or track.f0.size < 2:
        return []
    held_long = _held_long(_Tempo(lexical), _Articulation(track, lexical))
    one = [w for w in lexical if _syllables(w) == 1]
    found = [
        v
        for v in _voiced(track, audio)
        if any(_overlap(w, v) >= (1 - _MAX_COVER) * (v.end - v.start) for w in one)
        and _burst_like_a_filler(v, held_long)
    ]
    return [Span(round(v.start, 3), round(v.end, 3)) for v in found]


def _filler_word(v: _Voiced) -> Word:
    """A filler found in the sound: from the stretch's start to where its own voicing ends (an um's murmur, an uh's
    fading end: the steady stretch stops where the envelope starts to change, 0.07 s before the spliced fillers'
    ends at the median, 0.015 s with the voicing it continues into)."""
    conf = round(min(1.0, v.strength), 4)
    end = max(v.end, v.own_end or v.end)
    return Word("um" if v.nasal_end else "uh", round(v.start, 3), round(end, 3), conf, source="recovered")


_MIN_STEADY_S = 0.2  # a steady vowel this long is rare inside a fluent word (measured: see docs/how-it-works.md)
_STEADY_FLUX_DB = 5.0  # spectral change over 60 ms under which the envelope counts as steady
_MIN_OWN_VOICE_S = 0.05  # a word keeps a vowel of its own outside the filler; else the stretch *is* the word, drawn out
_OTHER_PITCH_ST = 3.0  # voicing this far from a stretch's pitch is not its vowel's onset or fade (as ``_OWN_VOICE_ST``)
# unless it glides there: a voice moves its pitch at most about 80 semitones a second, even over an octave (Xu and
# Sun 2002, "Maximum speed of pitch change and how it may relate to speech": falls of 12 st at ~83 st/s, rises
# ~78), under 1 st a 10 ms frame; twice that allows for the tracker's own error. A step larger than this is a voice
# starting again at another pitch (a syllable of its own), or another voice
_GLIDE_ST_PER_FRAME = 2.0
# Filled pauses are said low, near the bottom of the speaker's range (Shriberg and Lickley 1993; O'Shaughnessy 1992):
# within 2 semitones of the speaker's 10th-percentile F0 (0-1.2 st on the single fillers of the tuning clips). A word's
# held vowel usually is not (2-7.5 st on the drawn words of mfa_acoustic_corpus's slow stretch). The two overlap: over
# the 27 fillers the recogniser writes in the natural recordings (shared and MFA fixtures), each one's longest voiced
# run measured so: median 1.1 st, 10 over 2 st (a quick series, a sick voice's "uh"s), 2 over 3. A quick filler in a gap
# between aligned words held to 3 st instead (2026-12-07, the filler bench on decodes cached) found 2 more spliced "uh"s
# (2.35 and 2.5 st up) and reported a drawn "how" (2.8 st up) the aligner had left between words it misplaced: precision
# first, so 2 st for quick fillers and inside words; the recogniser writes the higher ones itself.
_MAX_ABOVE_FLOOR_ST = 2.0
# The same holds for a voiced burst between words that the recogniser wrote no filler for, with a semitone more room
# (its pitch is measured over all its voicing, onset and fade included: the real ones here sat -0.1 to 1.9 semitones
# over the floor, in a 0.5 s room too). In a room a word's vowel ringing on in a gap passed for one ("Mr. ... John",
# 3.7 and 4.4 semitones up). A series the recogniser heard ("uh uh uh", 2.5-2.9 semitones up in mfa_uhuh) is fitted
# to its bursts by ``_fit_runs`` and is not held to this.
_MAX_BURST_ABOVE_FLOOR_ST = 3.0


def _inside_words(
    words: list[Word], steady: list[_Voiced], pace: _Articulation, voice_starts: np.ndarray | None = None
) -> list[Word]:
    """Filled pauses that the recogniser folded into a neighbouring word.

    Whisper often stretches a word over an "uh" said next to it, or slides a word's times onto it, and often by less
    than the filler lasts. A steady voiced stretch of 200 ms or more (flat pitch, stable spectral envelope, low in
    the speaker's range) is rare inside a fluent word, so the stretch itself is the evidence, not how long the
    recogniser made the word: it is a filled pause when the word keeps a syllable of its own outside it
    (``_Articulation.keeps_own_syllable``), or when the word has several syllables and too little time outside the
    stretch to say them. A one-syllable word that is nothing but the stretch is the word drawn out ("sooo"), not a
    filler, unless it is a cut-off start with no vowel ("sh..."). The filler is cut out of the word, which keeps the
    rest of its time. A steady stretch that no word covers, between words, is a filled pause too: the gap's own test
    (``_is_filled_pause``) hears its voiced pieces, which a dip splits (an "um" in two steps, the vowel and then the
    quieter nasal), and may find none long enough alone.
    """
    is_lexical = np.array([not is_non_lexical(w) for w in words], dtype=bool)
    if is_lexical.sum() < 2:
        return words
    syl_s = _seconds_per_syllable([w for w, lex in zip(words, is_lexical, strict=True) if lex])
    out = list(words)
    # word times as arrays (kept in step with ``out``), so each stretch meets the words in one vectorised pass
    starts = np.array([w.start for w in out])
    ends = np.array([w.end for w in out])
    added: list[Word] = []
    for v in steady:
        if not _is_steady_filler(v) or _glides_up_after(pace.track, v):
            continue
        overlap = np.minimum(ends, v.end) - np.maximum(starts, v.start)
        if np.any((overlap > 0) & ~is_lexical):  # the recogniser wrote a filler here
            continue
        overlap = np.where(is_lexical & (overlap > 0.03), overlap, -np.inf)
        best = overlap.max()
        if not np.isfinite(best):  # in a gap no word covers: the same evidence, and no word to re-time
            lexical = [w for w, lex in zip(out, is_lexical, strict=True) if lex]
            if _filler_in_gap(v, lexical, out + added):
                continue
            between = _between_words(v, lexical, voice_starts) and not _drawn_out_after(v, lexical, pace)
            if between or _before_speech(v, lexical, pace):
                added.append(_filler_word(v))
            continue
        i = int(np.flatnonzero(overlap == best)[-1])  # the word it overlaps most (the later one on a tie)
        w = out[i]
        syllables = _syllables(w)
        rest = w.end - w.start - _overlap(w, v)
        own_voice = pace.keeps_own_syllable(w, v)
        # a word of several syllables cannot be one steady vowel: its times slid over the filler
        no_room = syllables >= 2 and rest < (syllables - 1) * 0.5 * syl_s
        if not (own_voice or no_room or _vowelless_fragment(w.text)):
            continue
        filler = _filler_word(v)
        if v.start - w.start >= w.end - v.end:  # the filler came after the word
            if not _word_after(v, [u for u, lex in zip(out, is_lexical, strict=True) if lex]):
                continue
            out[i] = replace(w, end=round(max(w.start + 0.05, filler.start), 3))
        else:
            if _drawn_out_before(v, out, is_lexical, i, pace):
                continue
            out[i] = replace(w, start=round(min(w.end - 0.05, filler.end), 3))
        starts[i], ends[i] = out[i].start, out[i].end
        added.append(filler)
    return out + added


def _drawn_out_before(
    v: _Voiced, words: Sequence[Word], is_lexical: np.ndarray, i: int, pace: _Articulation, touch_s: float = 0.1
) -> bool:
    """True when the stretch ``v``, cut from the start of word ``i``, is the word before it drawn out: that word
    touches the stretch, its voicing runs on into it unbroken, and it keeps no syllable of its own outside it
    (``_Articulation.keeps_own_syllable``). A speaker holding "the" while finding the next word says "thuhhh", and
    Whisper slides the next word's start over the held vowel: the test a one-syllable word the stretch lies in must
    pass (``_inside_words``), asked of the word the vowel belongs to. After "the" said with its own vowel, a pause or
    a break in the voice, an "uh" is a filler; and a word timed with less than half a syllable of the speaker's
    (``_Articulation.syllable_s``) of voice before the stretch is timed on the stretch itself, so where its own
    sound lies is not known (a spliced "uh" after "the", which Whisper timed on the "uh"; in a 0.5 s room, "can" timed
    on the "uh" after it, its own vowel ringing on into it)."""
    k = i - 1
    while k >= 0 and not is_lexical[k]:
        k -= 1
    if k < 0 or _syllables(words[k]) != 1 or not (v.start - touch_s <= words[k].end <= v.end):
        return False
    p, track = words[k], pace.track
    lo, hi = (int(j) for j in np.searchsorted(track.times, [p.start, v.start]))
    voiced = np.flatnonzero(track.voiced[lo:hi])
    if len(voiced) * pace.hop < 0.5 * pace.syllable_s(v.start) or not track.voiced[lo + voiced[0] : hi].all():
        return False
    return not pace.keeps_own_syllable(p, v)


def _drawn_out_after(v: _Voiced, lexical: Sequence[Word], pace: _Articulation, touch_s: float = 0.3) -> bool:
    """True when the stretch ``v``, in a gap between words, is the word after it drawn out: a one-syllable word
    starting within ``touch_s`` of its end, with no silence between them (``_runs_on``), that keeps no syllable of
    its own (``_Articulation.keeps_own_syllable``), as the word after an opening filler must keep one
    (``_before_speech``), and a word a stretch is cut from (``_inside_words``). Whisper times a held word after its
    sound as well as over it: the MFA fixture cold_corpus's "pause, aaand I think" had "and" timed 0.08 s long, 0.2 s
    after its held vowel, and mfa_acoustic_corpus's slow "words. Aaand here's" had "And" begin 0.4 s into it; both
    were taken for fillers. A word of several syllables is never one held vowel, and one said after a silence is not
    the stretch before it: "say, um, b't here's" (a held-out monologue), its "but" a 50 ms burst after a silence
    that the recogniser timed after the "um"."""
    after = [w for w in lexical if w.start >= v.end - 0.1]
    if not after or after[0].start - v.end > touch_s or _syllables(after[0]) != 1:
        return False
    return _runs_on(pace.track, v, after[0].start) and not pace.keeps_own_syllable(after[0], v)


# A held vowel runs on into the rest of its word (the "nd" of "aaand"): its level stays within the range a held
# sound keeps (``_HELD_RANGE_DB``) of the vowel's up to where the recogniser starts the word. A word said after a
# silence falls further between (a pause's level, 20 dB or more under the speech around it).
def _runs_on(track: pitch.PitchTrack, v: _Voiced, until: float) -> bool:
    """True when no frame between the end of ``v``'s own voicing and ``until`` is ``_HELD_RANGE_DB`` or more under
    ``v``'s median level."""
    a, b = (int(i) for i in np.searchsorted(track.times, [v.start, v.end]))
    c, d = (int(i) for i in np.searchsorted(track.times, [max(v.end, v.own_end or v.end), until]))
    if b <= a or d <= c:
        return True
    return bool(track.level_db[c:d].min() > float(np.median(track.level_db[a:b])) - _HELD_RANGE_DB)


def _word_after(v: _Voiced, words: Sequence[Word], reach_s: float = 3.0) -> bool:
    """One of ``words`` starts within ``reach_s`` after the stretch ``v``: asked of a filler in a gap
    (``_between_words``) and of one cut out of a word's end (``_inside_words``): a steady stretch running on past a
    phrase's last word with nothing said after it is that word's last vowel held as the phrase ends (a slow
    reading's "surpassed." in pink noise, which Whisper ended early), not an "uh"."""
    return any(v.end - 0.1 <= w.start <= v.end + reach_s for w in words)


def _before_speech(v: _Voiced, lexical: Sequence[Word], pace: _Articulation, reach_s: float = 1.0) -> bool:
    """A steady stretch with no word in the 3 s before it (the recording's first sound, or the first after a long
    silence) is a filled pause when a word follows within ``reach_s`` and keeps a syllable of its own after it, as a
    word a steady stretch lies in must (``_inside_words``): a speaker who opens with "uh" then says the word, where
    a first word the recogniser timed late would have no syllable left of its own. (Where another voice begins after
    a word of the one before, ``_between_words`` refuses the stretch, and so does this.)"""
    after = [w for w in lexical if w.start >= v.end - 0.1]
    if not after or after[0].start - v.end > reach_s or _between_words(v, lexical):
        return False
    return pace.keeps_own_syllable(after[0], v)


def _filler_in_gap(v: _Voiced, lexical: Sequence[Word], words: Sequence[Word]) -> bool:
    """A filler already written or found between the words around ``v`` (words timed as instants do not part a
    gap, as in ``_fit_runs``): the recogniser heard one there and its run was fitted to the gap's bursts, or the
    gap's own test found one. A second, from a steady stretch of the same gap, is most often the same filler's
    ringing tail in a room, or a word the recogniser left out."""
    lo = max((w.end for w in lexical if w.end <= v.start + 0.05 and not _instant(w)), default=0.0)
    hi = min((w.start for w in lexical if w.start >= v.end - 0.05 and not _instant(w)), default=np.inf)
    return any(is_non_lexical(w) and w.end > lo and w.start < hi for w in words)


_JOIN_S = 0.05  # two fillers this close, voiced all the way between them at one pitch, are one held vowel
_JOIN_ST = 1.0


def _one_held_vowel(words: list[Word], track: pitch.PitchTrack) -> list[Word]:
    """Join fillers that are one held vowel split in two.

    A momentary dip in a long "uhhh" (a codec's frame, a crackle) breaks its steady envelope for a few frames, and
    each half is then long and steady enough to be found. Two fillers said one after the other are parted by a
    break in the voice (a pause or a glottal stop); so fillers next to each other, at least one recovered from the
    sound, with no break in the voicing between them and at the same pitch, are one filler: the later one's kind
    (a nasal end is at the end), the recogniser's source and confidence if it wrote either. A filler the recogniser
    timed as an instant has no sound of its own to compare: touching one found in the sound, it is that one (the
    second look's "consider, uh, where" with its "uh" at 3.70-3.72 s, against the "uh" found over 3.23-3.71 s).
    """
    out: list[Word] = []
    for w in words:
        prev = out[-1] if out else None
        if (
            prev is not None
            and _um_or_uh(prev)
            and _um_or_uh(w)
            and "recovered" in (prev.source, w.source)
            and w.start - prev.end <= _JOIN_S
            and (
                _instant(prev)
                or _instant(w)
                or (
                    _voiced_between(track, prev.end, w.start)
                    and _same_pitch(_median_f0(track, prev), _median_f0(track, w), _JOIN_ST)
                )
            )
        ):
            out[-1] = _as_one(prev, w, prev.start, max(prev.end, w.end))
            continue
        out.append(w)
    return out


def _um_or_uh(w: Word) -> bool:
    return normalize(w.text) in ("um", "uh")


def _as_one(a: Word, b: Word, start: float, end: float) -> Word:
    """The fillers ``a`` and ``b`` (in time order, one of them recovered) as one over ``start``-``end``: the
    recogniser's word if it wrote either, of the later one's kind."""
    heard = a if a.source != "recovered" else b
    text = heard.text if normalize(heard.text) == normalize(b.text) else b.text
    return replace(heard, text=text, start=start, end=end)


def _instants_heard(words: list[Word]) -> list[Word]:
    """A filler the recogniser timed as an instant within ``_APART_S`` of one found in the sound is that one, even
    with a word timed between them, which no one says in that time: in a room, the held "as" of a bench clip was
    found in the sound at 3.42-4.14 s, and Whisper wrote "as, uh," with its "uh" at 4.22 s inside "as" (two fillers
    for one sound). The filler keeps the sound's times (``_as_one``)."""
    found = [i for i, w in enumerate(words) if w.source == "recovered" and _um_or_uh(w)]
    out, gone = list(words), set()
    for k, w in enumerate(words):
        if w.source == "recovered" or not _um_or_uh(w) or not _instant(w):
            continue
        near = [i for i in found if words[i].start - _APART_S <= w.start <= words[i].end + _APART_S]
        if near:
            i = min(near, key=lambda i: abs((words[i].start + words[i].end) / 2 - w.start))
            f = out[i]
            out[i] = _as_one(f, w, f.start, f.end) if f.start <= w.start else _as_one(w, f, f.start, f.end)
            gone.add(k)
    return [w for k, w in enumerate(out) if k not in gone]


# A filled pause is said on a flat or slowly falling pitch, low in the voice (O'Shaughnessy 1992; Shriberg and Lickley
# 1993): it carries no intonation of its own. Voicing that goes on after a steady stretch, unbroken and no louder,
# and glides up by more than the stretch's own range (``_OWN_VOICE_ST``) within 0.3 s, is a word's last syllable drawn
# out into the phrase's rising tone: mfa_affectation's "Montreaaal," 8.3 semitones, the hard negatives' drawn
# "Gutenberg" 4.8. The next word's onset is a step, not a glide: louder (``_OWN_VOICE_RISE_DB``), or a pitch jump of
# more than a semitone from one 10 ms frame to the next. No filler found on the filler bench (dry, over a line, in a
# 0.5 s room) glides up more than 1.4 semitones so.
_GLIDE_S = 0.3
_GLIDE_STEP_ST = 1.0


def _glides_up_after(track: pitch.PitchTrack, v: _Voiced) -> bool:
    """True when the voicing after the stretch ``v`` (from the end of its own voicing) glides up by
    ``_OWN_VOICE_ST`` or more within ``_GLIDE_S``, unbroken, no louder, in steps of ``_GLIDE_STEP_ST`` at most."""
    t, f0, level = track.times, track.f0, track.level_db
    end = max(v.end, v.own_end or v.end)
    k = int(np.searchsorted(t, end - 0.05))
    if v.f0_hz <= 0 or not 0 < k < len(t):
        return False
    start_db = level[k - 1]
    prev = f0[k - 1] if f0[k - 1] > 0 else v.f0_hz
    top = v.f0_hz
    while k < len(t) and f0[k] > 0 and t[k] < end + _GLIDE_S and level[k] <= start_db + _OWN_VOICE_RISE_DB:
        if abs(12 * np.log2(f0[k] / prev)) > _GLIDE_STEP_ST:
            break
        top, prev = max(top, f0[k]), f0[k]
        k += 1
    return bool(12 * np.log2(top / v.f0_hz) >= _OWN_VOICE_ST)


_VOICED_NEAR_S = 0.05


def _voiced_near(track: pitch.PitchTrack, w: Word) -> bool:
    """True when the voice sounds within ``w``'s time or ``_VOICED_NEAR_S`` of it. A filled pause is voiced: a
    filler the recogniser wrote over no voicing at all, and which no voiced burst near it was fitted to, stands on
    its language model alone (the filler prompt invites them after "the"; on the MFA fixtures, an "uh" over
    unvoiced breath in cold_corpus3, and with an earlier prompt one in cold_corpus, each false; no filler it
    wrote on the filler bench, dry, over a line or in a room, was dropped by it)."""
    lo, hi = np.searchsorted(track.times, [w.start - _VOICED_NEAR_S, w.end + _VOICED_NEAR_S])
    return bool(track.voiced[lo:hi].any())


def _voiced_between(track: pitch.PitchTrack, a: float, b: float) -> bool:
    lo, hi = np.searchsorted(track.times, [a - 0.01, b + 0.01])
    return bool(hi > lo and track.voiced[lo:hi].all())


def _same_pitch(a_hz: float, b_hz: float, within_st: float) -> bool:
    """Two pitches (Hz, 0 where unknown) both known and within ``within_st`` semitones of each other."""
    return a_hz > 0 and b_hz > 0 and abs(12 * np.log2(a_hz / b_hz)) <= within_st


def _median_f0(track: pitch.PitchTrack, w: Word) -> float:
    lo, hi = np.searchsorted(track.times, [w.start, w.end])
    f0 = track.f0[lo:hi]
    f0 = f0[f0 > 0]
    return float(np.median(f0)) if len(f0) else 1.0


_BROKEN_OFF = re.compile(r"(?:\.\.\.|\u2026|-)$")  # how the recogniser marks a word it heard broken off
_FRAGMENT = re.compile(r"([a-z']+)" + _BROKEN_OFF.pattern)  # such a word: "sh...", "align-"


def _vowelless_fragment(text: str) -> bool:
    """A cut-off start of a word with no vowel letter ("sh...", "th-"): it has no vowel to draw out."""
    m = _FRAGMENT.fullmatch(text.strip().lower())
    return m is not None and not re.search(r"[aeiouy]", m.group(1))


# A filled pause is said on a central vowel, [ə] or [ʌ]: American "uh" and British "er" are one sound spelled two
# ways (Clark and Fox Tree 2002). The recogniser also writes "er" for the r-coloured vowel [ɚ] of a word's "-er"
# said on its own after a pause, as a speaker who says a word in pieces does (mfa_internalsil: "Align... Er...",
# "aligner"; the plain decode writes "align, er" too). [ɚ] is the one English vowel whose third formant falls to
# within a few hundred Hz of its second (Peterson and Barney 1952: 340, 320 and 270 Hz for men, women and
# children; 1000 Hz or more for the central vowels); the 15 "uh"s and "um"s found in the MFA fixtures read 820-1840
# Hz apart, mfa_internalsil's "er" 290 (``podium.formants``). Over a telephone line or in a room, linear prediction
# misreads them for some fillers (a few of the filler bench's read 300 Hz or less apart), so the formants alone do
# not decide: only an "er" written straight after a word broken off is measured, and joined to it when r-coloured.
_R_SPELLINGS = frozenset({"er", "err", "errr"})
_R_COLOURED_HZ = 450.0


def _word_ends_after_pause(words: Sequence[Word], audio: Audio, track: pitch.PitchTrack) -> list[Word]:
    """``words`` with each r-coloured "er" the recogniser wrote after a word it heard broken off joined to that
    word, as its last syllable ("Align..." + "Er..." -> "Aligner...")."""
    out: list[Word] = []
    for w in words:
        prev = out[-1] if out else None
        if (
            prev is not None
            and normalize(w.text) in _R_SPELLINGS
            and _FRAGMENT.fullmatch(prev.text.strip().lower())
            and _r_coloured(audio, track, w)
        ):
            stem = _BROKEN_OFF.sub("", prev.text.strip())
            out[-1] = replace(
                prev,
                text=stem + w.text.strip().lower(),
                end=max(prev.end, w.end),
                confidence=min(prev.confidence, w.confidence),
            )
            continue
        out.append(w)
    return out


def _r_coloured(audio: Audio, track: pitch.PitchTrack, w: Word) -> bool:
    f = formants.vowel(audio, track, w.start, w.end)
    return f is not None and bool(f[2] - f[1] < _R_COLOURED_HZ)


_TEMPO_WINDOW_S = 15.0  # the tempo around a stretch: words within this of it
_MIN_TEMPO_WORDS = 8


class _Tempo:
    """The speaker's time per syllable around a moment, from the recognised words (a talk speeds up and slows
    down; fewer than ``_MIN_TEMPO_WORDS`` words near it: all the words). Whisper's word times take in the pauses
    and fillers next to a word: this is a word's plausible length in the recogniser's own times, and one of the
    two measures a held vowel is judged by (``_Articulation`` is the other)."""

    def __init__(self, words: Sequence[Word]) -> None:
        timed = [w for w in words if w.end > w.start]
        self.centres = np.array([(w.start + w.end) / 2 for w in timed])
        self.per = np.array([(w.end - w.start) / _syllables(w) for w in timed])

    def syllable_s(self, t: float) -> float:
        near = np.abs(self.centres - t) <= _TEMPO_WINDOW_S
        return self._median(self.per[near] if near.sum() >= _MIN_TEMPO_WORDS else self.per)

    def overall(self) -> float:
        return self._median(self.per)

    @staticmethod
    def _median(per: np.ndarray) -> float:
        return float(np.clip(np.median(per), 0.12, 0.35)) if len(per) else 0.2

    def outlasts_a_syllable(self, v: _Voiced) -> bool:
        return v.held >= _MIN_SYLLABLES * self.syllable_s((v.start + v.end) / 2)


# A filled pause is held: its vowel outlasts the speaker's syllables (filled-pause vowels run 2-3 times as long as
# lexical ones, Shriberg 2001; O'Shaughnessy 1992 measured 200-650 ms). A steady vowel inside a word can be long
# where the speaker slows down (phrase-final lengthening, a slow reader), so a stretch must be held for 1.2 of the
# speaker's syllables in the recogniser's word times (``_Tempo``; read speech slowed 1.3-1.6x left steady vowels of
# up to 1.13), or for 1.5 times the speaker's voiced time per syllable measured in the sound (``_Articulation``:
# about twice a lexical vowel, as a syllable's voicing holds its vowel and its voiced consonants; 1.4 let a
# drawn-out "by" of the hard negatives through, 1.3 a clip read 1.5x slower). Either suffices: word times take in
# the pauses and fillers beside a word and so ask too much of the fillers of a short or halting clip; the sound's
# measure alone lost a held-out "um" (0.26 s held: 1.43 of its voiced syllables) that the word times keep.
_MIN_SYLLABLES = 1.2
_MIN_HELD_SYLLABLES = 1.5
_NUCLEUS_DIP_DB = 2.0  # de Jong and Wempe 2009: a syllable's peak stands this far above the dips either side
_NUCLEUS_FLOOR_DB = 25.0  # and no further under the recording's loudest (99th percentile)
_MIN_NUCLEI = 8
_NUCLEUS_SMOOTH = 5  # frames: a loudness contour over 50 ms, as an intensity analysis smooths it


class _Articulation:
    """The speaker's voiced time per syllable around a moment, measured in the sound (de Jong and Wempe 2009,
    "Praat script to detect syllable nuclei and measure speech rate automatically"): a syllable nucleus is a voiced
    peak of loudness at least ``_NUCLEUS_DIP_DB`` above the dips on either side; the voiced time per nucleus is
    how long the speaker's syllables sound. Counted inside the recognised words only (laughter, breaths and noise
    between them are not the speaker's syllables), within ``_TEMPO_WINDOW_S`` of the moment (fewer than
    ``_MIN_NUCLEI`` there: the whole recording). Whisper's word times, which take in the pauses and fillers next to a
    word, made clips of one reader's speech read 1.2-2.2 times slower than their syllables are said; this follows
    the reference syllable counts on the clean clips (0.70-1.08 of them)."""

    def __init__(self, track: pitch.PitchTrack, words: Sequence[Word]) -> None:
        t = track.times
        self.hop = float(t[1] - t[0]) if len(t) > 1 else 0.01
        in_words = _frames_in(t, words)
        k = _NUCLEUS_SMOOTH
        level = np.convolve(track.level_db, np.ones(k) / k, mode="same") if len(t) >= k else track.level_db
        floor = float(np.percentile(level, 99)) - _NUCLEUS_FLOOR_DB if len(level) else np.inf
        sounding = track.voiced & (level > floor)
        self.level = level
        self.every_nucleus = _nuclei(level, sounding)  # in the whole sound, so that a dip is a dip wherever words end
        self.nuclei = self.every_nucleus[in_words[self.every_nucleus]]
        self.voiced_at = np.flatnonzero(sounding & in_words)
        self.track = track

    def syllable_s(self, t: float) -> float:
        k = int(round(t / self.hop))
        reach = int(_TEMPO_WINDOW_S / self.hop)
        lo, hi = (int(i) for i in np.searchsorted(self.nuclei, [k - reach, k + reach]))
        if hi - lo >= _MIN_NUCLEI:
            n = hi - lo
            voiced = int(np.searchsorted(self.voiced_at, k + reach) - np.searchsorted(self.voiced_at, k - reach))
        else:
            n, voiced = len(self.nuclei), len(self.voiced_at)
        return float(np.clip(voiced * self.hop / n, 0.08, 0.35)) if n else 0.2

    def outlasts_a_syllable(self, v: _Voiced) -> bool:
        return v.held >= _MIN_HELD_SYLLABLES * self.syllable_s((v.start + v.end) / 2)

    def keeps_own_syllable(self, w: Word, v: _Voiced) -> bool:
        """True when word ``w`` keeps a syllable of its own outside the steady stretch ``v``: ``_MIN_OWN_VOICE_S`` of
        voicing there, with a nucleus (a loudness peak ``_NUCLEUS_DIP_DB`` over the lowest level between it and the
        stretch) or at another pitch (``_OTHER_PITCH_ST`` or more from the stretch's: the word's own intonation, or
        another voice). The onset and fade of the stretch's own vowel are voicing outside it too, but with no peak of
        their own, at its pitch or gliding to and from it as a voice glides (``_glides``): a word that is only those
        is the stretch, drawn out ("the" said with its pitch falling 6 semitones into its held vowel, with no break and
        no dip, was taken for "the" said and then an "uh")."""
        t, track = self.track.times, self.track
        a, b = (int(i) for i in np.searchsorted(t, [w.start, w.end]))  # the word's frames only
        va, vb = (int(i) for i in np.searchsorted(t, [v.start, v.end]))
        outside = np.ones(b - a, dtype=bool)
        outside[max(va, a) - a : max(min(vb, b), a) - a] = False
        voiced = outside & track.voiced[a:b]
        if voiced.sum() * self.hop < _MIN_OWN_VOICE_S:
            return False
        for k in self.every_nucleus[(self.every_nucleus >= a) & (self.every_nucleus < b)].tolist():
            if va <= k < vb:
                continue
            between = self.level[k:va] if k < va else self.level[vb : k + 1]
            if len(between) and self.level[k] - float(between.min()) >= _NUCLEUS_DIP_DB:
                return True
        f0 = track.f0[a:b]
        other = voiced & (f0 > 0) & ~_glides(track, a, b, va, vb)
        if v.f0_hz > 0:
            other[other] = np.abs(12 * np.log2(f0[other] / v.f0_hz)) >= _OTHER_PITCH_ST
        return bool(other.sum() * self.hop >= _MIN_OWN_VOICE_S)


def _glides(track: pitch.PitchTrack, a: int, b: int, va: int, vb: int) -> np.ndarray:
    """Of frames ``a:b``, those where the voicing runs on unbroken into the stretch at frames ``va:vb`` (its onset,
    before it) or out of it (its fade, after it) with the pitch moving no more than ``_GLIDE_ST_PER_FRAME`` from one
    frame to the next: the stretch's own vowel as it begins and ends, whatever pitch it passes through."""
    out = np.zeros(b - a, dtype=bool)
    f0 = track.f0
    for j, step in ((va - 1, -1), (vb, 1)):
        while a <= j < b and 0 <= j - step < len(f0) and track.voiced[j]:
            if not _same_pitch(f0[j], f0[j - step], _GLIDE_ST_PER_FRAME):  # unvoiced to the tracker, or a jump
                break
            out[j - a] = True
            j += step
    return out


def _nuclei(level: np.ndarray, sounding: np.ndarray) -> np.ndarray:
    """Frames of syllable nuclei: peaks of ``level`` (dB) where ``sounding``, each at least ``_NUCLEUS_DIP_DB``
    above the lowest level between it and the nucleus before it (of two peaks without such a dip, the louder)."""
    if len(level) < 3:
        return np.zeros(0, dtype=np.int64)
    inner = (level[1:-1] >= level[:-2]) & (level[1:-1] > level[2:]) & sounding[1:-1]
    kept: list[int] = []
    for k in (np.flatnonzero(inner) + 1).tolist():
        if kept:
            j = kept[-1]
            dip = float(level[j : k + 1].min())
            if level[j] - dip < _NUCLEUS_DIP_DB or level[k] - dip < _NUCLEUS_DIP_DB:
                if level[k] > level[j]:
                    kept[-1] = k
                continue
        kept.append(k)
    return np.array(kept, dtype=np.int64)


def _seconds_per_syllable(words: Sequence[Word]) -> float:
    """The speaker's median time per syllable, from the words themselves (0.12-0.35 s)."""
    return _Tempo(words).overall()


def _syllables(w: Word) -> int:
    return max(1, count_syllables(normalize(w.text)))


def _frames_in(times: np.ndarray, words: Sequence[Word]) -> np.ndarray:
    """Which of the frames at ``times`` lie inside one of the ``words``."""
    inside = np.zeros(len(times), dtype=bool)
    for w in words:
        a, b = np.searchsorted(times, [w.start, w.end])
        inside[a:b] = True
    return inside


def _overlap(w: Word, v: _Voiced | Word | Span) -> float:
    return max(0.0, min(w.end, v.end) - max(w.start, v.start))


def _is_steady_filler(v: _Voiced) -> bool:
    return (
        v.held >= _MIN_STEADY_S
        and v.end - v.start <= _MAX_S
        and v.spread_st <= _MAX_SPREAD_ST
        and abs(v.slope_st_s) <= _MAX_SLOPE_ST_S
        and v.usual_pitch
        and v.above_floor_st <= _MAX_ABOVE_FLOOR_ST
        and v.jitter_cents >= _MIN_JITTER_CENTS
    )


def _fit_runs(
    words: Sequence[Word],
    bursts: list[_Voiced],
    duration: float,
    tempo: _Tempo | None = None,
    under: Sequence[_Voiced] = (),
) -> tuple[list[Word], set[_Voiced]]:
    """Give each run of recognised um/uh the voiced bursts between its neighbours.

    Whisper sometimes writes more "uh" than were said, with made-up times: when
    the bursts between the two lexical words around a run are fewer than the
    run, the run is cut to their number; each kept filler takes a burst's
    times. Where no burst is found the run is kept as written: a filler said
    without a break in the voice leaves no separate burst to find (but one
    written over no voice at all is dropped after: ``_voiced_near``).
    The fillers go to the bursts that sound like one (flat, periodic, at the
    speaker's pitch; quick ones count: "uh uh uh" are often under 0.2 s each)
    when there are enough of them, not to whatever voiced sound comes first: a
    word the recogniser dropped also leaves a burst in the gap. And Whisper
    also writes fewer than were said: a run of two or more (so a series of
    them was heard) grows by the filler-like bursts in its gap that none of
    its fillers took (with too few of them, its fillers take the first bursts
    of any kind, and a filler-like one after those is still one of the series).
    Bursts inside a run's gap are claimed by it and never added again, and a
    burst a run took or grew by is not the next run's (a word stretched far
    past its syllables widens both runs' gaps over the same bursts): a run
    whose gap holds only such bursts writes those fillers again. The gap
    reaches into a neighbour that the recogniser made far longer than its
    syllables (``tempo``: over twice the speaker's time per syllable, and over
    ``_LONG_WORD_S``): Whisper stretches the word before a filler over it and
    then puts the filler after its true place.
    """
    out: list[Word] = []
    claimed: set[_Voiced] = set()
    used: list[_Voiced] = []  # the bursts runs took or grew by: one burst is one filler
    i = 0
    while i < len(words):
        if not is_non_lexical(words[i]):
            out.append(words[i])
            i += 1
            continue
        j = i
        while j < len(words) and is_non_lexical(words[j]):
            j += 1
        # a word timed as an instant says nothing of where its sound is: the filler may lie on either side of it
        k, m = i - 1, j
        while k > 0 and _instant(words[k]) and not is_non_lexical(words[k]):
            k -= 1
        while m < len(words) - 1 and _instant(words[m]) and not is_non_lexical(words[m]):
            m += 1
        lo = _own_end(words[k], tempo) if k >= 0 else 0.0
        hi = _own_start(words[m], tempo) if m < len(words) else duration
        # the speaker's voice only: a squeak or a breath an octave up is not where a filler was said
        inside = [
            v
            for v in bursts
            if v.end > lo - 0.1 and v.start < hi + 0.1 and v.end - v.start >= _MIN_BURST_S and v.usual_pitch
        ]
        if not inside and i == j - 1:  # one filler, and no sound of the voice in its gap: under a word beside it?
            inside = _under_a_neighbour(words[k] if k >= 0 else None, words[m] if m < len(words) else None, under)
        claimed.update(inside)
        free = [v for v in inside if not any(v.start < u.end and u.start < v.end for u in used)]
        if inside and not free:  # the fillers a run before took its gap's sound for: the same ones, written again
            i = j
            continue
        inside = free
        run = list(words[i:j])
        like = _joined([v for v in inside if _is_filled_pause(v, min_s=_MIN_BURST_S)])
        inside = _joined(inside)
        targets = like if len(like) >= len(run) else inside
        if len(run) == 1 and len(targets) > 1:  # one filler: the burst nearest where the recogniser heard it
            w = run[0]
            near = min(targets, key=lambda v: (max(0.0, v.start - w.end, w.start - v.end), abs(v.start - w.start)))
            targets = [_whole(near, targets)]
        if targets and len(targets) < len(run):
            run = run[: len(targets)]
        for n, w in enumerate(run):
            if n < len(targets):
                w = replace(w, start=round(targets[n].start, 3), end=round(targets[n].end, 3))
            out.append(w)
        # a series heard: the run grows by the bursts like a filler, or like its own, that none of its fillers took
        taken = targets[: len(run)]
        pitch_hz = _series_pitch(taken)
        said_again = [v for v in inside if v not in like and _said_again(v, pitch_hz)]
        left = [v for v in like + said_again if not any(v.start < t.end and t.start < v.end for t in taken)]
        used += taken
        if len(run) >= 2 and left:  # each filler it grows by once, however its loudness dips split it (_joined)
            grown = _joined(_same_series(left, pitch_hz))
            kind = _series_kind(run)
            out.extend(_of_kind(_filler_word(v), kind) for v in grown)
            used += grown
        i = j
    return out, claimed


def _under_a_neighbour(before: Word | None, after: Word | None, under: Sequence[_Voiced]) -> list[_Voiced]:
    """The one burst like a filler (``_is_filled_pause``, which asks the speaker's pitch among the rest) that lies
    within the word before or after a filler the recogniser wrote in a gap with no voice: it wrote the filler next
    to the word it timed over it ("say but[17.56-18.14] um,[18.14-18.52]" on a held-out monologue's "say, b't
    um": the um's voice under "but", the gap after it silent). None where there is no such burst, or more than
    one."""
    like = [
        v
        for v in under
        for w in (before, after)
        if w is not None and w.start - 0.05 <= v.start and v.end <= w.end + 0.05 and _is_filled_pause(v)
    ]
    return like if len(like) == 1 else []


_SERIES_ST = 3.0


def _series_kind(run: Sequence[Word]) -> str | None:
    """The kind of a run whose fillers are all "uh" or all "um"; None for a mixed one ("uh, um, hmm")."""
    kinds = {NON_LEXICAL.get(normalize(w.text)) for w in run}
    return kinds.pop() if len(kinds) == 1 and kinds <= {"uh", "um"} else None


def _of_kind(w: Word, kind: str | None) -> Word:
    """A filler the sound found in a series, as the series' kind: "uh uh uh" is one sound said again, and a quick
    one's fading end, darker than its vowel, read as an "um" (mfa_uhuh's grown burst inside a longer recording).
    In a mixed series ("uh um uh hm hm um" is one of the MFA fixtures) the sound decides."""
    return w if kind is None else replace(w, text=kind)


def _series_pitch(heard: list[_Voiced]) -> float | None:
    """A series' pitch: the median F0 of the bursts the recogniser's fillers were placed on; None without any."""
    return float(np.median([v.f0_hz for v in heard])) if heard else None


def _same_series(more: list[_Voiced], pitch_hz: float | None) -> list[_Voiced]:
    """Of the bursts a series may grow by, those at its pitch (within ``_SERIES_ST`` of ``_series_pitch``): "uh uh
    uh" is one voice repeating one sound. The run's gap can reach into speech the recogniser left out, whose flat
    syllables are not part of it (through MP3, another speaker's, an octave up)."""
    if pitch_hz is None:
        return more
    return [v for v in more if _same_pitch(v.f0_hz, pitch_hz, _SERIES_ST)]


def _said_again(v: _Voiced, pitch_hz: float | None) -> bool:
    """A burst that is the series' sound said once more: at the series' pitch (``_series_pitch``, within
    ``_JOIN_ST``), as long as a quick "uh" (``_MIN_BURST_S``), periodic and with a voice's jitter, whether
    or not its pitch holds flat. A quick "uh" of 0.13-0.17 s may fall 2-3 semitones as it fades (mfa_uhuh's third
    and fifth: 19 and 10 semitones a second), which the flatness asked of a filler found on its own
    (``_MAX_SLOPE_ST_S``) refuses; where the recogniser wrote all six of them, the run took them regardless, and in
    pink noise 20 dB under the speech it wrote four and the run grew by none of the two. One voice saying one sound
    again at one pitch, between fillers the recogniser heard, is the evidence."""
    return (
        pitch_hz is not None
        and _same_pitch(v.f0_hz, pitch_hz, _JOIN_ST)
        and v.held >= _MIN_BURST_S
        and v.end - v.start <= _MAX_S
        and v.strength >= _MIN_STRENGTH
        and v.jitter_cents >= _MIN_JITTER_CENTS
    )


def _joined(pieces: list[_Voiced]) -> list[_Voiced]:
    """Pieces of one voiced run, split where its loudness dips (``_split_at_dips``), with each piece that is a murmur
    after its vowel joined to it again: an "um" is a vowel, then a murmur ``_MURMUR_LOSS_DB`` or more under it at its
    loudest, and a run of the recogniser's fillers took one each (mfa_uhum: "uh, uh" fitted to the vowel and the
    murmur of its "um"). Touching pieces at one pitch (within ``_JOIN_ST``) are one held sound too, as fillers are
    (``_one_held_vowel``): mfa_uhum's quiet hum, at 93-94 Hz, came as three, and its run's "hmm, hmm, um" took one
    each. A second "uh" said without a break in the voice is a vowel of its own, as loud as the first and at another
    pitch (mfa_uhuh's last two: 3.5 dB louder, 99 and 86 Hz), in a run's fit and in the bursts a series grows by
    alike (joined there, mfa_uhuh's quick fifth and long last "uh" were one filler where they touched). The joined
    burst keeps the first piece's measures."""
    out: list[_Voiced] = []
    for v in sorted(pieces, key=lambda p: p.start):
        touches = bool(out) and abs(v.start - out[-1].end) < _TOUCH_S
        held = touches and _same_pitch(v.f0_hz, out[-1].f0_hz, _JOIN_ST)
        if touches and (held or v.peak_db <= out[-1].peak_db - _MURMUR_LOSS_DB):
            out[-1] = replace(out[-1], end=v.end, own_end=v.own_end)
        else:
            out.append(v)
    return out


def _whole(v: _Voiced, pieces: list[_Voiced]) -> _Voiced:
    """``v`` with the pieces that touch it on either side, in turn: one long "ummm" is split where its loudness
    dips (``_split_at_dips``), and when the recogniser heard one filler there, it is all of them."""
    start, end = v.start, v.end
    for p in sorted(pieces, key=lambda p: p.start):
        if abs(p.start - end) < _TOUCH_S:
            end = p.end
    for p in sorted(pieces, key=lambda p: -p.end):
        if abs(p.end - start) < _TOUCH_S:
            start = p.start
    return replace(v, start=start, end=end)


_INSTANT_S = 0.1  # a word timed shorter than this is an instant: where its sound lies is not known


def _instant(w: Word) -> bool:
    return w.end - w.start < _INSTANT_S


_TOUCH_S = 0.015  # pieces of one voiced run split at a dip share their boundary frame
_LONG_WORD_S = 0.6


def _own_length(w: Word, tempo: _Tempo | None) -> float:
    """How long ``w`` may plausibly last: twice the speaker's time for its syllables, at least ``_LONG_WORD_S``."""
    if tempo is None:
        return w.end - w.start
    return max(_LONG_WORD_S, 2 * _syllables(w) * tempo.syllable_s((w.start + w.end) / 2))


def _own_end(w: Word, tempo: _Tempo | None) -> float:
    return min(w.end, w.start + _own_length(w, tempo))


def _own_start(w: Word, tempo: _Tempo | None) -> float:
    return max(w.start, w.end - _own_length(w, tempo))


_APART_S = 0.15  # a word timed as an instant at its end lies in or just after its last vowel, not this far after


def _with_min_extent(words: list[Word], voiced: Sequence[_Voiced] = (), reach_s: float = 0.4) -> list[Word]:
    """Stretch words Whisper timed as (near) instants back toward the previous word.

    Whisper sometimes gives a word zero duration at its end time; the sound it
    stands for lies just before, and must not pass for an uncovered filler:
    as many voiced bursts as it has syllables (a vowel each), the last of them
    the one it ends in or after, up to ``reach_s``; not the burst before them
    (a filler said before a short word, "um... but"). When the last voiced
    sound before its time ended well before it (``_APART_S``), the word is not
    that sound: it reaches back to where that sound ends, no further.
    """
    order = sorted(voiced, key=lambda v: v.start)
    starts = np.array([v.start for v in order])
    ends = np.array([v.end for v in order])
    out = []
    prev_end = 0.0
    for w in words:
        if _instant(w):
            before = int(np.searchsorted(starts, w.end))  # bursts that start before the word's time
            if before and ends[before - 1] < w.end - _APART_S:
                sound = max(w.end - reach_s, float(ends[before - 1]))
            else:
                # the first of the word's bursts: the last to start before it ends, less one a syllable
                k = before - _syllables(w)
                sound = max(w.end - reach_s, float(starts[k])) if k >= 0 else w.end - reach_s
            w = replace(w, start=max(prev_end, min(w.start, sound)))
        out.append(w)
        prev_end = max(prev_end, w.end)
    return out


def _is_filled_pause(v: _Voiced, min_s: float = _MIN_S) -> bool:
    return (
        min_s <= v.held
        and v.end - v.start <= _MAX_S
        and v.spread_st <= _MAX_SPREAD_ST
        and abs(v.slope_st_s) <= _MAX_SLOPE_ST_S
        and v.strength >= _MIN_STRENGTH
        and v.usual_pitch
        and v.jitter_cents >= _MIN_JITTER_CENTS
    )


def _between_words(
    v: _Voiced, words: Sequence[Word], voice_starts: np.ndarray | None = None, reach_s: float = 3.0
) -> bool:
    """A filled pause sits between words; before the first word, timestamps are too loose to tell, and so
    before the first word of a voice (``voice_starts``: where another voice begins, ``_voice_changes``)."""
    since = v.start - reach_s
    if voice_starts is not None and len(voice_starts):
        began = voice_starts[voice_starts <= v.start + 0.1]
        since = max(since, float(began[-1]) - 0.1) if len(began) else since
    before = any(since <= w.end <= v.start + 0.1 for w in words)
    return before and _word_after(v, words, reach_s)


_GRID_S = 0.01  # resolution of the coverage masks


def _mask(spans: Sequence[Span] | Sequence[Word], n: int) -> np.ndarray:
    """Frames (of ``_GRID_S``) covered by any of ``spans``."""
    m = np.zeros(n, dtype=bool)
    for s in spans:
        m[max(0, int(s.start / _GRID_S)) : max(0, int(np.ceil(s.end / _GRID_S)))] = True
    return m


def _share(v: _Voiced, mask: np.ndarray) -> float:
    """Share of the stretch ``v`` that ``mask`` covers."""
    seg = mask[int(v.start / _GRID_S) : max(int(v.start / _GRID_S) + 1, int(np.ceil(v.end / _GRID_S)))]
    return float(seg.mean()) if seg.size else 0.0


def _voiced(track: pitch.PitchTrack, audio: Audio) -> list[_Voiced]:
    """``_voiced_stretches`` of ``track``, each judged against its own voice (``_voice_changes``), computed once for
    both of the steps that ask (``_Last``); the list is shared: not to be changed."""
    return _stretches.of(audio.samples, track.f0, lambda: _voiced_stretches(track, audio, _voice_changes(track)))


def _voiced_stretches(track: pitch.PitchTrack, audio: Audio, changes: np.ndarray | None = None) -> list[_Voiced]:
    """Runs of voiced frames, split where loudness dips, with their pitch statistics (``changes``: as in
    ``_speaker_pitch``)."""
    voiced = track.voiced
    if track.f0.size < 2 or voiced.sum() < 10:
        return []
    hop = float(track.times[1] - track.times[0])
    line = _low_band_lost(audio, track)
    out = []
    for a, b in _runs(voiced, bridge=3):
        for a2, b2 in _split_at_dips(track.level_db, a, b):
            f0 = track.f0[a2:b2]
            f0 = f0[f0 > 0]
            if len(f0) < 3:
                continue
            out.append(_stats(track, audio, a2, b2, hop, changes, line))
    return out


_SPEAKER_WINDOW_S = 10.0  # the speaker's pitch is judged on the voice around a stretch, not the whole recording
_VOICE_GAP_S = 0.3  # a break in the voicing this long may be where one voice hands over to another
_VOICE_SIDE_FRAMES = 300  # each side of such a break is heard over its nearest 3 s of voicing
_VOICE_CHANGE_ST = 6.0  # and is another voice when the two medians are half an octave apart or more


def _voice_changes(track: pitch.PitchTrack) -> np.ndarray:
    """Frames where another voice begins: a break in the voicing with the voice before and after it apart in pitch.

    A recording may hold several people (a talk and its questions, clips put
    together); a filler is judged against the voice that says it. Each side
    of a break of ``_VOICE_GAP_S`` is heard over its nearest 3 s of voicing,
    so a lone filler or drawn-out word between two pauses cannot pass for a
    voice of its own; where several breaks near each other qualify (the
    change is seen from a few of them), the one with the largest step is kept.
    """
    f0 = track.f0
    idx = np.flatnonzero(f0 > 0)
    if len(idx) < 2 * _VOICE_SIDE_FRAMES:
        return np.zeros(0, dtype=np.int64)
    hop = float(track.times[1] - track.times[0])
    st = 12 * np.log2(f0[idx])
    gap = int(_VOICE_GAP_S / hop)
    reach = int(_SPEAKER_WINDOW_S / hop)
    found: list[tuple[float, int, int]] = []
    for k in np.flatnonzero(np.diff(idx) > gap):  # a break between voiced frames idx[k] and idx[k + 1]
        b0, a1 = max(0, k + 1 - _VOICE_SIDE_FRAMES), k + 1 + _VOICE_SIDE_FRAMES
        before = st[b0 : k + 1][idx[b0 : k + 1] >= idx[k] - reach]
        after = st[k + 1 : a1][idx[k + 1 : a1] <= idx[k + 1] + reach]
        if len(before) < _VOICE_SIDE_FRAMES // 3 or len(after) < _VOICE_SIDE_FRAMES // 3:
            continue
        step = abs(_voice_st(after) - _voice_st(before))
        if step >= _VOICE_CHANGE_ST:
            found.append((step, int(idx[k + 1] - idx[k]), int(idx[k + 1])))
    return np.array(_one_per_change(found, reach // 2), dtype=np.int64)


_OCTAVE_ST = 12.0
_OCTAVE_EDGE_ST = 2.0


def _voice_st(st: np.ndarray) -> float:
    """The pitch (semitones) of a stretch of voicing: the median of its densest octave, widened by
    ``_OCTAVE_EDGE_ST`` either side. A voice spans about an octave; the tracker's outliers do not belong to it (a
    breathy voice's formant ringing, two or three octaves up, was a third of a man's frames in the MFA fixture
    cold_corpus, and its medians made three changes of voice out of one man in 25 s)."""
    s = np.sort(st)
    bottom = int(np.argmax(np.searchsorted(s, s + _OCTAVE_ST, side="right") - np.arange(len(s))))
    lo, hi = s[bottom] - _OCTAVE_EDGE_ST, s[bottom] + _OCTAVE_ST + _OCTAVE_EDGE_ST
    return float(np.median(s[(s >= lo) & (s <= hi)]))


def _one_per_change(breaks: list[tuple[float, int, int]], apart: int) -> list[int]:
    """Of breaks (step in semitones, pause in frames, frame) within ``apart`` frames of each other, one: the largest
    step to the semitone, and of those the longest pause. The breaks next to a change see nearly the same step (each
    side's 3 s of voicing is mostly one voice), and one voice hands over to another at a pause."""
    kept: list[int] = []
    for _, _, at in sorted(((round(step), pause, at) for step, pause, at in breaks), reverse=True):
        if all(abs(at - other) > apart for other in kept):
            kept.append(at)
    return sorted(kept)


def _speaker_pitch(
    track: pitch.PitchTrack, a: int, b: int, hop: float, changes: np.ndarray | None = None
) -> tuple[float, float]:
    """Median and floor (10th percentile) F0 of the voice within ``_SPEAKER_WINDOW_S`` of frames ``[a, b)``.

    Local, so that a filler is judged against the voice that says it: another
    speaker, or the same speaker minutes later, does not move the measure; and
    not past where another voice begins or ends (``changes``).
    """
    reach = int(_SPEAKER_WINDOW_S / hop)
    lo, hi = max(0, a - reach), b + reach
    if changes is not None and len(changes):
        k = int(np.searchsorted(changes, a, side="right"))
        own_lo = max(lo, int(changes[k - 1])) if k > 0 else lo
        own_hi = min(hi, int(changes[k])) if k < len(changes) else hi
        if np.count_nonzero(track.f0[own_lo:own_hi] > 0) >= _VOICE_SIDE_FRAMES // 3:
            lo, hi = own_lo, own_hi
    f0 = track.f0[lo:hi]
    f0 = f0[f0 > 0]
    if len(f0) < 10:
        return 0.0, 0.0
    med = float(np.median(f0))
    # the floor of the modal voice: frames under the usual range are creak or the tracker's halving (2-6 % of a
    # reader's frames here, more in a creaky voice), and would put the floor an octave down
    modal = f0[f0 >= _F0_RANGE[0] * med]
    return med, float(np.percentile(modal, 10))


def _stats(
    track: pitch.PitchTrack,
    audio: Audio,
    a: int,
    b: int,
    hop: float,
    changes: np.ndarray | None = None,
    line: bool = False,
) -> _Voiced:
    """Pitch statistics of frames ``[a, b)``; ``changes``: where another voice begins (``_voice_changes``); ``line``:
    the recording has lost its low band (``_low_band_lost``)."""
    speaker_f0, floor_f0 = _speaker_pitch(track, a, b, hop, changes)
    f0 = track.f0[a:b]
    f0 = f0[f0 > 0]
    start, end = float(track.times[a] - hop / 2), float(track.times[b - 1] + hop / 2)
    f0 = _one_octave(f0, speaker_f0)
    med = float(np.median(f0)) if len(f0) else 0.0
    # a stretch too short to be a filler (``_MIN_BURST_S``) is not asked its kind
    own = _own_voicing(track, a, b, med, hop) if end - start >= _MIN_BURST_S else None
    st = 12 * np.log2(f0 / med) if len(f0) else np.zeros(0)
    keep = np.abs(st) < 2.0  # octave slips are not glides
    t = np.arange(len(st))[keep] * hop
    return _Voiced(
        start=start,
        end=end,
        f0_hz=med,
        spread_st=1.4826 * float(np.median(np.abs(st))) if len(st) else 0.0,
        slope_st_s=float(np.polyfit(t, st[keep], 1)[0]) if keep.sum() >= 3 else 0.0,
        strength=float(np.mean(track.strength[a:b])),
        usual_pitch=_F0_RANGE[0] * speaker_f0 <= med <= _F0_RANGE[1] * speaker_f0,
        nasal_end=own is not None and _nasal_end(audio, start, end, *own, line=line),
        jitter_cents=float(np.median(np.abs(np.diff(st, 3)))) * 100 if len(st) >= 4 else 0.0,
        above_floor_st=12 * float(np.log2(med / floor_f0)) if med > 0 and floor_f0 > 0 else 0.0,
        held_s=_held_s(track.level_db[a:b], hop),
        own_end=own[1] if own is not None else None,
        peak_db=float(track.level_db[a:b].max()),
    )


# A filled pause is held: its loudness stays level while it lasts (an "um" in two steps, the vowel then the quieter
# nasal). A room's reverberation also prolongs a vowel, with its pitch and spectrum, after the voice stops, but it
# fades as it rings: its energy falls 60 dB in the room's reverberation time (0.3-0.6 s in an office: 100-200 dB/s).
# So the time a stretch counts for is the longest part of it whose loudness stays within this range.
_HELD_RANGE_DB = 8.0


def _held_s(level_db: np.ndarray, hop: float) -> float:
    """Seconds of the longest run of frames whose level (dB) stays within ``_HELD_RANGE_DB``."""
    lo: collections.deque[int] = collections.deque()  # indices of rising minima and falling maxima in the window
    hi: collections.deque[int] = collections.deque()
    best = start = 0
    for k, x in enumerate(level_db.tolist()):
        while lo and level_db[lo[-1]] >= x:
            lo.pop()
        while hi and level_db[hi[-1]] <= x:
            hi.pop()
        lo.append(k)
        hi.append(k)
        while level_db[hi[0]] - level_db[lo[0]] > _HELD_RANGE_DB:
            start += 1
            if lo[0] < start:
                lo.popleft()
            if hi[0] < start:
                hi.popleft()
        best = max(best, k + 1 - start)
    return best * hop


def _one_octave(f0: np.ndarray, speaker_f0: float) -> np.ndarray:
    """F0 of one stretch with the tracker's octave errors undone.

    A held vowel cannot move by exactly an octave from one 10 ms frame to the
    next; a tracker can (halving in a low, creaky or nasal stretch, where the
    period's second peak is as strong as the first). When a stretch holds such
    jumps, each frame is moved by whole octaves next to the stretch's median,
    and the whole to the octave nearest the voice around it. A stretch without
    a jump is returned as it is.
    """
    if len(f0) < 3:
        return f0
    med = float(np.median(f0))
    st = 12 * np.log2(f0 / med)
    if not np.any(np.abs(np.diff(st)) > 9):  # no jump of about an octave from one frame to the next
        return f0
    folded: np.ndarray = med * 2 ** ((st - 12 * np.round(st / 12)) / 12)
    if speaker_f0 > 0:
        folded = folded * 2.0 ** np.round(np.log2(speaker_f0 / float(np.median(folded))))
    return folded


def _steady_stretches(track: pitch.PitchTrack, audio: Audio, changes: np.ndarray | None = None) -> list[_Voiced]:
    """Runs of voiced frames whose spectral envelope holds still (Goto et al. 1999); with ``changes``
    (``_voice_changes``), each judged against its own voice where a recording holds several."""
    if track.f0.size < 10 or track.voiced.sum() < 10:
        return []
    flux = _flux.of(audio.samples, track.times, lambda: _spectral_flux(audio, track.times))
    steady = track.voiced & (flux <= _STEADY_FLUX_DB)
    hop = float(track.times[1] - track.times[0])
    line = _low_band_lost(audio, track)
    out = []
    for a, b in _runs(steady, bridge=2):
        if (b - a) * hop < _MIN_STEADY_S:
            continue
        out.append(_stats(track, audio, a, b, hop, changes, line))
    return out


_BANDS = 24


class _Last(Generic[T]):
    """The value last computed for a pair of arrays: an analysis asks twice for the same measure of one recording
    (the spectral flux: the recogniser's filler prompt, ``candidates``, then ``recover``, ~0.6 s of CPU for 11
    minutes; the voiced stretches: the second look's ``hidden``, then ``recover``, ~0.7 s for 10 minutes). The
    arrays are known by identity, as a recording's samples and its pitch track are made once and only read; held by
    weak reference, so it keeps no recording alive."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last: tuple[weakref.ref[np.ndarray], weakref.ref[np.ndarray], T] | None = None

    def of(self, a: np.ndarray, b: np.ndarray, compute: Callable[[], T]) -> T:
        with self._lock:
            last = self._last
        if last is not None and last[0]() is a and last[1]() is b:
            return last[2]
        value = compute()
        with self._lock:
            self._last = (weakref.ref(a), weakref.ref(b), value)
        return value


_flux: _Last[np.ndarray] = _Last()
_stretches: _Last[list[_Voiced]] = _Last()


def _spectral_flux(audio: Audio, times: np.ndarray, span: int = 3, win: int = 512, block: int = 4096) -> np.ndarray:
    """Mean absolute change (dB) of a 24-band mel envelope between frames ``span`` hops before and after."""
    sr = audio.sr
    f = np.fft.rfftfreq(win, 1 / sr)
    fb = _mel_bank(f, _BANDS, 100.0, min(4000.0, sr / 2))
    centres = np.round(times * sr).astype(np.int64)
    x = audio.samples
    window = np.hanning(win).astype(np.float32)
    n = len(times)
    flux = np.full(n, np.inf, dtype=np.float32)
    if n <= 2 * span:
        return flux
    # the envelope a block of frames at a time, each block with ``span`` frames of context either side, so that
    # neither the envelope of a long talk nor its samples are held whole (podium.spool)
    for k in range(span, n - span, block):
        lo, hi = k - span, min(n, k + block + span)
        # the block's samples, zeros beyond the talk's ends (a padded copy of the block, not of the talk), and each
        # frame a row copied out of a sliding view of them
        first, stop = int(centres[lo]) - win // 2, int(centres[hi - 1]) - win // 2 + win
        seg = np.zeros(stop - first, np.float32)
        a, b = max(0, first), min(len(x), stop)
        if b > a:
            seg[a - first : b - first] = x[a:b]
        frames = np.lib.stride_tricks.sliding_window_view(seg, win)[centres[lo:hi] - win // 2 - first]
        spec = np.abs(np.fft.rfft(frames * window, axis=1)) ** 2
        env = 10 * np.log10(spec @ fb.T + 1e-10)
        flux[k : hi - span] = np.mean(np.abs(env[2 * span :] - env[: -2 * span]), axis=1)
    return flux


def _mel_bank(f: np.ndarray, n: int, fmin: float, fmax: float) -> np.ndarray:
    def mel(h: float) -> float:
        return 2595 * float(np.log10(1 + h / 700))

    edges = 700 * (10 ** (np.linspace(mel(fmin), mel(fmax), n + 2) / 2595) - 1)
    bank = np.zeros((n, len(f)), dtype=np.float32)
    for i in range(n):
        a, b, c = edges[i : i + 3]
        bank[i] = np.clip(np.minimum((f - a) / (b - a), (c - f) / (c - b)), 0, None)
    return bank


def _runs(mask: np.ndarray, bridge: int) -> list[tuple[int, int]]:
    """[start, end) index pairs of True runs, joining gaps of ``bridge`` frames or fewer."""
    idx = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    runs = list(zip(idx[::2].tolist(), idx[1::2].tolist(), strict=True))
    merged: list[list[int]] = []
    for a, b in runs:
        if merged and a - merged[-1][1] <= bridge:
            merged[-1][1] = b
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]


def _split_at_dips(level_db: np.ndarray, a: int, b: int, dip_db: float = 8.0, smooth: int = 5) -> list[tuple[int, int]]:
    """Split a voiced run where loudness dips ``dip_db`` under the peaks on both sides ("uh uh").

    The moving mean counts the frames beyond the run as 0 dB, so the run's ends read up to 40% of their level louder
    than they are (14 dB at -35 dB): a quiet run is cut at its every low point (at least 100 ms apart), a loud one
    at deep dips only. That is measured, not meant: a mean over the frames there are left a filler said straight
    into the next word at its pitch running on into that word (its end and its kind wrong), and cutting at every low
    point or between syllable peaks (``_nuclei``) instead, with held pieces joined again, read two fillers of the
    filler bench as the other kind. The pieces of one held sound are joined where runs are fitted (``_joined``).
    """
    seg = level_db[a:b]
    if len(seg) < 3 * smooth:
        return [(a, b)]
    sm = np.convolve(seg, np.ones(smooth) / smooth, mode="same")
    cuts: list[int] = []
    for k in range(smooth, len(sm) - smooth):
        if sm[k] == sm[max(0, k - smooth) : k + smooth + 1].min():
            left, right = sm[:k].max(), sm[k + 1 :].max()
            if min(left, right) - sm[k] >= dip_db and (not cuts or k - cuts[-1] > 2 * smooth):
                cuts.append(k)
    bounds = [a] + [a + k for k in cuts] + [b]
    return [(bounds[n], bounds[n + 1]) for n in range(len(bounds) - 1)]


# An "um" is a vowel, then a nasal murmur, in unbroken voicing; its steady stretch is often one of the two alone (the
# envelope changes where the lips close), and the murmur alone holds no vowel to compare with (mfa_um's vowel lasts
# 0.2 s, its murmur 0.6 s, falling 2-3 semitones from one to the other). So the kind is heard over the voicing the
# stretch continues into, up to 0.4 s either side, within 3 semitones of its pitch (as ``_SERIES_ST``: one voice
# saying one sound), and after it only while the level does not rise by more than 3 dB: a murmur is quieter than its
# vowel, and the next word's vowel, said in the same breath at the same pitch, is louder.
_OWN_VOICE_S = 0.4
_OWN_VOICE_ST = 3.0
_OWN_VOICE_RISE_DB = 3.0


def _own_voicing(track: pitch.PitchTrack, a: int, b: int, f0: float, hop: float) -> tuple[float, float]:
    """Start and end of the filler's own voicing around frames ``[a, b)`` (median ``f0``): unbroken, within
    ``_OWN_VOICE_ST`` of ``f0``, up to ``_OWN_VOICE_S`` beyond them, and after them no louder than their last frame
    by ``_OWN_VOICE_RISE_DB``."""
    lo, hi = a, b
    if f0 > 0:
        reach = int(_OWN_VOICE_S / hop)
        first, stop = max(0, a - reach), min(len(track.f0), b + reach)
        near = track.f0[first:stop]
        same = track.voiced[first:stop] & (near > 0)
        same[same] = np.abs(12 * np.log2(near[same] / f0)) <= _OWN_VOICE_ST
        before = same[: a - first][::-1]
        lo = a - (int(np.argmin(before)) if not before.all() else len(before))
        after = same[b - first :] & (track.level_db[b:stop] <= track.level_db[b - 1] + _OWN_VOICE_RISE_DB)
        hi = b + (int(np.argmin(after)) if not after.all() else len(after))
    return float(track.times[lo] - hop / 2), float(track.times[hi - 1] + hop / 2)


def _nasal_end(
    audio: Audio,
    start: float,
    end: float,
    onset: float | None = None,
    offset: float | None = None,
    *,
    line: bool = False,
) -> bool:
    """True when the filler ends in a nasal murmur ("um"): energy above 800 Hz falls under half of its vowel's. Where
    the recording has lost its low band (``line``), its level between 300 and 3400 Hz must also fall by
    ``_MURMUR_DROP_DB`` or more, and a fall of ``_MURMUR_LOSS_DB`` is a murmur however bright.

    The stretch ``[start, end)`` is heard through to ``offset``, where its own voicing ends (``_own_voicing``),
    and its end is the last fifth of that; its vowel is its middle, or the brightest 40 ms of its own voicing
    before it (from ``onset``) where that is brighter.
    """
    end = max(end, offset or end)
    x = audio.samples[int(start * audio.sr) : int(end * audio.sr)]
    if len(x) < 5 * 160:
        return False
    n = len(x)
    mid, last = x[int(0.4 * n) : int(0.6 * n)], x[int(0.8 * n) :]
    vowel, share = mid, _high_share(mid, audio.sr)
    w = int(0.04 * audio.sr)
    if onset is not None and start - onset >= w / audio.sr:
        before = audio.samples[int(onset * audio.sr) : int(start * audio.sr)]
        windows = np.lib.stride_tricks.sliding_window_view(before, w)[:: w // 2]
        shares = _high_shares(windows, audio.sr)
        if shares.max() > share:
            vowel, share = windows[int(np.argmax(shares))], float(shares.max())
    darker = _high_share(last, audio.sr) < 0.5 * share
    if not line:
        return darker
    drop = _band_db(vowel, audio.sr) - _band_db(last, audio.sr)
    return drop >= _MURMUR_DROP_DB and (darker or drop >= _MURMUR_LOSS_DB)


# A nasal murmur's energy lies mostly under 300 Hz (the closed mouth leaves one low resonance): where a recording
# carries that band, the murmur makes an um's end darker than its vowel, which is the test. A telephone line cuts it
# (300-3400 Hz): an "uh" fading over a line then also ends darker above 800 Hz, but it keeps its level in the band
# the line carries (within 0.6 dB of its vowel's, on the six spliced uhs a line turned into "um"s), where a murmur
# loses it (the ums' ends 9.8-13.9 dB under their vowels over a line). Where the band is whole the level is left out:
# a room's reverberation carries the vowel on into the murmur (in a 0.5 s room the ums' ends ranged from 0.8 dB
# louder than their vowels to 20 dB quieter), and the darker end alone tells the kinds apart there. And over a line
# what is left of a murmur may be too faint to be darker than the hiss around it: an end 6 dB or more under its vowel
# is a murmur whatever its colour (the ums a line had turned into "uh"s: 7.5 and 18.9 dB; no uh's end over a line
# fell by more than 2.6 dB, nor a dry one by more than 3.1).
_MURMUR_DROP_DB = 1.5
_MURMUR_LOSS_DB = 6.0
# A recording has lost its low band when its voice carries 25 dB less energy under 250 Hz than between 300 and
# 3400 Hz (the shared clips: -19 to +1 dB, in a 0.5 s room too; carried over a line: -45 to -28 dB). The voice's own
# fundamental lies there in full-band sound, a man's or a woman's.
_LOW_BAND_LOST_DB = -25.0
_LOW_BAND_FRAMES = 2000  # frames the measure reads, spread over the whole recording


def _low_band_lost(audio: Audio, track: pitch.PitchTrack, win: int = 512) -> bool:
    """True when the recording's voice has next to no energy under 250 Hz (``_LOW_BAND_LOST_DB``): a telephone line.
    Measured on its voiced frames within 25 dB of the loudest, at most ``_LOW_BAND_FRAMES`` of them, spread over the
    whole recording."""
    level = track.level_db
    if not len(level):
        return False
    centres = np.round(track.times * audio.sr).astype(np.int64)
    ok = track.voiced & (level > np.percentile(level, 99) - 25) & (centres >= win // 2)
    ok &= centres + win // 2 <= len(audio.samples)
    idx = np.flatnonzero(ok)
    if len(idx) < 10:
        return False
    idx = idx[np.linspace(0, len(idx) - 1, min(len(idx), _LOW_BAND_FRAMES)).astype(np.int64)]
    frames = np.lib.stride_tricks.sliding_window_view(audio.samples, win)[centres[idx] - win // 2]
    power = (np.abs(np.fft.rfft(frames * np.hanning(win), axis=1)) ** 2).sum(axis=0)
    f = np.fft.rfftfreq(win, 1 / audio.sr)
    low, band = power[(f > 60) & (f < 250)].sum(), power[(f > 300) & (f < 3400)].sum()
    return bool(band > 0 and 10 * np.log10(low / band + 1e-12) < _LOW_BAND_LOST_DB)


def _band_db(x: np.ndarray, sr: int) -> float:
    """Mean power (dB) of ``x`` between 300 and 3400 Hz, per sample."""
    spec = np.abs(np.fft.rfft(x * np.hanning(len(x)))) ** 2
    f = np.fft.rfftfreq(len(x), 1 / sr)
    return float(10 * np.log10(spec[(f > 300) & (f < 3400)].sum() / len(x) + 1e-12))


def _high_share(x: np.ndarray, sr: int) -> float:
    return float(_high_shares(x[None, :], sr)[0])


def _high_shares(frames: np.ndarray, sr: int) -> np.ndarray:
    """Share of each row's energy (60-4000 Hz) that lies above 800 Hz (0 for a silent row)."""
    spec = np.abs(np.fft.rfft(frames * np.hanning(frames.shape[1]), axis=1)) ** 2
    f = np.fft.rfftfreq(frames.shape[1], 1 / sr)
    total = spec[:, (f > 60) & (f < 4000)].sum(axis=1)
    high = spec[:, (f > 800) & (f < 4000)].sum(axis=1)
    shares: np.ndarray = np.divide(high, total, out=np.zeros_like(total), where=total > 0)
    return shares
