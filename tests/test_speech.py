"""The recogniser's plumbing, without the model: chunks, the encoder's window, decoder loops."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from podium import speech
from podium.errors import ParameterError
from podium.options import SpeechOptions
from podium.types import Span, Word


def test_chunks_fill_the_window_less_its_padding():
    spans = tuple(Span(float(s), s + 3.5) for s in range(0, 60, 4))  # 3.5 s of speech every 4 s
    for window, longest in ((30.0, 30.0), (15.0, 13.0)):
        clips = speech._chunks(spans, 60.0, speech._chunk_s(SpeechOptions(window_s=window)))
        assert max(c["end"] - c["start"] for c in clips) <= longest
        assert clips[0]["start"] == 0.0 and clips[-1]["end"] == pytest.approx(59.7)
        assert all(a["end"] <= b["start"] for a, b in itertools.pairwise(clips))
    with pytest.raises(ParameterError, match="window_s"):
        SpeechOptions(window_s=5)


def test_a_clip_reaches_back_over_sound_the_detector_heard_start_late():
    """Silero hears speech start late where its low frequencies are missing (a telephone line): a clip starts 0.2 s
    before the speech it heard, or earlier over sound that is not silence, up to 0.8 s; never into the clip before."""
    spans = (Span(2.0, 4.0), Span(40.0, 42.0))
    quiet = np.ones(6000, dtype=bool)
    assert [c["start"] for c in speech._chunks(spans, 60.0, 30.0, quiet)] == pytest.approx([1.8, 39.8])
    quiet[150:200] = False  # sound from 1.5 s
    quiet[3900:4000] = False  # and just before the second span
    assert [c["start"] for c in speech._chunks(spans, 60.0, 30.0, quiet)] == pytest.approx([1.5, 39.2])
    quiet[:200] = False  # sound all the way from the start: 0.8 s at the most
    assert speech._chunks(spans, 60.0, 30.0, quiet)[0]["start"] == pytest.approx(1.2)
    close = (Span(2.0, 29.0), Span(29.5, 33.0))  # two clips 0.5 s apart: the second starts where the first ends
    clips = speech._chunks(close, 60.0, 30.0, np.zeros(6000, dtype=bool))
    assert clips[1]["start"] == pytest.approx(clips[0]["end"])
    for chunk_s in (30.0, 13.0):  # clips of exactly the window (30 s, or 13 s in a 15 s one), sound before them
        full = (Span(1.0, 5.0), Span(5.5, chunk_s + 0.6))
        clips = speech._chunks(full, 60.0, chunk_s, np.zeros(6000, dtype=bool))
        assert len(clips) == 1 and clips[0]["end"] - clips[0]["start"] == pytest.approx(chunk_s)


def test_features_are_padded_to_the_window_asked_for_and_to_30_s_otherwise():
    import faster_whisper.transcribe as fw

    speech._pad_to_window()
    features = np.ones((80, 700), np.float32)
    assert fw.pad_or_trim(features).shape == (80, 3000)
    token = speech._WINDOW_FRAMES.set(1500)
    try:
        padded = fw.pad_or_trim(features)
    finally:
        speech._WINDOW_FRAMES.reset(token)
    assert padded.shape == (80, 1500) and padded[:, 700:].sum() == 0
    assert fw.pad_or_trim(features).shape == (80, 3000)


def test_a_decoder_loop_is_dropped_and_a_word_said_twice_is_kept():
    said = [Word("Montreal", 1.0, 1.5, 0.9), Word("forced", 1.5, 1.9, 0.9)]
    loop = [Word("Montreal...", 2.2, 2.2, 0.4) for _ in range(40)] + [Word("is", 2.2, 2.21, 0.3)]
    after = [Word("words,", 3.0, 3.4, 0.9), Word("words,", 3.4, 3.4, 0.8), Word("words.", 3.4, 3.4, 0.8)]
    tail = [Word("then", 4.0, 4.3, 0.9)]
    kept = speech._drop_loops([*said, *loop, *after[:2], *tail])
    assert kept == [*said, *after[:2], *tail]
    stacked = [Word(t, 5.0, 5.0, 0.5) for t in ("is", "like", "put")]
    assert speech._drop_loops([*tail, *stacked]) == tail  # three words at one instant: no sound for any of them
    # three instants at a speaker's pace (mfa_acoustic_corpus inside a longer recording): said, aligned badly
    spread = [Word("words,", 32.07, 32.07, 0.6), Word("words.", 33.01, 33.01, 0.6), Word("Um,", 33.73, 33.73, 0.5)]
    assert speech._drop_loops([*tail, *spread]) == [*tail, *spread]


def test_a_loop_crammed_into_the_last_words_sound_is_dropped_and_a_stutter_is_kept():
    """A slowly read clip's end, decoded again with the filler prompt: "I'm, I'm, I'm, I'm, I'm, uh, I'm, uh, I" in
    0.58 s, reported as two "uh"s. Nine words at 15 a second, three of them different: no one says that; a speaker
    who stutters "I'm, I'm, I'm" takes a fifth of a second or more over each."""
    said = [Word("about", 9.92, 10.46, 0.9), Word("1455.", 10.46, 12.04, 0.8)]
    times = [(11.84, 11.92), (11.92, 11.96), (11.96, 12.18), (12.2, 12.24), (12.28, 12.3), (12.3, 12.3)]
    times += [(12.32, 12.42), (12.42, 12.42), (12.42, 12.42)]
    texts = ["I'm,"] * 5 + ["uh,", "I'm,", "uh,", "I"]
    loop = [Word(t, a, b, 0.3) for t, (a, b) in zip(texts, times, strict=True)]
    assert speech._drop_loops([*said, *loop]) == said
    stutter = [Word("I'm,", 1.0 + 0.22 * k, 1.2 + 0.22 * k, 0.8) for k in range(4)] + [Word("sure.", 1.9, 2.3, 0.9)]
    assert speech._drop_loops(stutter) == stutter
    quick = [Word(t, 3.0 + 0.09 * k, 3.08 + 0.09 * k, 0.9) for k, t in enumerate("so we can see that it is".split())]
    assert speech._drop_loops(quick) == quick  # fast, but seven different words


def test_unfinished_stretches_are_where_speech_goes_on_without_words():
    """A clip is decoded again from where its words stop while the VAD still hears speech; the search by bisection
    finds what a look at every word and span finds (a shuffled word list, touching and overlapping spans)."""

    def every_span(clips, words, spans):
        out = []
        for c in clips:
            inside = sorted((w for w in words if c["start"] <= w.start < c["end"]), key=lambda w: w.start)
            covered = c["start"]
            for w in [*inside, None] if inside else []:
                nxt = c["end"] if w is None else w.start
                heard = sum(max(0.0, min(nxt - 0.2, s.end) - max(covered + 0.2, s.start)) for s in spans)
                if heard >= (speech._LEFT_AT_END_S if w is None else speech._LEFT_OVER_S):
                    out.append({"start": round(covered, 3), "end": round(nxt, 3)})
                if w is not None:
                    covered = max(covered, min(w.end, w.start + speech._LAST_WORD_S))
        return out

    rng = np.random.default_rng(0)
    for _ in range(20):
        starts = np.sort(rng.uniform(0, 300, 40))
        spans = tuple(Span(float(a), float(a + d)) for a, d in zip(starts, rng.uniform(0.2, 15, 40), strict=True))
        t = rng.uniform(0, 300, 300)
        words = [Word("w", float(a), float(a + d), 0.9) for a, d in zip(t, rng.uniform(0.1, 0.8, 300), strict=True)]
        words = [w for w in words if rng.random() > 0.3 or w.start > 200]  # long stretches without words
        clips = [{"start": float(a), "end": float(a + 30)} for a in range(0, 300, 30)]
        found = speech._unfinished(clips, words, spans)
        assert found == every_span(clips, words, spans)
        assert found  # the test holds stretches to find
    clip = [{"start": 0.0, "end": 20.0}]
    assert speech._unfinished(clip, [Word("so", 1.0, 1.3, 0.9)], (Span(0.5, 19.0),)) == [{"start": 1.3, "end": 20.0}]


def test_a_stretch_decoded_again_does_not_write_a_filler_twice():
    """The stretch decoded again starts at or after the last word, often on a filler already written, whose times
    move between two decodes more than a word's do: a filler within 0.5 s of one already there is the same one."""
    done = [Word("said", 1.0, 1.4, 0.9), Word("um,", 1.5, 2.2, 0.8)]
    new = [Word("Umm...", 1.9, 2.4, 0.7), Word("said", 1.02, 1.3, 0.9)]  # the same filler, the same word
    new += [Word("uh", 3.0, 3.3, 0.6), Word("so", 3.4, 3.6, 0.9)]
    assert [w.text for w in speech._after(new, done)] == ["uh", "so"]
    # near any part of it: a long "um" written first, and the same held "umm" heard where it ends
    assert speech._after([Word("Umm...", 2.6, 2.8, 0.7)], done) == []
    assert speech._unfinished(  # 1.7 s of speech left after the last word (a short sentence): decoded again
        [{"start": 0.0, "end": 6.017}],
        [Word("surpassed.", 0.9, 1.86, 0.9)],
        (Span(0.0, 1.73), Span(3.81, 3.94), Span(4.26, 6.02)),
    ) == [{"start": 1.5, "end": 6.017}]


