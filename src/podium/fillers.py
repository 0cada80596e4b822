"""Fillers: kept verbatim, judged in context, recovered from the audio.

Two jobs, both part of the speech stage:

``mark(words)``
    flags each word that is a filler *in context*. Non-lexical fillers (um,
    uh, er, ah, hm) always are; lexical ones only where they do no work in
    the sentence: "like" in "it was, like, huge" but not in "it is like
    putty" or "I like it"; "you know" in "we're just, you know, there" but
    not in "do you know the answer"; "so" opening a clause but not "so much".

``recover(audio, words, speech_spans)``
    finds filled pauses the recogniser left out or garbled. A filled pause
    is a stretch of steady voicing: voiced, flat in pitch, 0.2-2 s long,
    inside speech the voice-activity detector heard, at the speaker's usual
    pitch, and covered by no recognised word (DESIGN.md section 4: uncovered
    VAD speech is only a *candidate*; laughter, breaths and timestamp slop
    leave gaps too, so each candidate is classified). The same evidence
    also corrects runs where Whisper writes more "uh" than were said.

``count(words)`` counts fillers by kind, a two-word filler once.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from . import pitch
from .types import Audio, Span, Word

__all__ = ["NON_LEXICAL", "count", "is_non_lexical", "mark", "normalize", "occurrences", "recover"]

#: spelling -> kind for fillers that are never words
NON_LEXICAL = {
    "um": "um", "umm": "um", "ummm": "um", "uhm": "um", "erm": "um", "mm": "um", "mmm": "um",
    "uh": "uh", "uhh": "uh", "uhhh": "uh", "er": "er", "err": "er",
    "ah": "ah", "ahh": "ah", "eh": "uh",
    "hm": "hm", "hmm": "hm", "hmmm": "hm",
}  # fmt: skip

_AUX = {"do", "did", "does", "don't", "didn't", "doesn't", "if", "would", "could", "should", "will",
        "can", "as", "what", "how", "whether", "that", "who", "which", "when", "where", "why",
        "i", "to", "you", "we", "they", "he", "she"}  # fmt: skip
_LIKE_VERB = {"i", "you", "we", "they", "he", "she", "would", "wouldn't", "don't", "do", "does", "did",
              "didn't", "doesn't", "to", "really", "also", "might", "may", "will", "who", "people",
              "i'd", "we'd", "you'd", "they'd", "i'll", "we'll", "you'll", "they'll", "not", "i'm"}  # fmt: skip
_LIKE_COMPARE = {"is", "are", "was", "were", "be", "been", "being", "it's", "that's", "he's", "she's",
                 "they're", "we're", "you're", "look", "looks", "looked", "looking", "sound", "sounds",
                 "sounded", "feel", "feels", "felt", "feeling", "seem", "seems", "seemed", "something",
                 "anything", "nothing", "everything", "exactly", "more", "much", "things", "stuff",
                 "act", "acts", "acted", "taste", "tastes", "smell", "smells", "just", "little", "bit"}  # fmt: skip
_INTENSIFIERS = {"really", "so", "totally", "super", "very", "literally", "actually", "basically", "completely"}
_DETERMINERS = {"a", "an", "the", "my", "your", "his", "her", "our", "their", "this", "that", "these", "those"}
_KIND_OF_NOUN = {"what", "which", "this", "that", "the", "a", "any", "some", "every", "one", "same",
                 "different", "another", "no", "these", "those", "all", "my", "your", "our", "their",
                 "his", "her"}  # fmt: skip
_SO_NOT = {"that", "much", "many", "far", "long", "few", "little", "on", "forth", "called", "to", "as", "well"}
_CLAUSE_OPENERS = {"and", "but", "or", "because", "then", "anyway"}
_TWO_WORD = {"you know", "i mean", "kind of", "sort of"}
_PAUSE_S = 0.3  # a silence this long sets a word off like a comma


def normalize(text: str) -> str:
    """Lower case, without surrounding punctuation ("Um," -> "um")."""
    return re.sub(r"^[^\w']+|[^\w']+$", "", text.lower().replace("\u2019", "'"))


def _ends_clause(w: Word) -> bool:
    return bool(re.search(r"[,.;:!?\u2026-]$", w.text))


def mark(words: Sequence[Word]) -> list[Word]:
    """Return ``words`` with ``filler`` and ``filler_kind`` set from context."""
    toks = [normalize(w.text) for w in words]
    out = [replace(w, filler=False, filler_kind=None) for w in words]
    i = 0
    while i < len(words):
        kind = _judge(i, toks, words)
        span = 2 if kind in _TWO_WORD and i + 1 < len(toks) and toks[i + 1] == kind.split()[-1] else 1
        if kind is not None:
            for j in range(i, min(i + span, len(words))):
                out[j] = replace(out[j], filler=True, filler_kind=kind)
        i += span if kind is not None else 1
    return out


def _judge(i: int, toks: list[str], words: Sequence[Word]) -> str | None:
    tok = toks[i]
    prev = toks[i - 1] if i > 0 else ""
    nxt = toks[i + 1] if i + 1 < len(toks) else ""
    if tok in NON_LEXICAL:
        return NON_LEXICAL[tok]
    opens = _opens_clause(i, words, toks)
    if tok in ("yknow", "y'know", "ya'know"):
        return "you know"
    if tok == "you" and nxt == "know" and prev not in _AUX:
        if _set_off(i + 1, words, toks):
            return "you know"
        return None
    if tok == "i" and nxt == "mean" and prev not in {"what", "that", "which", "do", "don't", "did", "didn't"}:
        return "i mean" if _set_off(i + 1, words, toks) else None
    if tok == "like":
        return "like" if _like_is_filler(i, words, toks) else None
    if tok in ("kind", "sort") and nxt == "of" and prev not in _KIND_OF_NOUN:
        return f"{tok} of"
    if tok in ("kinda", "sorta") and prev not in _KIND_OF_NOUN:
        return tok
    if tok in ("basically", "actually", "literally"):
        return tok if opens or _set_off(i, words, toks) else None
    if tok == "so" and _opens_sentence(i, words, toks) and nxt not in _SO_NOT:
        return "so"
    if (
        tok == "right"
        and words[i].text.rstrip().endswith("?")
        and prev not in {"the", "to", "your", "my", "on", "turn", "all"}
    ):
        return "right?"
    return None


def _opens_clause(i: int, words: Sequence[Word], toks: list[str]) -> bool:
    """True at the start, after a sentence end or comma, a long pause, a filler or a conjunction."""
    if i == 0:
        return True
    p = words[i - 1]
    if _ends_clause(p) or words[i].start - p.end >= _PAUSE_S or toks[i - 1] in NON_LEXICAL:
        return True
    return toks[i - 1] in _CLAUSE_OPENERS and (i == 1 or _ends_clause(words[i - 2]) or toks[i - 2] in NON_LEXICAL)


def _opens_sentence(i: int, words: Sequence[Word], toks: list[str]) -> bool:
    """True at the start, after ``.?!``, after a long pause or after a filler (not after "and")."""
    if i == 0:
        return True
    p = words[i - 1]
    return (
        bool(re.search(r"[.?!\u2026]$", p.text)) or words[i].start - p.end >= 2 * _PAUSE_S or toks[i - 1] in NON_LEXICAL
    )


def _set_off(i: int, words: Sequence[Word], toks: list[str]) -> bool:
    """True when word ``i`` is followed by punctuation, a pause, a filler, or ends the talk."""
    if i + 1 >= len(words):
        return True
    return _ends_clause(words[i]) or words[i + 1].start - words[i].end >= _PAUSE_S or toks[i + 1] in NON_LEXICAL


def _like_is_filler(i: int, words: Sequence[Word], toks: list[str]) -> bool:
    prev = toks[i - 1] if i > 0 else ""
    nxt = toks[i + 1] if i + 1 < len(toks) else ""
    if prev in _LIKE_VERB or prev in ("feel", "feels", "felt", "would", "looks", "look", "sounds", "seems"):
        return False  # "I like it", "feels like home"
    if nxt in NON_LEXICAL or nxt in _INTENSIFIERS:
        return True  # "it was like, um, ..." / "like really big"
    if prev in _LIKE_COMPARE:
        # "it is like putty", "something like that". Without a grammar model
        # "was, like, huge" looks the same (and Whisper's commas are no help),
        # so here a missed filler is preferred to a false one.
        return False
    if nxt in _DETERMINERS and not _ends_clause(words[i]):
        return False  # "like the previous speaker said", "like this"
    return True


def is_non_lexical(w: Word) -> bool:
    """True for a filler that is never a word ("um", "uh", "er", "ah", "hm"), whatever its spelling."""
    return normalize(w.text) in NON_LEXICAL


def occurrences(words: Sequence[Word]) -> list[tuple[float, float, str]]:
    """``(start, end, kind)`` per filler said; a two-word filler ("you know") once, spanning both words."""
    out: list[tuple[float, float, str]] = []
    prev_kind: str | None = None
    for w in words:
        kind = w.filler_kind if w.filler else None
        if kind is not None:
            if kind in _TWO_WORD and kind == prev_kind and _second_word(w, kind):
                out[-1] = (out[-1][0], w.end, kind)
            else:
                out.append((w.start, w.end, kind))
        prev_kind = kind
    return out


def count(words: Sequence[Word]) -> Counter[str]:
    """Fillers by kind; a two-word filler ("you know") counts once."""
    return Counter(kind for _, _, kind in occurrences(words))


def _second_word(w: Word, kind: str) -> bool:
    return normalize(w.text) == kind.split()[-1]


# ---------------------------------------------------------------------------
# recovery of filled pauses from the audio


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
