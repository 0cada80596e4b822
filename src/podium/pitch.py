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
4. a Viterbi path that pays for octave jumps and voicing changes;
5. where the voice sits at the floor searched, once more with a lower floor (see ``track``).

All times are in seconds, frequencies in Hz. ``f0 == 0`` means unvoiced.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from .spool import Rows, Spooled

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


#: Praat's default floor, 75 Hz, is set for the usual male range; a low voice, a creaky one or one with a cold goes
#: under it (the Montreal Forced Aligner's "sick" recordings of a man's voice sit at 62-70 Hz), and then the tracker
#: finds its floor or a formant's ringing an octave or three up instead, and a filler said at the bottom of that voice
#: goes unheard. Trackers made for every voice search lower (REAPER from 40 Hz, openSMILE from 52 Hz; De Looze and
#: Hirst 2008 search from 60 Hz and then set the floor at three quarters of the speaker's first quartile). Searching
#: every recording from here would lengthen the window for every voice (3 / fmin: 55 ms instead of 40 ms), smooth
#: its pitch and take an ordinary voice's creak for its floor. So a voice is tracked again from here only where it
#: presses on the usual floor (a tenth of its voiced frames within 10 % of it) or where its sound is hardly voiced at
#: all (a voice wholly under the floor is not found at all: a harmonic tone at 62-70 Hz leaves every frame unvoiced),
#: and the new track is kept only where it finds far more voice (``_MORE_VOICED``: a voice under the floor leaves its
#: frames unvoiced) and does not press on its own floor in turn (what piles up there is creak or the tracker's
#: halving, not a voice). Measured on the
#: shared clips and the MFA fixtures: the two "sick" recordings find 2.2x and 1.5x the voiced frames, with 4-7 % of
#: them at the new floor; a LibriSpeech reader 1.4x, with 32 % at it (his creak); every other voice 1.25x or less
#: (a man's creaky phrase ends: 1.05-1.2x).
LOW_FMIN_HZ = 55.0
_FLOOR_MARGIN = 1.1  # "at the floor": within 10 % of it
_FLOOR_SHARE = 0.1  # for a tenth of the voiced frames
_MIN_VOICED = 50  # frames (0.5 s of voicing) before a voice's range is judged
_MORE_VOICED = 1.3  # the lower search is kept where it finds this many times the voiced frames
_LOUD_DB = 25.0  # frames within this of the loudest (99th percentile) are sound, not silence
_FEW_VOICED = 0.2  # a voice wholly under the floor leaves its sound unvoiced: under this share voiced


def _at_the_floor(f0: np.ndarray, fmin: float) -> bool:
    voiced = f0[f0 > 0]
    return len(voiced) >= _MIN_VOICED and float(np.mean(voiced < _FLOOR_MARGIN * fmin)) >= _FLOOR_SHARE


def _under_the_floor(track: PitchTrack, fmin: float) -> bool:
    """The voice may go under ``fmin``: it presses on it, or the sound holds hardly any voicing at all."""
    if _at_the_floor(track.f0, fmin):
        return True
    loud = track.level_db > np.percentile(track.level_db, 99) - _LOUD_DB if len(track.level_db) else track.voiced
    return int(loud.sum()) >= _MIN_VOICED and float(np.mean(track.voiced[loud])) < _FEW_VOICED


def track(
    audio: np.ndarray,
    sr: int = 16000,
    *,
    fmin: float = 75.0,
    fmax: float = 600.0,
    low_fmin: float | None = LOW_FMIN_HZ,
    rumble: bool = True,
    hop_s: float = 0.01,
    voicing_threshold: float = 0.45,
    silence_threshold: float = 0.03,
    octave_cost: float = 0.01,
    octave_jump_cost: float = 0.35,
    voiced_unvoiced_cost: float = 0.14,
    max_candidates: int = 15,
    batch: int = 256,
) -> PitchTrack:
    """Track F0 of a mono signal.

    Args:
        audio: mono samples, float, shape ``(n,)``.
        sr: sample rate in Hz.
        fmin: lowest F0 searched (Hz); sets the window to ``3 / fmin`` s.
        fmax: highest F0 searched (Hz); must be above ``fmin`` and below ``sr / 2``.
        low_fmin: where a tenth of the voiced frames lie within 10 % of ``fmin``, or the sound is hardly voiced,
            the signal is tracked again from this floor, and that track is returned where it finds 1.3 times the
            voiced frames or more and does not press on ``low_fmin`` in turn (the voice goes under ``fmin``: a low
            voice, one with a cold); ``None``: never.
        rumble: measure the periodicity with the sound under ``_RUMBLE_HZ`` filtered out (``False``: as recorded).
        hop_s: time step in seconds.
        voicing_threshold, silence_threshold, octave_cost, octave_jump_cost,
        voiced_unvoiced_cost: Praat's parameters of the same names and defaults.
        max_candidates: candidates per frame, the unvoiced one included.
        batch: frames analysed per FFT batch (bounds memory).

    Returns:
        A :class:`PitchTrack`; empty arrays when the signal is shorter than a window.
    """

    def from_floor(floor: float) -> PitchTrack:
        return _track(audio, sr, floor, fmax, hop_s, voicing_threshold, silence_threshold, octave_cost,
                      octave_jump_cost, voiced_unvoiced_cost, max_candidates, batch, rumble)  # fmt: skip

    out = from_floor(fmin)
    if low_fmin is not None and low_fmin < fmin and _under_the_floor(out, fmin):
        low = from_floor(low_fmin)
        found = int(low.voiced.sum())
        if found >= max(_MIN_VOICED, _MORE_VOICED * out.voiced.sum()) and not _at_the_floor(low.f0, low_fmin):
            out = low
    return out