def _look(where, words, spans, duration=60.0):
    return [(c["start"], c["end"]) for c in speech._second_look(where, words, spans, duration)]


def test_a_second_look_hears_the_talk_around_a_filler_like_sound_no_filler_was_written_near():
    spans = (Span(1.0, 2.0), Span(2.5, 4.0), Span(4.6, 5.0), Span(7.0, 9.0), Span(20.0, 49.0))
    # the spans no more than 1 s apart, around the candidate; not the one 2 s away
    assert _look([Span(3.0, 3.5)], [Word("so", 1.0, 1.2, 0.9)], spans) == [(0.8, 5.2)]
    # a filler written near it: the decode heard it, whichever of its ends is near (mfa_um in the speech bench's
    # talk: "um..." over 673.7-674.8 s, the held "umm" it stands for found from 674.8 s)
    assert _look([Span(3.0, 3.5)], [Word("uh,", 3.6, 3.8, 0.9)], spans) == []
    assert _look([Span(3.0, 3.5)], [Word("um...", 1.5, 2.6, 0.9)], spans) == []
    # two candidates in one stretch of talk: one clip
    assert _look([Span(1.2, 1.5), Span(3.0, 3.5)], [], spans) == [(0.8, 5.2)]
    # where the speech detector heard nothing: the candidate and the spans close to it
    assert _look([Span(6.2, 6.5)], [], spans) == [(6.0, 9.2)]
    # inside a long span: at most 10 s around the candidate
    (a, b) = _look([Span(30.0, 30.5)], [], spans)[0]
    assert a == pytest.approx(24.8) and b == pytest.approx(35.7)
    # clips never overlap: the next starts where the one before ends
    near = (Span(1.0, 5.0), Span(5.5, 9.5), Span(10.0, 14.0))
    clips = _look([Span(4.0, 4.4), Span(13.0, 13.4)], [], near)
    assert len(clips) == 2 and clips[1][0] >= clips[0][1]
    # never past the audio, not even by rounding: faster-whisper refuses clips that add up to more than it
    assert _look([Span(0.1, 0.5)], [], (Span(0.0, 5.4567),), duration=5.4567) == [(0.0, 5.4567)]


