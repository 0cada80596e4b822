"""Vowel formants (F1-F3) by linear prediction, in plain numpy.

Where the quality of a vowel decides what a sound is: a filled pause is said on a central vowel ("uh", [ə] or [ʌ]),
never on an r-coloured one ([ɚ], the "-er" of "aligner"), whose third formant falls close to its second.

Method (Markel and Gray 1976, "Linear Prediction of Speech"; as Praat's formant analysis, which resamples to twice
the highest formant sought, but by the autocorrelation method rather than Burg's): the sound around each frame is
low-passed and resampled to 8 kHz, so that the model spends its poles on the formants
below 4 kHz, where F1-F3 of every adult and child voice lie, and not on the band above (which a telephone line has
lost anyway); pre-emphasised (0.97), Hamming-windowed over 32 ms; an order-10 predictor (2 + 8 kHz / 1 kHz) by the
autocorrelation method (Levinson-Durbin); its roots' angles are the formant frequencies, and roots wider than
``_MAX_BANDWIDTH_HZ`` (not resonances) or under ``_MIN_HZ`` (the voice source's tilt) are left out.
"""

from __future__ import annotations

import numpy as np

from .pitch import PitchTrack
from .types import Audio

__all__ = ["formants", "vowel"]

_SR = 8000
_ORDER = 10
_WINDOW_S = 0.032
_PRE_EMPHASIS = 0.97
_MIN_HZ = 200.0
_MAX_BANDWIDTH_HZ = 500.0
_TAPS = 64  # the low-pass filter's half length, in samples of the input


def formants(audio: Audio, times: np.ndarray, n: int = 3) -> np.ndarray:
    """The first ``n`` formants (Hz) of the frames centred at ``times`` (s), shape ``(len(times), n)``; a row is NaN
    where the frame lies outside the sound, is silent, or shows fewer than ``n`` resonances."""
    out = np.full((len(times), n), np.nan)
    half = int(round(_WINDOW_S * audio.sr / 2))
    reach = half + _TAPS
    lowpass = _lowpass(audio.sr)
    for i, t in enumerate(np.asarray(times, dtype=np.float64)):
        c = int(round(t * audio.sr))
        if c - reach < 0 or c + reach > len(audio.samples):
            continue
        x = np.convolve(audio.samples[c - reach : c + reach].astype(np.float64), lowpass, mode="same")
        x = x[_TAPS : _TAPS + 2 * half]
        y = np.interp(np.arange(0, 2 * half, audio.sr / _SR), np.arange(2 * half), x) if audio.sr != _SR else x
        f = _resonances(y)
        if len(f) >= n:
            out[i] = f[:n]
    return out


def vowel(audio: Audio, track: PitchTrack, start: float, end: float, within_db: float = 10.0) -> np.ndarray | None:
    """Median F1-F3 (Hz) over the frames of ``start``-``end`` that sound within ``within_db`` of its loudest and
    within 30 dB of the recording's loud level (its 99th percentile): the vowel of a syllable, not its consonants
    or the silence around it. None where fewer than three such frames have three formants."""
    lo, hi = (int(i) for i in np.searchsorted(track.times, [start, end]))
    if hi <= lo or not len(track.level_db):
        return None
    level = track.level_db[lo:hi]
    floor = max(float(level.max()) - within_db, float(np.percentile(track.level_db, 99)) - 30.0)
    f = formants(audio, track.times[lo:hi][level >= floor])
    f = f[~np.isnan(f).any(axis=1)]
    return np.median(f, axis=0) if len(f) >= 3 else None


def _lowpass(sr: int) -> np.ndarray:
    """A windowed-sinc low-pass at 3.6 kHz (0.45 of ``_SR``: under the 4 kHz that resampling to ``_SR`` keeps, with
    room for the filter's transition), for a sound sampled at ``sr``."""
    cut = min(0.45 * _SR / sr * 2, 1.0)
    k = np.arange(-_TAPS, _TAPS + 1)
    h = cut * np.sinc(cut * k) * np.hamming(len(k))
    return np.asarray(h / h.sum())


def _resonances(x: np.ndarray) -> np.ndarray:
    if not np.any(x):
        return np.empty(0)
    x = np.append(x[0], x[1:] - _PRE_EMPHASIS * x[:-1]) * np.hamming(len(x))
    a = _lpc(x, _ORDER)
    if a is None:
        return np.empty(0)
    roots = np.roots(a)
    roots = roots[np.imag(roots) > 0]
    freq = np.angle(roots) * _SR / (2 * np.pi)
    bandwidth = -np.log(np.abs(roots)) * _SR / np.pi
    return np.sort(freq[(freq > _MIN_HZ) & (bandwidth < _MAX_BANDWIDTH_HZ)])


def _lpc(x: np.ndarray, order: int) -> np.ndarray | None:
    """Predictor coefficients ``[1, a1 .. a_order]`` by Levinson-Durbin on the autocorrelation; None for silence."""
    r = np.correlate(x, x, "full")[len(x) - 1 : len(x) + order]
    if r[0] <= 0:
        return None
    a = np.zeros(order + 1)
    a[0] = 1.0
    err = r[0]
    for i in range(1, order + 1):
        k = -(r[i] + a[1:i] @ r[i - 1 : 0 : -1]) / err
        a[1:i] = a[1:i] + k * a[i - 1 : 0 : -1]
        a[i] = k
        err *= 1 - k * k
        if err <= 0:
            return None
    return a
