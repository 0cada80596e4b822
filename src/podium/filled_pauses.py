"""Filled pauses recovered from the sound: the ones the recogniser left out or garbled.

A filled pause is a stretch of steady voicing: voiced, flat in pitch, 0.2-2 s
long, inside speech the voice-activity detector heard, at the speaker's usual
pitch, and covered by no recognised word (DESIGN.md section 4: uncovered VAD
speech is only a *candidate*; laughter, breaths and timestamp slop leave gaps
too, so each candidate is classified). The same evidence also corrects runs
where Whisper writes more "uh" than were said.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from . import pitch
from .fillers import NON_LEXICAL, normalize
from .types import Audio, Span, Word

__all__ = ["recover"]


@dataclass(frozen=True)
class _Voiced:
    start: float
    end: float
    f0_hz: float
    spread_st: float
    slope_st_s: float
    strength: float
    usual_pitch: bool
    nasal_end: bool


_MIN_BURST_S = 0.12  # a quick "uh" in a run of them
_MIN_S, _MAX_S = 0.2, 2.0  # filled pauses last 150-800 ms typically; drawn-out "uhhh" longer
_MAX_SPREAD_ST = 1.0  # flat pitch: robust SD of F0 within the stretch
_MAX_SLOPE_ST_S = 8.0  # and no glide
_MIN_STRENGTH = 0.6  # clearly periodic
_MAX_COVER = 0.25  # share of the stretch a non-filler word may overlap
_F0_RANGE = (0.6, 1.25)  # relative to the speaker's median F0: filled pauses sit low


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
    lexical = _with_min_extent([w for w in words if normalize(w.text) not in NON_LEXICAL])
    n = int(np.ceil(audio.duration_s / _GRID_S)) + 1
    in_speech, in_words = _mask(speech_spans, n), _mask(lexical, n)
    bursts = [
        v for v in _voiced_stretches(track, audio) if _share(v, in_speech) >= 0.5 and _share(v, in_words) <= _MAX_COVER
    ]
    out, claimed = _fit_runs(words, bursts, audio.duration_s)
    for v in bursts:
        if v in claimed or not _is_filled_pause(v) or not _between_words(v, lexical):
            continue
        conf = round(min(1.0, v.strength), 4)
        out.append(Word("um" if v.nasal_end else "uh", round(v.start, 3), round(v.end, 3), conf, source="recovered"))
    out.sort(key=lambda w: (w.start, w.end))
    return out


def _fit_runs(words: Sequence[Word], bursts: list[_Voiced], duration: float) -> tuple[list[Word], set[_Voiced]]:
    """Give each run of recognised um/uh the voiced bursts between its neighbours.

    Whisper sometimes writes more "uh" than were said, with made-up times: when
    the bursts between the two lexical words around a run are fewer than the
    run, the run is cut to their number; each kept filler takes a burst's
    times. Where no burst is found the run is kept as written: a filler said
    without a break in the voice leaves no separate burst to find.
    Bursts inside a run's gap are claimed by it and never added again.
    """
    out: list[Word] = []
    claimed: set[_Voiced] = set()
    i = 0
    while i < len(words):
        if normalize(words[i].text) not in NON_LEXICAL:
            out.append(words[i])
            i += 1
            continue
        j = i
        while j < len(words) and normalize(words[j].text) in NON_LEXICAL:
            j += 1
        lo = words[i - 1].end if i > 0 else 0.0
        hi = words[j].start if j < len(words) else duration
        inside = [v for v in bursts if v.end > lo - 0.1 and v.start < hi + 0.1 and v.end - v.start >= _MIN_BURST_S]
        claimed.update(inside)
        run = list(words[i:j])
        if inside and len(inside) < len(run):
            run = run[: len(inside)]
        for n, w in enumerate(run):
            if n < len(inside):
                w = replace(w, start=round(inside[n].start, 3), end=round(inside[n].end, 3))
            out.append(w)
        i = j
    return out, claimed


def _with_min_extent(words: list[Word], min_s: float = 0.1, reach_s: float = 0.4) -> list[Word]:
    """Stretch words Whisper timed as (near) instants back toward the previous word.

    Whisper sometimes gives a word zero duration at its end time; the sound it
    stands for lies just before, and must not pass for an uncovered filler.
    """
    out = []
    prev_end = 0.0
    for w in words:
        if w.end - w.start < min_s:
            w = replace(w, start=max(prev_end, min(w.start, w.end - reach_s)))
        out.append(w)
        prev_end = max(prev_end, w.end)
    return out


def _is_filled_pause(v: _Voiced) -> bool:
    return (
        _MIN_S <= v.end - v.start <= _MAX_S
        and v.spread_st <= _MAX_SPREAD_ST
        and abs(v.slope_st_s) <= _MAX_SLOPE_ST_S
        and v.strength >= _MIN_STRENGTH
        and v.usual_pitch
    )


def _between_words(v: _Voiced, words: Sequence[Word], reach_s: float = 3.0) -> bool:
    """A filled pause sits between words; before the first word, timestamps are too loose to tell."""
    before = any(v.start - reach_s <= w.end <= v.start + 0.1 for w in words)
    after = any(v.end - 0.1 <= w.start <= v.end + reach_s for w in words)
    return before and after


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


def _voiced_stretches(track: pitch.PitchTrack, audio: Audio) -> list[_Voiced]:
    """Runs of voiced frames, split where loudness dips, with their pitch statistics."""
    voiced = track.voiced
    if track.f0.size < 2 or voiced.sum() < 10:
        return []
    speaker_f0 = float(np.median(track.f0[voiced]))
    hop = float(track.times[1] - track.times[0])
    out = []
    for a, b in _runs(voiced, bridge=3):
        for a2, b2 in _split_at_dips(track.level_db, a, b):
            f0 = track.f0[a2:b2]
            f0 = f0[f0 > 0]
            if len(f0) < 3:
                continue
            start, end = float(track.times[a2] - hop / 2), float(track.times[b2 - 1] + hop / 2)
            med = float(np.median(f0))
            st = 12 * np.log2(f0 / med)
            keep = np.abs(st) < 2.0  # octave slips are not glides
            t = np.arange(len(st))[keep] * hop
            out.append(
                _Voiced(
                    start=start,
                    end=end,
                    f0_hz=med,
                    spread_st=1.4826 * float(np.median(np.abs(st))),
                    slope_st_s=float(np.polyfit(t, st[keep], 1)[0]) if keep.sum() >= 3 else 0.0,
                    strength=float(np.mean(track.strength[a2:b2])),
                    usual_pitch=_F0_RANGE[0] * speaker_f0 <= med <= _F0_RANGE[1] * speaker_f0,
                    nasal_end=_nasal_end(audio, start, end),
                )
            )
    return out


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
    """Split a voiced run where loudness dips ``dip_db`` under the peaks on both sides ("uh uh")."""
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


def _nasal_end(audio: Audio, start: float, end: float) -> bool:
    """True when the stretch ends in a nasal murmur ("um"): energy above 800 Hz falls away."""
    x = audio.samples[int(start * audio.sr) : int(end * audio.sr)]
    if len(x) < 5 * 160:
        return False
    n = len(x)
    mid, last = x[int(0.4 * n) : int(0.6 * n)], x[int(0.8 * n) :]
    return _high_share(last, audio.sr) < 0.5 * _high_share(mid, audio.sr)


def _high_share(x: np.ndarray, sr: int) -> float:
    spec = np.abs(np.fft.rfft(x * np.hanning(len(x)))) ** 2
    f = np.fft.rfftfreq(len(x), 1 / sr)
    total = spec[(f > 60) & (f < 4000)].sum()
    return float(spec[(f > 800) & (f < 4000)].sum() / total) if total > 0 else 0.0