def test_a_second_look_keeps_what_it_was_asked_for():
    """Around a steady stretch, every filler the second look writes (a series may lie around it); around a burst
    under a word (``filled_pauses.hidden``), only one within 0.3 s of it: prompted, tiny.en writes "Uh" for
    mfa_cutoff's cut-off "a-" 0.6 s before the burst that asked."""
    clips = [{"start": 1.092, "end": 10.6}, {"start": 11.0, "end": 14.0}]
    asked = speech._asked(clips, [Span(1.29, 1.65)], [Span(12.22, 12.88)])
    assert asked(Word("Uh,", 1.09, 1.09, 0.9))  # at the clip's start, as Whisper rounds it
    assert asked(Word("uh,", 8.08, 8.1, 0.9))  # anywhere in a candidate's clip
    assert asked(Word("um,", 13.0, 13.3, 0.9))  # just after the burst
    assert not asked(Word("Uh,", 11.41, 11.6, 0.9))


def test_a_word_stretched_over_a_filler_the_second_look_added_takes_the_second_looks_times():
    """A reader pauses, says "uhhh", and reads on: the first decode stretched "Has" over the "uhhh" (3.68-5.08 s);
    the second look wrote "Uhh... Has never", and its "Uhh" would stand inside "Has" ("has, uh, never")."""
    words = [Word("surpassed.", 0.9, 1.8, 0.9), Word("Has", 3.68, 5.08, 0.9), Word("never", 5.08, 5.46, 0.9)]
    heard = [Word("Uhh...", 4.32, 4.94, 0.6), Word("Has", 4.94, 5.16, 0.9), Word("never", 5.16, 5.48, 0.9)]
    out = speech._retimed(words, heard[:1], heard)
    assert [(w.text, w.start, w.end) for w in out] == [
        ("surpassed.", 0.9, 1.8), ("Has", 4.94, 5.16), ("never", 5.08, 5.46)
    ]  # fmt: skip
    # a word the second look did not write keeps its times
    assert speech._retimed(words, heard[:1], heard[:1]) == words
