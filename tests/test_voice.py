"""Pauses, pace, pitch and loudness: controlled signals with known answers, and a real recording."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from podium import media, speech, voice
from podium.eval.textgrid import silences
from podium.options import VoiceOptions
from podium.testing import FakeRecognizer, tone
from podium.types import Audio, Span, Word

SR = 16000


def _words_over(spans: list[tuple[float, float]], per_s: float = 2.5, last_text: str = "end.") -> list[Word]:
    out = []
    for a, b in spans:
        n = max(1, int((b - a) * per_s))
        edges = np.linspace(a, b, n + 1)
        out += [Word("word", float(edges[k]) + 0.01, float(edges[k + 1]) - 0.01, 0.9) for k in range(n)]
    out[-1] = Word(last_text, out[-1].start, out[-1].end, 0.9)
    return out


def _measure(x: np.ndarray, words: list[Word], **opts) -> voice.Voice:
    audio = Audio(x.astype(np.float32))
    t = speech.transcribe(audio, recognizer=FakeRecognizer(words), recover=False)
    return voice.measure(audio, t, VoiceOptions(**opts))


def _voiced_with_gaps(parts: list[float], gaps: list[float]) -> tuple[np.ndarray, list[tuple[float, float]]]:
    chunks, spans, t = [], [], 0.0
    for k, d in enumerate(parts):
        chunks.append(tone([130, 160, 120], d))
        spans.append((t, t + d))
        t += d
        if k < len(gaps):
            chunks.append(np.zeros(int(gaps[k] * SR), np.float32))
            t += gaps[k]
    return np.concatenate(chunks), spans


def test_pauses_found_with_exact_boundaries_and_lengths():
    x, spans = _voiced_with_gaps([2.0, 2.0, 2.0, 2.0], [0.3, 1.0, 2.5])
    v = _measure(x, _words_over(spans))
    got = [(p.start, p.end) for p in v.pauses]
    want = [(spans[k][1], spans[k + 1][0]) for k in range(3)]
    assert len(got) == 3, got
    for (a, b), (c, d) in zip(got, want, strict=True):
        assert abs(a - c) <= 0.03 and abs(b - d) <= 0.03
    assert [p.long for p in v.pauses] == [False, False, True]


def test_pause_shorter_than_minimum_is_not_a_pause():
    x, spans = _voiced_with_gaps([2.0, 2.0], [0.15])
    assert _measure(x, _words_over(spans)).pauses == ()
    assert len(_measure(x, _words_over(spans), pause_min_s=0.1).pauses) == 1


def test_pause_position_after_sentence_vs_mid_phrase():
    x, spans = _voiced_with_gaps([2.0, 2.0, 2.0], [0.8, 0.8])
    words = _words_over(spans)
    k1 = max(i for i, w in enumerate(words) if w.end <= spans[0][1])
    k2 = max(i for i, w in enumerate(words) if w.end <= spans[1][1])
    words[k1] = Word("done.", words[k1].start, words[k1].end, 0.9)
    words[k2] = Word("the", words[k2].start, words[k2].end, 0.9)
    v = _measure(x, words)
    assert [p.position for p in v.pauses] == ["sentence", "mid"]


def test_pace_counts_words_per_minute_of_speaking_time():
    x, spans = _voiced_with_gaps([30.0, 30.0], [3.0])  # one long pause
    v = _measure(x, _words_over(spans, per_s=2.0))
    assert v.wpm == pytest.approx(120, abs=3)  # long pause excluded
    assert v.wpm_overall == pytest.approx(120 * 60 / 63, abs=3)
    assert len(v.pace_timeline) >= 5
    clear = [w for w in v.pace_timeline if w.end <= 30.5 or w.start >= 32.5]  # windows without the pause
    assert clear and all(w.wpm == pytest.approx(120, abs=6) for w in clear)
    across = [w for w in v.pace_timeline if w.start < 30 and w.end > 33]
    assert across and all(w.wpm < 115 for w in across)


def test_rushed_stretch_shows_in_pace_timeline():
    x, spans = _voiced_with_gaps([30.0, 30.0], [0.5])
    words = _words_over([spans[0]], per_s=2.0) + _words_over([spans[1]], per_s=3.5)
    v = _measure(x, words)
    first, last = v.pace_timeline[0], v.pace_timeline[-1]
    assert first.wpm == pytest.approx(120, abs=10) and last.wpm == pytest.approx(210, abs=10)


def test_flat_voice_is_monotone_varied_voice_is_not():
    flat = tone(150, 24.0)
    rng = np.random.default_rng(0)
    varied = tone(list(150 * 2 ** (rng.uniform(-8, 8, 60) / 12)), 24.0)
    v_flat = _measure(flat, _words_over([(0, 24)]))
    v_var = _measure(varied, _words_over([(0, 24)]))
    assert v_flat.pitch.variation_st < 0.5 and v_flat.pitch.monotone_spans
    assert v_var.pitch.variation_st > 3 and not v_var.pitch.monotone_spans
    assert v_flat.pitch.median_hz == pytest.approx(150, rel=0.02)


def test_quiet_stretch_is_reported():
    # phrases of 2 s with 0.4 s breaks; phrases 5-7 (10.0-16.8 s) are 14 dB quieter
    gains = [1, 1, 1, 1, 0.2, 0.2, 0.2, 1, 1, 1, 1]
    x, spans = _voiced_with_gaps([2.0] * len(gains), [0.4] * (len(gains) - 1))
    for g, (a, b) in zip(gains, spans, strict=True):
        x[int(a * SR) : int(b * SR)] *= g
    v = _measure(x, _words_over(spans))
    assert len(v.loudness.quiet_spans) == 1, v.loudness
    q = v.loudness.quiet_spans[0]
    assert 9.0 <= q.start <= 10.5 and 15.5 <= q.end <= 17.5
    assert len(v.pauses) == len(gains) - 1  # quiet speech is not silence


def test_no_words_means_skipped():
    v = _measure(np.zeros(SR * 2, np.float32), [])
    assert v.skipped_reason and v.wpm is None


def test_pauses_match_textgrid_silences(samples):
    """mfa_acoustic_corpus: detected pauses >= 0.5 s against the TextGrid's silences, 0.15 s at both ends."""
    folder = samples / "speech_disfluent"
    audio = media.load(folder / "mfa_acoustic_corpus.wav").audio
    v = voice.measure(audio, speech.transcribe(audio))
    grid = folder / "mfa_acoustic_corpus.TextGrid"
    ref_all, ref_long = silences(grid), silences(grid, min_s=0.5)
    det = [p for p in v.pauses if p.duration >= 0.5]

    def close(p, r):
        return abs(p.start - r.start) <= 0.15 and abs(p.end - r.end) <= 0.15

    matched = [p for p in det if any(close(p, r) for r in ref_all)]
    found = [r for r in ref_long if any(abs(p.start - r.start) <= 0.15 for p in det)]
    print(
        f"\npauses >= 0.5 s matching a TextGrid silence at both ends: {len(matched)} of {len(det)}; "
        f"TextGrid silences >= 0.5 s found: {len(found)} of {len(ref_long)}"
    )
    assert len(det) >= 4
    assert len(matched) >= 0.8 * len(det)
    assert len(found) == len(ref_long)