def _track(
    audio: np.ndarray,
    sr: int,
    fmin: float,
    fmax: float,
    hop_s: float,
    voicing_threshold: float,
    silence_threshold: float,
    octave_cost: float,
    octave_jump_cost: float,
    voiced_unvoiced_cost: float,
    max_candidates: int,
    batch: int,
    rumble: bool = True,
) -> PitchTrack:
    if not 0 < fmin < fmax < sr / 2:
        raise ValueError(f"need 0 < fmin={fmin} < fmax={fmax} < sr/2={sr / 2}")
    # frames are read from the samples a batch at a time (a long talk's samples live on disk, podium.spool) and
    # made float64 there: a float64 copy of a long talk would hold eight bytes per sample at once
    x = audio if np.issubdtype(audio.dtype, np.floating) else np.asarray(audio, dtype=np.float64)
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
    mean, lo, hi = _mean_min_max(x)
    global_peak = max(hi - mean, mean - lo) or 1.0  # max |x - mean|
    reference = _loudest_near(x, mean, n, hop, win, global_peak, max(1, round(_SILENCE_REACH_S * sr / hop)))

    # Candidates and the Viterbi pass go a batch at a time. Column 0 of each table is the unvoiced candidate;
    # the candidates' frequencies and strengths are kept (on disk for a long talk) until the path is known.
    k = max_candidates - 1
    freqs, rs = Rows(n, k + 1), Rows(n, k + 1)
    local_peak = np.zeros(n)
    step = 0.01 / hop_s
    path_finder = _Viterbi(n, k + 1, octave_jump_cost * step, voiced_unvoiced_cost * step)
    try:
        for b0 in range(0, n, batch):
            b1 = min(n, b0 + batch)
            seg = np.asarray(x[b0 * hop : (b1 - 1) * hop + win], dtype=np.float64)
            fr = np.lib.stride_tricks.sliding_window_view(seg, win)[::hop]
            fr = fr - fr.mean(axis=1, keepdims=True)
            local_peak[b0:b1] = np.max(np.abs(fr), axis=1)
            if rumble:  # the periodicity on the filtered sound, the level (above) on the sound as recorded
                fr = np.lib.stride_tricks.sliding_window_view(_high_passed(x, b0 * hop, len(seg), sr), win)[::hop]
                fr = fr - fr.mean(axis=1, keepdims=True)
            # single precision for the transforms (a fifth of double's time here; r moves by ~1e-7, against
            # thresholds of 0.225 and up), double for everything after
            spec = np.fft.rfft((fr * window).astype(np.float32), nfft)
            ac = np.fft.irfft(spec.real**2 + spec.imag**2, nfft)[:, : max_lag + 2].astype(np.float64)
            r = ac / np.maximum(ac[:, :1], 1e-20) / rw
            shape = (b1 - b0, k + 1)
            freq, strength, rval = np.zeros(shape), np.full(shape, -np.inf), np.zeros(shape)
            lags = freq[:, 1:]
            _candidates(r, min_lag, max_lag, sr, fmin, octave_cost, voicing_threshold, k, lags, strength[:, 1:],
                        rval[:, 1:])  # fmt: skip
            lags[...] = np.where(lags > 0, sr / np.maximum(lags, 1e-9), 0.0)  # lag -> frequency
            strength[:, 0] = voicing_threshold + np.maximum(
                0.0, 2.0 - (local_peak[b0:b1] / reference[b0:b1]) / (silence_threshold / (1.0 + voicing_threshold))
            )
            path_finder.feed(freq, strength)
            freqs.append(freq)
            rs.append(rval)
        path = path_finder.path()
        f0, strength_out = np.empty(n), np.empty(n)
        for b0 in range(0, n, batch):
            b1 = min(n, b0 + batch)
            rows, cols = np.arange(b1 - b0), path[b0:b1]
            f0[b0:b1] = freqs.read(b0, b1)[rows, cols]
            strength_out[b0:b1] = rs.read(b0, b1)[rows, cols]
    finally:
        freqs.close()
        rs.close()
    times = (np.arange(n) * hop + win / 2) / sr
    level = 20 * np.log10(np.maximum(local_peak, 1e-10))
    return PitchTrack(times, f0, strength_out, level)


