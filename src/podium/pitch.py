"""Fundamental frequency (F0) tracking in plain numpy.

Why our own tracker: Praat (praat-parselmouth) is the reference instrument in
phonetics but it is GPL-3, and librosa's pYIN is slow and heavy. This module
follows the published autocorrelation method of Praat (Boersma 1993, "Accurate
short-term analysis of the fundamental frequency and the harmonics-to-noise
ratio of a sampled sound") closely enough that medians agree within a few
percent, and stays permissively licensed:

1. frames of ``3 / fmin`` seconds every ``hop_s``, mean removed, Hann window;
2. autocorrelation by FFT, divided by the window's own autocorrelation;
3. up to ``max_candidates`` peaks between ``1/fmax`` and ``1/fmin`` seconds,
   each scored ``r - octave_cost * log2(fmin * lag)``, plus an "unvoiced"
   candidate whose score grows as the frame gets quieter;
4. a Viterbi path that pays for octave jumps and voicing changes.

All times are in seconds, frequencies in Hz. ``f0 == 0`` means unvoiced.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["PitchTrack", "track"]


@dataclass(frozen=True)
class PitchTrack:
    """F0 per frame.

    Attributes:
        times: frame centres in seconds, shape ``(n,)``.
        f0: fundamental frequency in Hz, ``0.0`` where unvoiced, shape ``(n,)``.
        strength: normalised autocorrelation of the chosen lag (0-1), shape ``(n,)``.
        level_db: frame peak level in dBFS, shape ``(n,)``.
    """

    times: np.ndarray
    f0: np.ndarray
    strength: np.ndarray
    level_db: np.ndarray

    @property
    def voiced(self) -> np.ndarray:
        """Boolean mask of voiced frames."""
        return self.f0 > 0


def track(
    audio: np.ndarray,
    sr: int = 16000,
    *,
    fmin: float = 75.0,
    fmax: float = 600.0,
    hop_s: float = 0.01,
    voicing_threshold: float = 0.45,
    silence_threshold: float = 0.03,
    octave_cost: float = 0.01,
    octave_jump_cost: float = 0.35,
    voiced_unvoiced_cost: float = 0.14,
    max_candidates: int = 15,
    batch: int = 4096,
) -> PitchTrack:
    """Track F0 of a mono signal.

    Args:
        audio: mono samples, float, shape ``(n,)``.
        sr: sample rate in Hz.
        fmin: lowest F0 searched (Hz); sets the window to ``3 / fmin`` s.
        fmax: highest F0 searched (Hz); must be above ``fmin`` and below ``sr / 2``.
        hop_s: time step in seconds.
        voicing_threshold, silence_threshold, octave_cost, octave_jump_cost,
        voiced_unvoiced_cost: Praat's parameters of the same names and defaults.
        max_candidates: candidates per frame, the unvoiced one included.
        batch: frames analysed per FFT batch (bounds memory).

    Returns:
        A :class:`PitchTrack`; empty arrays when the signal is shorter than a window.
    """
    if not 0 < fmin < fmax < sr / 2:
        raise ValueError(f"need 0 < fmin={fmin} < fmax={fmax} < sr/2={sr / 2}")
    # frames are taken from the samples as given and made float64 a batch at a time: a copy of a long talk
    # in float64 would hold eight bytes per sample at once
    x = np.asarray(audio)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float64)
    win = int(round(3.0 / fmin * sr))
    hop = max(1, int(round(hop_s * sr)))
    n = 0 if len(x) < win else 1 + (len(x) - win) // hop
    if n == 0:
        empty = np.zeros(0)
        return PitchTrack(empty, empty, empty, empty)
    min_lag = int(np.floor(sr / fmax))
    max_lag = min(int(np.ceil(sr / fmin)), win - 1)
    nfft = 1 << int(np.ceil(np.log2(win + max_lag + 1)))
    window = np.hanning(win + 2)[1:-1]
    rw = np.fft.irfft(np.abs(np.fft.rfft(window, nfft)) ** 2, nfft)[: max_lag + 2]
    rw = rw / rw[0]
    mean = float(x.mean(dtype=np.float64))
    global_peak = max(float(np.max(x)) - mean, mean - float(np.min(x))) or 1.0  # max |x - mean|

    # column 0 of each table is the unvoiced candidate, filled after the voiced ones
    k = max_candidates - 1
    all_freq = np.zeros((n, k + 1))
    all_strength = np.full((n, k + 1), -np.inf)
    all_r = np.zeros((n, k + 1))
    local_peak = np.zeros(n)
    frames_all = np.lib.stride_tricks.sliding_window_view(x, win)[::hop][:n]
    for b0 in range(0, n, batch):
        fr = frames_all[b0 : b0 + batch].astype(np.float64)
        fr = fr - fr.mean(axis=1, keepdims=True)
        b1 = b0 + len(fr)
        local_peak[b0:b1] = np.max(np.abs(fr), axis=1)
        spec = np.fft.rfft(fr * window, nfft)
        ac = np.fft.irfft(np.abs(spec) ** 2, nfft)[:, : max_lag + 2]
        r = ac / np.maximum(ac[:, :1], 1e-20) / rw
        lags = all_freq[b0:b1, 1:]
        _candidates(r, min_lag, max_lag, sr, fmin, octave_cost, voicing_threshold, k, lags, all_strength[b0:b1, 1:],
                    all_r[b0:b1, 1:])  # fmt: skip
        lags[...] = np.where(lags > 0, sr / np.maximum(lags, 1e-9), 0.0)  # lag -> frequency

    all_strength[:, 0] = voicing_threshold + np.maximum(
        0.0, 2.0 - (local_peak / global_peak) / (silence_threshold / (1.0 + voicing_threshold))
    )
    step = 0.01 / hop_s
    path = _viterbi(all_freq, all_strength, octave_jump_cost * step, voiced_unvoiced_cost * step)
    rows = np.arange(n)
    f0 = all_freq[rows, path]
    times = (np.arange(n) * hop + win / 2) / sr
    level = 20 * np.log10(np.maximum(local_peak, 1e-10))
    return PitchTrack(times, f0, all_r[rows, path], level)


def _candidates(
    r: np.ndarray,
    min_lag: int,
    max_lag: int,
    sr: int,
    fmin: float,
    octave_cost: float,
    voicing_threshold: float,
    k: int,
    lags: np.ndarray,
    strengths: np.ndarray,
    rvals: np.ndarray,
) -> None:
    """Fill the ``k`` best autocorrelation peaks per frame (in place)."""
    mid = r[:, 1:-1]
    peak = (mid > r[:, :-2]) & (mid >= r[:, 2:]) & (mid > 0.5 * voicing_threshold)
    lag_idx = np.arange(1, r.shape[1] - 1)
    peak &= (lag_idx >= min_lag) & (lag_idx <= max_lag)
    score = np.where(peak, mid, -np.inf)
    kk = min(k, score.shape[1])
    top = np.argpartition(-score, kk - 1, axis=1)[:, :kk]
    rows = np.arange(r.shape[0])[:, None]
    ok = np.isfinite(score[rows, top])
    t = top + 1
    y0, y1, y2 = r[rows, t - 1], r[rows, t], r[rows, t + 1]
    den = y0 - 2 * y1 + y2
    off = np.where(np.abs(den) > 1e-12, 0.5 * (y0 - y2) / np.where(den == 0, 1, den), 0.0)
    off = np.clip(off, -0.5, 0.5)
    peak_r = y1 - 0.25 * (y0 - y2) * off
    lag = t + off
    st = peak_r - octave_cost * np.log2(fmin * lag / sr)
    lags[:, :kk] = np.where(ok, lag, 0.0)
    strengths[:, :kk] = np.where(ok, st, -np.inf)
    rvals[:, :kk] = np.where(ok, np.minimum(peak_r, 1.0), 0.0)


def _viterbi(freq: np.ndarray, strength: np.ndarray, jump_cost: float, vu_cost: float) -> np.ndarray:
    """Best path through candidates; column 0 is the unvoiced candidate."""
    n, m = freq.shape
    score = strength[0].copy()
    back = np.zeros((n, m), dtype=np.int8 if m <= 127 else np.int32)
    block = 1 << 15  # log-frequencies a block of frames at a time, not for the whole talk at once
    logf: np.ndarray = np.zeros((0, m))
    voiced: np.ndarray = np.zeros((0, m), dtype=bool)
    base = 0
    for i in range(1, n):
        j = i % block
        if i == 1 or j == 0:
            a = i - 1
            part = freq[a : a + block + 1]
            logf, voiced = np.log2(np.where(part > 0, part, 1.0)), part > 0
            base = a
        p, c = i - 1 - base, i - base
        vp, vc = voiced[p][:, None], voiced[c][None, :]
        cost = np.where(
            vp & vc, jump_cost * np.abs(logf[p][:, None] - logf[c][None, :]), np.where(vp ^ vc, vu_cost, 0.0)
        )
        total = score[:, None] - cost
        back[i] = np.argmax(total, axis=0)
        score = total[back[i], np.arange(m)] + strength[i]
    path = np.zeros(n, dtype=np.int64)
    path[-1] = int(np.argmax(score))
    for i in range(n - 1, 0, -1):
        path[i - 1] = back[i, path[i]]
    return path
