"""How it was said: pauses, pace, pitch and loudness.

Pauses come from the audio, not from word timestamps (Whisper's word ends
are loose by a few hundred milliseconds): a frame is silent when the
voice-activity detector (Silero, trained, robust to noise) hears no speech
there, or when its level is close to the recording's own noise floor (which
catches short silences the detector bridges), and it is not inside a filled
pause found in the sound. A pause is a silent run of at
least ``pause_min_s`` between the first and the last word. Pitch comes
from ``podium.pitch``; loudness from 50 ms RMS frames over speech only.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence

import numpy as np

from . import pitch as pitch_mod
from .fillers import is_non_lexical
from .options import VoiceOptions
from .types import Audio, Loudness, PaceWindow, Pause, Pitch, Rise, Span, Transcript, Voice, Word

__all__ = ["frame_levels", "measure", "silent_frames"]

_HOP_S = 0.01
_WIN_S = 0.025


def measure(
    audio: Audio,
    transcript: Transcript,
    options: VoiceOptions | None = None,
    *,
    track: pitch_mod.PitchTrack | None = None,
) -> Voice:
    """Measure pauses, pace, pitch and loudness of ``audio``.

    Args:
        audio: 16 kHz mono audio.
        transcript: words with times (fillers marked).
        options: thresholds.
        track: a pitch track of ``audio`` computed earlier with the same
            ``fmin_hz``/``fmax_hz``, to avoid computing it twice.

    Returns:
        A :class:`Voice`; with ``skipped_reason`` when no word was recognised.
    """
    options = options or VoiceOptions()
    words = list(transcript.words)
    if track is None:
        track = pitch_mod.track(audio.samples, audio.sr, fmin=options.fmin_hz, fmax=options.fmax_hz)
    if not words:
        return Voice(
            None,
            None,
            None,
            0.0,
            (),
            (),
            Pitch(None, None, None, 0.0),
            Loudness(None, None),
            skipped_reason="no speech recognised",
        )
    levels = frame_levels(audio)
    times = np.arange(levels.size) * _HOP_S
    silent = silent_frames(levels) | ~_speech_mask(times, transcript.speech_spans)
    # a filled pause found in the sound is the voice held, not a silence, even where the voice-activity detector
    # heard no speech (it often hears none in a hummed "mmm" or an um's quiet murmur): a pause may sit next to it,
    # never on it
    silent &= ~_speech_mask(times, [Span(w.start, w.end) for w in words if w.source == "recovered"])
    # and so is a voiced frame inside a filler the recogniser wrote (a quiet hum sits near the noise floor: mfa_uhum's
    # two "hmm"s made one 2.5 s "long pause"); its times are loose, so its unvoiced frames may still be a pause
    written = _speech_mask(
        times, [Span(w.start, w.end) for w in words if is_non_lexical(w) and w.source != "recovered"]
    )
    silent &= ~(written & _voiced_at(track, times))
    t0, t1 = words[0].start, words[-1].end
    pauses = _pauses(silent, words, t0, t1, options)
    span = max(1e-6, t1 - t0)
    speaking = max(1e-6, span - sum(p.duration for p in pauses if p.long))
    talking = max(1e-6, span - sum(p.duration for p in pauses))
    n_words = sum(1 for w in words if not is_non_lexical(w))
    lo, hi = int(t0 / _HOP_S), int(np.ceil(t1 / _HOP_S))
    speech = _speech_mask(track.times, transcript.speech_spans or (Span(t0, t1),))
    return Voice(
        wpm=round(60 * n_words / speaking, 1),
        wpm_overall=round(60 * n_words / audio.duration_s, 1) if audio.duration_s else None,
        articulation_wpm=round(60 * n_words / talking, 1),
        speaking_time_s=round(speaking, 2),
        pauses=tuple(pauses),
        pace_timeline=tuple(_pace_timeline(words, t0, t1, options)),
        pitch=_pitch(track, speech, options),
        loudness=_loudness(levels, silent, lo, hi, options),
        contour=_contour(track, levels, audio.duration_s, options.contour_step_s),
        sentence_ends=_sentence_ends(track, words),
    )


def _sentence_ends(track: pitch_mod.PitchTrack, words: list[Word], last_s: float = 0.6) -> tuple[Rise, ...]:
    """The pitch movement over the last word (at most its last ``last_s``) of each sentence, a word ending in
    ". ! ?": the median F0 of its last third against its first third, in semitones. A rise at the end of a
    statement is uptalk (a high rising terminal); at the end of a question it is expected."""
    out = []
    for w in words:
        text = w.text.rstrip("\"')")
        if not text.endswith((".", "!", "?")) or is_non_lexical(w):
            continue
        a = max(w.start, w.end - last_s)
        f0 = track.f0[(track.times >= a) & (track.times <= w.end) & (track.f0 > 0)]
        if f0.size < 6:  # under ~60 ms voiced: no contour to read
            continue
        third = f0.size // 3
        rise = 12 * np.log2(float(np.median(f0[-third:])) / float(np.median(f0[:third])))
        if abs(rise) > 12:  # more than an octave within one word: a tracking slip, not intonation
            continue
        out.append(Rise(round(a, 2), round(w.end, 2), round(float(rise), 2), text.endswith("?")))
    return tuple(out)


def frame_levels(audio: Audio) -> np.ndarray:
    """RMS level in dBFS of 25 ms frames every 10 ms, frame ``i`` centred at ``i * 0.01`` s."""
    x = audio.samples
    hop, win = int(_HOP_S * audio.sr), int(_WIN_S * audio.sr)
    n = int(np.ceil(len(x) / hop))
    energy = np.empty(n)
    block = 1 << 12  # frames at a time (41 s): float64 squares of a whole long talk would not fit in a small machine
    for f0 in range(0, n, block):
        f1 = min(n, f0 + block)
        a = f0 * hop - win // 2  # sample where frame f0 starts, in the recording's own time
        seg = np.zeros((f1 - f0 - 1) * hop + win)
        lo, hi = max(0, a), min(len(x), a + len(seg))
        if hi > lo:
            seg[lo - a : hi - a] = x[lo:hi]
        sq = np.concatenate([[0.0], np.cumsum(seg**2)])
        starts = np.arange(f1 - f0) * hop
        energy[f0:f1] = (sq[starts + win] - sq[starts]) / win
    db: np.ndarray = 10 * np.log10(np.maximum(energy, 1e-12))
    return db


def silent_frames(levels: np.ndarray) -> np.ndarray:
    """Frames close to the noise floor.

    The floor is the 5th percentile level and the speech level the 95th;
    a frame is silent when it is under ``floor + max(6 dB, 25 % of the range)``.
    Relative thresholds keep this working for quiet and loud recordings alike.
    When the two are within 10 dB the recording holds (almost) no silence to
    learn the floor from, and only frames under -60 dBFS count as silent.
    """
    if levels.size == 0:
        return np.zeros(0, dtype=bool)
    floor, top = np.percentile(levels, 5), np.percentile(levels, 95)
    if top - floor < 10.0:
        silent: np.ndarray = levels < -60.0
        return silent
    quiet: np.ndarray = levels < floor + max(6.0, 0.25 * (top - floor))
    return quiet


def _pauses(silent: np.ndarray, words: Sequence[Word], t0: float, t1: float, options: VoiceOptions) -> list[Pause]:
    timeline = _Timeline(sorted(words, key=lambda w: (w.start, w.end)))
    out = []
    lo, hi = int(t0 / _HOP_S), min(len(silent), int(np.ceil(t1 / _HOP_S)))
    for a, b in _runs(silent[lo:hi], bridge=2):
        start, end = (lo + a) * _HOP_S, (lo + b) * _HOP_S
        if end - start >= options.pause_min_s:
            where = _position(timeline, start, end)
            out.append(Pause(round(start, 2), round(end, 2), end - start >= options.long_pause_s, where))
    return out


def _runs(mask: np.ndarray, bridge: int = 0) -> list[tuple[int, int]]:
    """[start, end) of True runs, joining runs separated by ``bridge`` frames or fewer."""
    idx = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    out: list[list[int]] = []
    for a, b in zip(idx[::2].tolist(), idx[1::2].tolist(), strict=True):
        if out and a - out[-1][1] <= bridge:
            out[-1][1] = b
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


class _Timeline:
    """The words (in time order) with their starts and the running maximum of their ends, so that a pause's
    neighbours are found by bisection: a scan of every word for every pause took 14 s on a 3-hour talk."""

    def __init__(self, words: Sequence[Word]) -> None:
        self.words = words
        self.starts = [w.start for w in words]
        self.ends_max = list(itertools.accumulate((w.end for w in words), max))

    def around(self, start: float, end: float) -> tuple[Word | None, Word | None]:
        """The last word starting before ``start`` (+50 ms), and the first whose end is past ``end`` (-50 ms): the
        first index where the running maximum of the ends passes it."""
        i = bisect.bisect_left(self.starts, start + 0.05)
        j = bisect.bisect_right(self.ends_max, end - 0.05)
        return (self.words[i - 1] if i > 0 else None), (self.words[j] if j < len(self.words) else None)


def _position(words: _Timeline, start: float, end: float) -> str:
    """Where a pause falls: after a sentence, a phrase, next to a filler, or mid-phrase."""
    prev, nxt = words.around(start, end)
    if (prev is not None and is_non_lexical(prev)) or (nxt is not None and is_non_lexical(nxt)):
        return "filler"
    if prev is None or re.search(r"[.?!\u2026]$", prev.text):
        return "sentence"
    if re.search(r"[,;:\u2014-]$", prev.text):
        return "phrase"
    return "mid"


def _pace_timeline(words: Sequence[Word], t0: float, t1: float, options: VoiceOptions) -> list[PaceWindow]:
    """Words per minute in windows of ``pace_window_s`` every ``pace_step_s`` over the speech."""
    mids = np.array([(w.start + w.end) / 2 for w in words if not is_non_lexical(w)])
    win, step = options.pace_window_s, options.pace_step_s
    if t1 - t0 <= win:
        n = len(mids)
        return [PaceWindow(round(t0, 2), round(t1, 2), round(60 * n / max(t1 - t0, 1e-6), 1), n)]
    out: list[PaceWindow] = []
    start = t0
    while start + win <= t1 + 1e-9 or not out:
        end = min(start + win, t1)
        n = int(np.sum((mids >= start) & (mids < end)))
        out.append(PaceWindow(round(start, 2), round(end, 2), round(60 * n / (end - start), 1), n))
        start += step
    if out[-1].end < t1 - 1e-6:  # the last window ends with the speech
        start = t1 - win
        n = int(np.sum((mids >= start) & (mids <= t1)))
        out.append(PaceWindow(round(start, 2), round(t1, 2), round(60 * n / win, 1), n))
    return out


def _voiced_at(track: pitch_mod.PitchTrack, times: np.ndarray) -> np.ndarray:
    """Whether the first pitch-track frame centred at or after each of ``times`` (within one hop) is voiced."""
    if len(track.times) == 0:
        return np.zeros(len(times), dtype=bool)
    i = np.clip(np.searchsorted(track.times, times), 0, len(track.times) - 1)
    voiced: np.ndarray = track.f0[i] > 0
    return voiced


def _speech_mask(times: np.ndarray, spans: Sequence[Span]) -> np.ndarray:
    """Frames at ``times`` (ascending) inside any of ``spans``: one pass, however many spans a long talk has."""
    spans = [s for s in spans if s.end > s.start]
    inside = np.zeros(len(times) + 1, dtype=np.int64)
    np.add.at(inside, np.searchsorted(times, [s.start for s in spans]), 1)
    np.add.at(inside, np.searchsorted(times, [s.end for s in spans]), -1)
    mask: np.ndarray = np.cumsum(inside[:-1]) > 0
    return mask


def _semitones(f0: np.ndarray, ref: float) -> np.ndarray:
    return 12 * np.log2(f0 / ref)


def _pitch(track: pitch_mod.PitchTrack, speech: np.ndarray, options: VoiceOptions) -> Pitch:
    voiced = track.voiced & speech
    n_speech = int(speech.sum())
    if voiced.sum() < 10:
        return Pitch(None, None, None, round(float(voiced.sum()) / max(n_speech, 1), 3))
    f0 = track.f0[voiced]
    med = float(np.median(f0))
    st = _semitones(f0, med)
    typical = st[np.abs(st) <= 12]  # frames an octave or more away are mostly tracking slips
    return Pitch(
        median_hz=round(med, 1),
        variation_st=round(1.4826 * float(np.median(np.abs(st))), 2),
        range_st=round(float(np.percentile(typical, 95) - np.percentile(typical, 5)), 2),
        voiced_ratio=round(float(voiced.sum()) / max(n_speech, 1), 3),
        monotone_spans=tuple(_monotone(track, voiced, med, options)),
    )


def _monotone(track: pitch_mod.PitchTrack, voiced: np.ndarray, med: float, options: VoiceOptions) -> list[Span]:
    """Windows whose F0 spread stays under ``monotone_st``, merged where they overlap."""
    if track.times.size < 2:
        return []
    hop = float(track.times[1] - track.times[0])
    win = max(1, int(options.monotone_window_s / hop))
    step = max(1, win // 2)
    min_voiced = int(0.2 * win)  # at least 20 % voiced: a window of silence is not monotone
    spans: list[Span] = []
    for a in range(0, max(1, len(track.times) - win + 1), step):
        v = voiced[a : a + win]
        if v.sum() < min_voiced:
            continue
        st = _semitones(track.f0[a : a + win][v], med)
        if 1.4826 * float(np.median(np.abs(st - np.median(st)))) < options.monotone_st:
            s = Span(round(float(track.times[a]), 2), round(float(track.times[min(a + win, len(track.times)) - 1]), 2))
            if spans and s.start <= spans[-1].end:
                spans[-1] = Span(spans[-1].start, s.end)
            else:
                spans.append(s)
    return spans


def _contour(
    track: pitch_mod.PitchTrack, levels: np.ndarray, duration: float, step: float
) -> tuple[tuple[float, float | None, float], ...]:
    """Median voiced F0 and mean level per ``step`` seconds, for charts."""
    n = max(1, int(np.ceil(duration / step)))
    edges = np.arange(n + 1) * step
    fcut = np.searchsorted(track.times, edges)  # frames are in time order
    lcut = np.searchsorted(np.arange(levels.size) * _HOP_S, edges)
    out = []
    for k in range(n):
        seg = track.f0[fcut[k] : fcut[k + 1]]
        seg = seg[seg > 0]
        lv = levels[lcut[k] : lcut[k + 1]]
        level = round(float(lv.mean()), 1) if lv.size else -120.0
        out.append((round(k * step, 2), round(float(np.median(seg)), 1) if seg.size >= 3 else None, level))
    return tuple(out)


def _loudness(levels: np.ndarray, silent: np.ndarray, lo: int, hi: int, options: VoiceOptions) -> Loudness:
    """Level of speech frames (silence excluded) and stretches well under the median."""
    seg, sil = levels[lo:hi], silent[lo:hi]
    voiced_levels = seg[~sil]
    if voiced_levels.size < 10:
        return Loudness(None, None)
    med = float(np.median(voiced_levels))
    spread = 1.4826 * float(np.median(np.abs(voiced_levels - med)))
    # mean level of the speech frames within 1 s around each frame
    k = int(1.0 / _HOP_S)
    vals = np.where(sil, 0.0, seg)
    cnt = (~sil).astype(np.float64)
    csum = np.concatenate([[0.0], np.cumsum(vals)])
    ccnt = np.concatenate([[0.0], np.cumsum(cnt)])
    i = np.arange(len(seg))
    a_, b_ = np.clip(i - k // 2, 0, len(seg)), np.clip(i + k // 2, 0, len(seg))
    n = ccnt[b_] - ccnt[a_]
    smooth = np.where(n >= k // 4, (csum[b_] - csum[a_]) / np.maximum(n, 1), np.nan)
    quiet = np.nan_to_num(smooth, nan=np.inf) < med - options.quiet_db
    spans = []
    for a, b in _runs(quiet):
        if (b - a) * _HOP_S >= options.quiet_min_s:
            spans.append(Span(round((lo + a) * _HOP_S, 2), round((lo + b) * _HOP_S, 2)))
    return Loudness(round(med, 1), round(spread, 1), tuple(spans))