# Rumble under the voice (air from the speaker's breath or a draught on the microphone, handling, a desk's thump, a
# building's hum) is sound whose period is far longer than the lags searched, but it is not gone when each frame's
# mean is: a wave of a few to 30 Hz barely changes in 2 ms, so it lifts the autocorrelation at every short lag, and
# the small peaks the voice's formants ring with there outscore the voice's own period. In the MFA fixture
# cold_corpus (a man's voice at 62-70 Hz with a cold, its sound under 40 Hz 10 dB over its 60-4000 Hz band) a third
# of the voiced frames were tracked at 400-600 Hz, and the speaker's median pitch, 350 Hz in its first 10 s, made
# his "uh"s unusual for him. Trackers made for every voice filter it out first (REAPER high-passes at 80 Hz; its
# floor is 40 Hz): here nothing under 20 Hz passes and everything over 50 Hz does (a raised-cosine ramp between), so
# that a voice at ``LOW_FMIN_HZ`` keeps its fundamental. The periodicity is measured on the filtered sound; the
# level (silence, ``PitchTrack.level_db``) on the sound as recorded.
_RUMBLE_HZ = (20.0, 50.0)
_RUMBLE_TAPS = 4096  # a linear-phase FIR: 256 ms, fine enough in frequency (3.9 Hz) for the ramp


@functools.cache
def _rumble_filter(sr: int, nfft: int) -> np.ndarray:
    """The spectrum (``nfft`` points) of a zero-phase high-pass FIR, ``_RUMBLE_TAPS`` long and centred, whose gain
    rises from 0 at ``_RUMBLE_HZ[0]`` to 1 at ``_RUMBLE_HZ[1]``: the ramp sampled in frequency, made a kernel and
    windowed. Made once per size: every batch of a talk but its last asks for the same."""
    f = np.fft.rfftfreq(_RUMBLE_TAPS, 1 / sr)
    lo, hi = _RUMBLE_HZ
    gain = np.sin(np.clip((f - lo) / (hi - lo), 0.0, 1.0) * np.pi / 2) ** 2
    kernel = np.fft.fftshift(np.fft.irfft(gain, _RUMBLE_TAPS)) * np.hanning(_RUMBLE_TAPS)
    out: np.ndarray = np.fft.rfft(kernel, nfft)
    return out


def _high_passed(x: np.ndarray, start: int, length: int, sr: int) -> np.ndarray:
    """Samples ``[start, start + length)`` of ``x`` with the rumble filtered out (``_rumble_filter``; zeros outside
    ``x``), read a segment at a time, so a long talk's samples on disk (podium.spool) are never copied whole."""
    half = _RUMBLE_TAPS // 2
    a, b = start - half, start + length + _RUMBLE_TAPS - half - 1
    part = np.zeros(b - a)
    lo, hi = max(a, 0), min(b, len(x))
    if hi > lo:
        part[lo - a : hi - a] = np.asarray(x[lo:hi], dtype=np.float64)
    nfft = 1 << int(np.ceil(np.log2(len(part) + _RUMBLE_TAPS - 1)))
    full = np.fft.irfft(np.fft.rfft(part, nfft) * _rumble_filter(sr, nfft), nfft)
    out: np.ndarray = full[_RUMBLE_TAPS - 1 : _RUMBLE_TAPS - 1 + length]
    return out


# Praat judges silence against the loudest sample of the whole sound, made for one utterance. In a recording of
# several (a talk with a quieter stretch, another person, a cough into the microphone), the quiet voice's softer
# frames, a low "um" among them, would fall under the silence threshold because of a sound elsewhere: silence is
# judged here against the loudest sound within a few seconds (a phrase or two of the same voice), and never against
# less than a tenth of the loudest of all, so that a long pause's noise does not become its own reference.
_SILENCE_REACH_S = 3.0
_SILENCE_FLOOR = 0.1