def test_long_talks_are_measured_in_bounded_memory():
    """Pitch, loudness and the filled-pause envelope hold no float64 copy of a long recording.

    Their peak memory may hold a constant working set, but what each added second of audio costs must stay well
    under the 4 bytes a float32 sample takes (a float64 copy of the audio alone costs 8).
    """
    import tracemalloc

    from podium import filled_pauses, pitch
    from podium.types import Audio

    rng = np.random.default_rng(1)
    x = (rng.standard_normal(16000 * 600) * 0.05).astype(np.float32)
    per_sample = {}
    for name, fn in (
        ("levels", lambda a: voice.frame_levels(a)),
        ("pitch", lambda a: pitch.track(a.samples, 16000)),
        ("flux", lambda a: filled_pauses._spectral_flux(a, np.arange(len(a.samples) // 160) * 0.01)),
    ):
        peaks = []
        for seconds in (300, 600):
            audio = Audio(x[: 16000 * seconds], 16000)
            tracemalloc.start()
            fn(audio)
            peaks.append(tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()
        per_sample[name] = (peaks[1] - peaks[0]) / (16000 * 300)
    assert per_sample["levels"] < 1 and per_sample["pitch"] < 4 and per_sample["flux"] < 2, per_sample


def test_a_filled_pause_found_in_the_sound_is_not_a_pause():
    """An "um" the detector found in the sound sits where the voice-activity detector heard no speech (its murmur is
    quiet; here the recogniser's spans leave it out): the report showed a 0.73 s pause over it. It is a filler, and
    only the silence after it is a pause."""
    x, spans = _voiced_with_gaps([2.0, 0.6, 2.0], [0.2, 0.5])
    um = Word("um", spans[1][0], spans[1][1], 0.9, source="recovered")
    words = [*_words_over([spans[0]]), um, *_words_over([spans[2]])]
    audio = Audio(x.astype(np.float32))
    heard = [Span(*spans[0]), Span(*spans[2])]  # as Silero may: no speech in the filler
    t = speech.transcribe(audio, recognizer=FakeRecognizer(words, heard), recover=False)
    pauses = [(p.start, p.end) for p in voice.measure(audio, t).pauses]
    assert len(pauses) == 1 and abs(pauses[0][0] - spans[1][1]) <= 0.03 and abs(pauses[0][1] - spans[2][0]) <= 0.03
    # written by the recogniser, with times as loose as Whisper's: from the word before to the word after. Its voice
    # is no pause (a quiet hum's, near the noise floor, made one 2.5 s "long pause" of mfa_uhum's two "hmm"s); the
    # silences either side of it still are
    said = [replace(um, source="asr", start=spans[0][1], end=spans[2][0]) if w is um else w for w in words]
    t = speech.transcribe(audio, recognizer=FakeRecognizer(said, heard), recover=False)
    pauses = [(p.start, p.end) for p in voice.measure(audio, t).pauses]
    assert len(pauses) == 1 and abs(pauses[0][0] - spans[1][1]) <= 0.03 and abs(pauses[0][1] - spans[2][0]) <= 0.03


def test_the_speech_mask_is_the_frames_inside_any_span():
    """One pass over a long talk's frames, however many spans (the recogniser's speech and the fillers found), the
    same frames as asking each span in turn: overlapping, touching, empty and reversed spans included."""
    rng = np.random.default_rng(0)
    times = np.arange(20000) * 0.01
    for _ in range(20):
        edges = np.sort(rng.uniform(0, 200, 2 * int(rng.integers(0, 30))))
        spans = [Span(float(a), float(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]
        spans += [Span(5.0, 5.0), Span(10.0, 20.0), Span(15.0, 25.0), Span(25.0, 26.0), Span(40.0, 30.0)]
        each = np.zeros(times.shape, dtype=bool)
        for s in spans:
            each |= (times >= s.start) & (times < s.end)
        assert np.array_equal(voice._speech_mask(times, spans), each)
    assert not voice._speech_mask(times, []).any()