def _loudest_near(x: np.ndarray, mean: float, n: int, hop: int, win: int, global_peak: float, reach: int) -> np.ndarray:
    """Per frame, the largest ``|x - mean|`` within ``reach`` frames (to twice that) of it, at least
    ``_SILENCE_FLOOR`` of ``global_peak``; the samples a block at a time (podium.spool)."""
    hops = n + -(-win // hop)  # hops the frames cover
    per_hop = np.zeros(hops)
    block = hop * 4096
    for a in range(0, min(len(x), hops * hop), block):
        part = np.abs(np.asarray(x[a : a + block], dtype=np.float64) - mean)
        m = len(part) // hop
        first = a // hop
        per_hop[first : first + m] = part[: m * hop].reshape(m, hop).max(axis=1)
        if len(part) > m * hop and first + m < hops:
            per_hop[first + m] = part[m * hop :].max()
    span = -(-win // hop)
    frame = np.lib.stride_tricks.sliding_window_view(per_hop, span)[:n].max(axis=1)
    blocks = -(-n // reach)
    bm = np.pad(frame, (0, blocks * reach - n)).reshape(blocks, reach).max(axis=1)  # each block's loudest
    wide = np.maximum(bm, np.maximum(np.concatenate([[0.0], bm[:-1]]), np.concatenate([bm[1:], [0.0]])))
    out: np.ndarray = np.maximum(np.repeat(wide, reach)[:n], _SILENCE_FLOOR * global_peak)
    return out


def _mean_min_max(x: np.ndarray, block: int = 1 << 20) -> tuple[float, float, float]:
    """Mean, min and max of the samples; a long talk's a block at a time (it lives on disk, podium.spool)."""
    if not isinstance(x, Spooled):
        return float(x.mean(dtype=np.float64)), float(np.min(x)), float(np.max(x))
    total, lo, hi = 0.0, np.inf, -np.inf
    for a in range(0, len(x), block):
        part = x[a : a + block]
        total += float(part.sum(dtype=np.float64))
        lo, hi = min(lo, float(part.min())), max(hi, float(part.max()))
    return total / len(x), lo, hi


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


class _Viterbi:
    """Best path through candidates, fed a batch of frames at a time; column 0 is the unvoiced candidate.

    Only the back-pointers (one byte per candidate and frame) are kept for the whole talk.
    """

    def __init__(self, n: int, m: int, jump_cost: float, vu_cost: float) -> None:
        self.back = np.zeros((n, m), dtype=np.int8 if m <= 127 else np.int32)
        self.jump_cost, self.vu_cost = jump_cost, vu_cost
        self.score: np.ndarray | None = None
        self.last: tuple[np.ndarray, np.ndarray] | None = None  # log-frequencies and voicing of the previous frame
        self.i = 0

    def feed(self, freq: np.ndarray, strength: np.ndarray) -> None:
        logf, voiced = np.log2(np.where(freq > 0, freq, 1.0)), freq > 0
        if self.last is not None:  # the frame before this batch comes first
            logf, voiced = np.vstack([self.last[0][None], logf]), np.vstack([self.last[1][None], voiced])
        # the transition costs of the whole batch at once, from each frame's candidates (rows) to the next's
        lp, vp, lc, vc = logf[:-1, :, None], voiced[:-1, :, None], logf[1:, None, :], voiced[1:, None, :]
        costs = np.where(vp & vc, self.jump_cost * np.abs(lp - lc), np.where(vp ^ vc, self.vu_cost, 0.0))
        self.last = (logf[-1], voiced[-1])
        first = 0
        if self.score is None:  # the first frame starts the path: costs[j] is always the way into frame j
            self.score, first, self.i = strength[0].copy(), 1, 1
            costs = np.vstack([np.zeros((1, *costs.shape[1:])), costs])
        score, back, cols = self.score, self.back, np.arange(freq.shape[1])
        for j in range(first, len(freq)):
            total = score[:, None] - costs[j]
            best = total.argmax(axis=0)
            back[self.i] = best
            score = total[best, cols] + strength[j]
            self.i += 1
        self.score = score

    def path(self) -> np.ndarray:
        assert self.score is not None
        n = self.i
        path = np.zeros(n, dtype=np.int64)
        path[-1] = int(np.argmax(self.score))
        for i in range(n - 1, 0, -1):
            path[i - 1] = self.back[i, path[i]]
        return path
