"""A development set for filled-pause detection, made at run time from the shared samples.

Real disfluent recordings with timed fillers are scarce, so the detector is
developed on material built here and never committed:

* **spliced**: real "um"/"uh" tokens cut from the *tuning* clips (the MFA
  recordings in ``speech_disfluent``; times in :data:`TOKENS`) are inserted
  mid-phrase, between two words and with no pause around them, into other
  speakers' read speech (``speech_clean``), with short crossfades, moved to
  the host's pitch (as high above the host's floor, its 10th-percentile F0,
  as above its own speaker's; duration kept) and set to the host's level
  -6 to +3 dB. The reference is the host's transcript with the filler at its
  place, and the filler's time.
* **negatives**: the same read speech with things that are *not* filled
  pauses but look like them: a word drawn out to two or three times its
  length ("the" said as "theee", a held "so"), a breath, a steady
  music-like tone and a hum, each where a filler could sit.
* **lengthened**: the same read speech with one function word's vowel held
  0.3-0.6 s, as a speaker hesitating on "the..." or "to..." holds it: no
  transcript writes a filler there, though a held schwa sounds like one.

``speech_disfluent_extra`` is not used here: it is kept out of tuning and
reported on its own (``bench/fillers_bench.py``).
"""

from __future__ import annotations

import difflib
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .. import align, media, pitch
from ..errors import InputError
from ..fillers import HELD_WORDS
from ..types import Audio, Word
from .events import Event
from .text import normalize

__all__ = [
    "FUNCTION_WORDS",
    "LENGTHENED_S",
    "SHORTER_S",
    "TOKENS",
    "Clip",
    "Token",
    "in_read_speech",
    "lengthened",
    "negatives",
    "noisy",
    "other_voices",
    "shortened",
    "shorter",
    "spliced",
    "stretch",
    "sustained",
    "to_pitch",
]

SR = 16000


@dataclass(frozen=True)
class Token:
    """A filled pause in a tuning clip: file under the samples folder, kind, start and end (s)."""

    file: str
    kind: str
    start: float
    end: float


#: Fillers in the tuning clips, timed on the voiced stretch (pitch track) that the
#: reference transcript places there; mfa_acoustic_corpus's from its TextGrid.
TOKENS = (
    Token("speech_disfluent/mfa_uh.flac", "uh", 2.35, 3.65),
    Token("speech_disfluent/mfa_um.flac", "um", 3.81, 4.62),
    Token("speech_disfluent/mfa_uhuh.flac", "uh", 1.43, 1.58),
    Token("speech_disfluent/mfa_uhuh.flac", "uh", 1.92, 2.06),
    Token("speech_disfluent/mfa_uhuh.flac", "uh", 2.62, 2.80),
    Token("speech_disfluent/mfa_uhuh.flac", "uh", 3.25, 3.51),
    Token("speech_disfluent/mfa_uhuh.flac", "uh", 4.50, 5.26),
    Token("speech_disfluent/mfa_acoustic_corpus.wav", "um", 8.09, 8.56),
    Token("speech_disfluent/mfa_acoustic_corpus.wav", "uh", 14.56, 15.21),
    Token("speech_disfluent/mfa_acoustic_corpus.wav", "um", 22.98, 23.52),
)


@dataclass(frozen=True)
class Clip:
    """One development recording."""

    name: str
    group: str  # "spliced", "shorter-<length>s" (as "shorter-0.3s") or "negative"
    samples: np.ndarray
    reference: str
    fillers: tuple[Event, ...]


Transcriber = Callable[[np.ndarray], Sequence[Word]]
"""Times the words of clean 16 kHz speech (the recogniser, without filler recovery)."""
Aligner = Callable[[np.ndarray, Sequence[Word]], Sequence[Word | None]]
"""Each of the words of clean 16 kHz speech where its sound lies, None where that cannot be told."""


def spliced(samples_dir: Path, words_of: Transcriber, *, per_host: int = 3, seed: int = 0) -> list[Clip]:
    """Each clean clip with one or two tuning fillers inserted mid-phrase, ``per_host`` variants each."""
    rng = random.Random(seed)
    tokens = [(t, _cut(samples_dir, t)) for t in TOKENS]
    out = []
    for host_path, host, text, words, gaps, floor in _hosts_with_gaps(samples_dir, words_of):
        for v in range(per_host):
            n = 1 if len(gaps) < 6 or v % 2 == 0 else 2
            at = sorted(rng.sample(gaps, n))
            x, events, shift = host, [], 0
            plain = normalize(text)
            ref_words = list(plain)
            for inserted, (i, t) in enumerate(at):
                tok, sound = _moved_token(tokens, floor, rng)
                sound = _at_level(sound, host, rng)
                pos = int(t * SR) + shift
                x = _insert(x, sound, pos)
                events.append(Event(tok.kind, pos / SR, (pos + len(sound)) / SR))
                shift += len(sound)
                k = _ref_index(words, i, plain) + inserted
                ref_words.insert(k, tok.kind)
            out.append(
                Clip(f"{host_path.stem}+{v}", "spliced", x.astype(np.float32), " ".join(ref_words), tuple(events))
            )
    return out


#: Lengths the long tuning fillers are shortened to in :func:`shorter`: a filled pause in conversation is often
#: 0.2-0.5 s (Shriberg 2001), and the tuning clips hold long ones and quick "uh"s, little between.
SHORTER_S = (0.3, 0.45)


def shorter(
    samples_dir: Path, words_of: Transcriber, *, lengths: Sequence[float] = SHORTER_S, seed: int = 2
) -> list[Clip]:
    """Each clean clip with one long tuning filler (0.5 s or more), held for less (:func:`shortened`), mid-phrase:
    one clip per length in ``lengths``, in group ``shorter-<length>s``. Otherwise as :func:`spliced`."""
    rng = random.Random(seed)
    tokens = [(t, _cut(samples_dir, t)) for t in TOKENS if t.end - t.start >= 0.5]
    out = []
    for host_path, host, text, words, gaps, floor in _hosts_with_gaps(samples_dir, words_of):
        for length in lengths:
            tok, sound = _moved_token(tokens, floor, rng)
            sound = _at_level(shortened(sound, length), host, rng)
            i, t = rng.choice(gaps)
            pos = int(t * SR)
            ref_words = list(normalize(text))
            ref_words.insert(_ref_index(words, i, ref_words), tok.kind)
            out.append(
                Clip(
                    f"{host_path.stem}@{length:g}s",
                    f"shorter-{length:g}s",
                    _insert(host, sound, pos).astype(np.float32),
                    " ".join(ref_words),
                    (Event(tok.kind, pos / SR, (pos + len(sound)) / SR),),
                )
            )
    return out


def shortened(x: np.ndarray, seconds: float, join_s: float = 0.02, search_s: float = 0.01) -> np.ndarray:
    """A held vowel held for ``seconds`` instead: its start and end kept, the middle taken out, the two sides joined
    where their waveforms line up best (within ``search_s``) with a ``join_s`` crossfade. Saying "uhhh" shorter is
    holding it for less time; its onset and its ending (a nasal "m") stay as they were. Unlike :func:`stretch`,
    which cuts and joins every 30 ms, this joins once."""
    n, target, w = len(x), int(seconds * SR), int(join_s * SR)
    if target >= n:
        return x.copy()
    head = max(w, (target - w) // 2)
    tail_start = n - (target - head - w)  # where the kept end begins, before the search
    ref = x[head : head + w]
    best, shift = -np.inf, 0
    for k in range(-int(search_s * SR), int(search_s * SR) + 1):
        a = tail_start - w + k
        if a < head + w or a + w > n:
            continue
        seg = x[a : a + w]
        c = float(np.dot(ref, seg) / (np.linalg.norm(ref) * np.linalg.norm(seg) + 1e-12))
        if c > best:
            best, shift = c, k
    a = tail_start - w + shift
    ramp = np.linspace(0.0, 1.0, w)
    joined = x[head : head + w] * (1 - ramp) + x[a : a + w] * ramp
    return np.concatenate([x[:head], joined, x[a + w :]])


def negatives(samples_dir: Path, words_of: Transcriber, *, seed: int = 1) -> list[Clip]:
    """Clean clips with filler look-alikes: drawn-out words, a breath, a steady tone, a hummed tune, and the whole
    clip read slowly (1.5x its length, about 3 syllables a second: every vowel held longer)."""
    rng = random.Random(seed)
    out = []
    for host_path, host, text in _hosts(samples_dir):
        words = list(words_of(host))
        gaps = _word_boundaries(words)
        if len(words) < 4 or not gaps:
            continue
        # a drawn-out word: one of the middle words stretched to 2-3x its length, pitch kept
        w = rng.choice(words[1:-1])
        a, b = int(w.start * SR), int(w.end * SR)
        drawn = np.concatenate([host[:a], stretch(host[a:b], rng.uniform(2.0, 3.0)), host[b:]])
        out.append(Clip(f"{host_path.stem}~drawn-{w.text.strip('.,?!').lower()}", "negative", drawn, text, ()))
        _, t = rng.choice(gaps)
        level, f0 = _rms_speech(host), _median_f0(host)
        for kind, sound in (
            ("breath", _breath(rng) * level * 0.3),
            ("tone", _harmonic_tone(f0, 0.6, vibrato=0.0) * level),
            ("vibrato", _harmonic_tone(f0, 0.6, vibrato=0.3) * level),
            ("hum", _hummed_tune(f0, rng) * level * 0.6),
        ):
            out.append(Clip(f"{host_path.stem}~{kind}", "negative", _insert(host, sound, int(t * SR)), text, ()))
        out.append(Clip(f"{host_path.stem}~slow", "negative", stretch(host, 1.5), text, ()))
    return out


#: The words :func:`lengthened` holds: those a speaker holds while searching for the next one (``fillers.HELD_WORDS``)
FUNCTION_WORDS = HELD_WORDS
#: How long the held vowel of :func:`lengthened` lasts (s): a lengthened syllable in conversation.
LENGTHENED_S = (0.3, 0.6)


def lengthened(
    samples_dir: Path,
    words_of: Transcriber,
    *,
    per_host: int = 3,
    seed: int = 5,
    timed: Aligner | None = None,
    steadiest: bool = False,
) -> list[Clip]:
    """Clean clips with one function word's vowel held 0.3-0.6 s ("the" said "thuhhh", "to" said "tooo"), the rest
    of the word and of the clip as it was: group ``lengthened``. Unlike the drawn-out words of :func:`negatives`,
    which stretch a whole word, this holds only its nucleus, as a speaker who hesitates on a word does: its loudest
    voiced 60 ms inside it (:func:`_loudest`), or with ``steadiest`` (group ``lengthened-steady``) its steadiest
    (:func:`_nucleus`), the vowel's target rather than a glide into the next word's louder vowel ("we are": the
    loudest 60 ms of "we" are on their way to [a]). Two ways to find a nucleus, two sets of negatives: each has
    sounds the other does not (a nasal held, a glide held). Not a filler, and acoustically close to one: a held
    vowel, often a schwa, low and level; the reference is the host's transcript as it was.

    The word's sound is found by ``timed`` (by default :func:`_aligned`: a forced alignment of the recognised words),
    not by the recogniser's times: tiny.en times a short word up to 0.2 s late, over the next word's louder vowel
    ("of the true": its "the" over "true"), and holding that vowel after the word made "the, ooo", a word and
    then a vowel on its own, which is the sound of a word and a filler, not of a word held."""
    rng = random.Random(seed)
    seg_s, smooth = 0.06, 5
    timed = timed or _aligned
    group, tag = ("lengthened-steady", "steady") if steadiest else ("lengthened", "held")
    out = []
    for host_path, host, text in _hosts(samples_dir):
        heard = list(words_of(host))
        where = timed(host, heard)
        picks = [i for i in range(1, len(heard) - 1) if _one_of(heard[i].text, FUNCTION_WORDS)]
        track = _track(host.astype(np.float32))
        level = np.convolve(track.level_db, np.ones(smooth) / smooth, mode="same")
        bands = _band_levels(host, track.times) if steadiest else None
        rng.shuffle(picks)
        made = 0
        for i in picks:
            w = where[i]
            if w is None:
                continue
            a, b = np.searchsorted(track.times, [w.start, w.end])
            nucleus = _nucleus(track, level, bands, a, b) if bands is not None else _loudest(track, level, a, b)
            if nucleus is None:  # under 50 ms of voicing: no vowel to hold
                continue
            centre = int(round(track.times[nucleus] * SR))
            lo = max(0, centre - int(seg_s * SR) // 2)
            hi = lo + int(seg_s * SR)
            held = sustained(host[lo:hi], rng.uniform(*LENGTHENED_S), rng)
            x = np.concatenate([host[:lo], held, host[hi:]]).astype(np.float32)
            out.append(Clip(f"{host_path.stem}~{tag}-{normalize(w.text)[0]}-{w.start:.2f}s", group, x, text, ()))
            made += 1
            if made == per_host:
                break
    return out


def _loudest(track: pitch.PitchTrack, level: np.ndarray, a: int, b: int, half: int = 3) -> int | None:
    """The loudest (by ``level``) voiced frame of frames ``a:b`` whose ``half`` frames either side lie in ``a:b``
    too: what is held is the word's own sound. The loudest frame of "we" in "we are" is its last, and the 60 ms
    around it half the next word's: held, that was the glide from [i] to [a], a central vowel (F1 0.6, F2 1.7 kHz)
    neither word has, which is the sound of an "uh" between them. None where under 5 frames (50 ms) are voiced, or
    none of them has the room."""
    voiced = np.flatnonzero(track.voiced[a:b]) + a
    inner = voiced[(voiced >= a + half) & (voiced < b - half)]
    return int(inner[np.argmax(level[inner])]) if len(voiced) >= 5 and len(inner) else None


#: A held vowel's frames are within this much of the word's loudest (dB): the vowel, not a voiced consonant beside it
_NUCLEUS_DB = 6.0
#: A 60 ms stretch whose pitch moves more than this (semitones) is held only where the word has no steadier one: held,
#: a gliding stretch repeats its glide (a sawtooth of pitch), which no voice holding a vowel makes
_NUCLEUS_GLIDE_ST = 1.0


def _nucleus(
    track: pitch.PitchTrack, level: np.ndarray, bands: np.ndarray, a: int, b: int, frames: int = 6
) -> int | None:
    """The centre frame of the steadiest voiced ``frames`` (10 ms each) of frames ``a:b``: all voiced, within
    :data:`_NUCLEUS_DB` of the loudest, pitch within :data:`_NUCLEUS_GLIDE_ST` where any are, and of those the
    least spectral change (mean absolute change of ``bands`` from frame to frame, dB): the vowel's target, where a
    speaker lengthening the word holds it. A word with no such stretch (a "the" said in 80 ms, its voicing broken)
    gives its loudest voiced frame (:func:`_loudest`); one with under 50 ms of voicing, None."""
    voiced = track.voiced[a:b]
    if voiced.sum() < frames - 1:
        return None
    top = float(level[a:b][voiced].max())
    best: tuple[bool, float, int] | None = None
    for s in range(a, b - frames + 1):
        e = s + frames
        if not track.voiced[s:e].all() or level[s:e].min() < top - _NUCLEUS_DB:
            continue
        st = 12 * np.log2(track.f0[s:e])
        flux = float(np.mean(np.abs(np.diff(bands[s:e], axis=0))))
        key = (bool(st.max() - st.min() > _NUCLEUS_GLIDE_ST), flux, s)
        if best is None or key < best:
            best = key
    return _loudest(track, level, a, b) if best is None else best[2] + frames // 2


def _band_levels(x: np.ndarray, times: np.ndarray, n_bands: int = 20) -> np.ndarray:
    """The spectrum's level (dB) in ``n_bands`` bands, log-spaced 100-7000 Hz, of 25 ms around each of ``times``."""
    n = 400
    padded = np.concatenate([np.zeros(n // 2), np.asarray(x, dtype=np.float64), np.zeros(n // 2)])
    at = np.clip(np.round(times * SR).astype(int), 0, len(x) - 1)
    frames = padded[at[:, None] + np.arange(n)[None, :]] * np.hanning(n)
    power = np.abs(np.fft.rfft(frames, 512, axis=1)) ** 2
    freqs = np.fft.rfftfreq(512, 1 / SR)
    edges = np.geomspace(100.0, 7000.0, n_bands + 1)
    which = np.digitize(freqs, edges) - 1
    out = np.stack([power[:, which == k].sum(axis=1) for k in range(n_bands)], axis=1)
    level: np.ndarray = 10 * np.log10(out + 1e-10)
    return level


#: How far from the recogniser's time for a word its aligned time may lie (s): tiny.en times short words up to 0.2 s
#: late; farther, the aligner has put the word on another's sound
_ALIGNED_REACH_S = 0.2


def _aligned(host: np.ndarray, words: Sequence[Word]) -> list[Word | None]:
    """``words`` where a forced alignment (``podium.align``) places them in ``host``: all of them at once, or, where
    a word outside the aligner's dictionary stops that, each with its two neighbours (None where those cannot be
    aligned either). A word placed with no overlap with where the recogniser heard it, give or take
    :data:`_ALIGNED_REACH_S`, is None too: three words with 0.5 s of sound either side can be laid on their
    neighbours' sound ("and a help" of "reasonable and a help": its "a" placed inside "reasonable", whose vowel was
    then held as if it were the word "a")."""
    audio = Audio(np.asarray(host, dtype=np.float32), SR)
    whole = align.align(audio, words)
    placed: list[Word | None]
    if whole is not None:
        placed = list(whole)
    else:
        placed = [None] * len(words)
        for i in range(1, len(words) - 1):
            three = align.align(audio, words[i - 1 : i + 2])
            placed[i] = three[1] if three is not None else None
    return [
        p if p is not None and p.start < w.end + _ALIGNED_REACH_S and p.end > w.start - _ALIGNED_REACH_S else None
        for p, w in zip(placed, words, strict=True)
    ]


def _one_of(text: str, tokens: frozenset[str]) -> bool:
    toks = normalize(text)
    return len(toks) == 1 and toks[0] in tokens


def other_voices(samples_dir: Path) -> list[Path]:
    """Fluent recordings of voices the detector was never tuned on: GRID's sentences (``video_talking``, five
    speakers) and MFA's falsetto and whispered readings (``speech_register``)."""
    grid = sorted((samples_dir / "video_talking").glob("grid_*.mpg"))
    return grid + sorted((samples_dir / "speech_register").glob("*.flac"))


#: Other speakers' read speech around two copies (``None``) of a clip: men and women, fast and slow
CONTEXT = ("ljspeech_LJ001-0001.wav", None, "jfk.flac", "ljspeech_LJ001-0003.wav", None, "ljspeech_LJ001-0005.wav")


def in_read_speech(samples_dir: Path, clip: np.ndarray, gap_s: float = 0.5) -> tuple[np.ndarray, list[float]]:
    """``clip`` (16 kHz) twice inside a longer recording of ``speech_clean`` clips (:data:`CONTEXT`), ``gap_s`` of
    silence after each part; returns the recording and where each copy starts (s): does a filler found in the clip
    alone stay found there?"""
    parts, offsets, t = [], [], 0.0
    gap = np.zeros(int(gap_s * SR), np.float32)
    for name in CONTEXT:
        if name is None:
            x = clip
            offsets.append(t)
        else:
            audio = media.load(samples_dir / "speech_clean" / name).audio
            if audio is None:
                raise InputError(f"{name}: no audio", samples_dir / "speech_clean" / name)
            x = audio.samples
        parts += [np.asarray(x, dtype=np.float32), gap]
        t += (len(x) + len(gap)) / SR
    return np.concatenate(parts), offsets


def to_pitch(x: np.ndarray, target_f0: float, f0: float = 0.0) -> np.ndarray:
    """``x`` (median F0 ``f0``, tracked when not given) moved to ``target_f0``, duration kept.

    Resampling moves pitch and formants together (a smaller or larger vocal
    tract: a plausible other speaker); :func:`stretch` then restores the length.
    """
    f0 = f0 or _median_f0(x)
    if not (f0 > 0 and target_f0 > 0):
        return x
    ratio = float(np.clip(target_f0 / f0, 0.5, 2.5))
    n = max(2, int(round(len(x) / ratio)))
    y = np.interp(np.linspace(0, len(x) - 1, n), np.arange(len(x)), x)
    return stretch(y, len(x) / n)


def stretch(x: np.ndarray, factor: float, frame_s: float = 0.03, search_s: float = 0.008) -> np.ndarray:
    """Time-stretch by ``factor`` keeping pitch: waveform-similarity overlap-add (WSOLA)."""
    frame, hop_out = int(frame_s * SR), int(frame_s * SR) // 2
    search = int(search_s * SR)
    if len(x) < 2 * frame:
        return x.copy()
    n_out = int(len(x) * factor)
    win = np.hanning(frame)
    y = np.zeros(n_out + frame)
    norm = np.zeros(n_out + frame)
    prev = 0
    for k in range(0, n_out - frame, hop_out):
        centre = int(k / factor)
        natural = prev + hop_out  # where the previous frame's continuation lies
        best, best_c = centre, -np.inf
        if k and natural + frame <= len(x):
            ref = x[natural : natural + frame]
            for c in range(max(0, centre - search), min(len(x) - frame, centre + search) + 1, 2):
                score = float(np.dot(ref, x[c : c + frame]))
                if score > best_c:
                    best, best_c = c, score
        best = min(max(0, best), len(x) - frame)
        y[k : k + frame] += x[best : best + frame] * win
        norm[k : k + frame] += win
        prev = best
    return (y / np.maximum(norm, 1e-3))[:n_out]


# Each copy :func:`sustained` joins on is this long or longer: what repeats must be longer than the longest period a
# pitch tracker looks for (1/55 Hz, 18 ms, ``pitch.track``'s low floor). Joined where the waveforms match best, with
# no such limit, the copies were the sound's last three periods looped: a vowel repeating a 13 ms block exactly, which
# the detector's tracker read at a third of the voice's pitch (76 Hz under a 229 Hz voice) and no voice says.
_MIN_COPY_S = 0.025


def sustained(
    x: np.ndarray,
    seconds: float,
    rng: random.Random,
    *,
    jitter: float = 0.004,
    fall_st: float = 1.0,
    join_s: float = 0.01,
) -> np.ndarray:
    """A short voiced sound held for ``seconds``, as a voice holds it: copies of it joined end to start where the
    waveforms line up best (a ``join_s`` crossfade; one pitch period's search is enough, so the sound needs two
    periods or more), then played at a rate that wanders by ``jitter`` (relative, every 8 ms: a voice's period is
    never exactly repeated) and falls by ``fall_st`` semitones over the hold (a held vowel drifts down). Copies alone
    repeat the same periods exactly, which no voice does (the detector takes such a sound for a tone).
    :func:`stretch` cannot hold a sound much longer than its frames: its search runs past the end of a 60 ms vowel
    and its frames then cancel (a 120 Hz tone held 7.5 times its length lost 3 dB in places)."""
    w = int(join_s * SR)
    copy = int(_MIN_COPY_S * SR)
    target = int(seconds * SR)
    if len(x) < 2 * w + copy:
        raise ValueError("too short to hold")
    y = x.copy()
    ramp = np.linspace(0.0, 1.0, w)
    while len(y) < target + w:
        tail = y[-w:]
        scores = [
            float(np.dot(tail, x[a : a + w])) / (np.linalg.norm(x[a : a + w]) + 1e-12)
            for a in range(len(x) - w - copy + 1)
        ]
        a = int(np.argmax(scores))
        y = np.concatenate([y[:-w], tail * (1 - ramp) + x[a : a + w] * ramp, x[a + w :]])
    step = int(0.008 * SR)
    g = np.random.default_rng(rng.randrange(1 << 30))
    rate = np.repeat(1 + g.normal(0.0, jitter, target // step + 1), step)[:target]
    rate *= 2.0 ** (-fall_st * np.linspace(0.0, 1.0, target) / 12)  # read more slowly: lower
    where = np.cumsum(rate) - rate[0]
    out: np.ndarray = np.interp(where, np.arange(len(y)), y)
    return out


def _moved_token(
    tokens: list[tuple[Token, tuple[np.ndarray, float]]], f0: float, rng: random.Random
) -> tuple[Token, np.ndarray]:
    """A random token moved to its place in a voice whose floor is ``f0``; one whose moved pitch tracks
    an octave off (a resynthesis artefact) is drawn again."""
    for _ in range(20):
        tok, (sound, relative) = rng.choice(tokens)
        target = f0 * relative
        moved = to_pitch(sound, target)
        if not target or abs(np.log2(max(_median_f0(moved), 1.0) / target)) < 0.15:
            return tok, moved
    return tok, moved


def _hosts_with_gaps(
    samples_dir: Path, words_of: Transcriber
) -> Iterator[tuple[Path, np.ndarray, str, list[Word], list[tuple[int, float]], float]]:
    """Each clean clip with a boundary inside a phrase: (path, samples, text, its words, the boundaries, its floor
    F0)."""
    for host_path, host, text in _hosts(samples_dir):
        words = list(words_of(host))
        gaps = _word_boundaries(words)
        if gaps:
            yield host_path, host, text, words, gaps, _floor_f0(host)


def _at_level(sound: np.ndarray, host: np.ndarray, rng: random.Random) -> np.ndarray:
    """``sound`` at the level of ``host``'s speech, -6 to +3 dB."""
    out: np.ndarray = sound * (_rms_speech(host) / max(_rms_speech(sound), 1e-6)) * 10 ** (rng.uniform(-6, 3) / 20)
    return out


def _hosts(samples_dir: Path) -> list[tuple[Path, np.ndarray, str]]:
    out = []
    for p in sorted((samples_dir / "speech_clean").iterdir()):
        ref = p.with_suffix(".txt")
        if p.suffix.lower() in {".wav", ".flac"} and ref.is_file():
            audio = media.load(p).audio
            if audio is not None:
                out.append((p, audio.samples.astype(np.float64), ref.read_text(encoding="utf-8").strip()))
    return out


def _cut(samples_dir: Path, t: Token) -> tuple[np.ndarray, float]:
    """The token's sound and its F0 as a multiple of its speaker's floor (10th-percentile F0).

    Both are tracked in the whole recording (a short cut has too little
    context); a spliced token keeps its height above the speaker's floor.
    """
    audio = media.load(samples_dir / t.file).audio
    assert audio is not None
    tr = _track(audio.samples)
    inside = (tr.times >= t.start) & (tr.times < t.end) & tr.voiced
    f0 = float(np.median(tr.f0[inside])) if inside.any() else 0.0
    speaker = float(np.percentile(tr.f0[tr.voiced], 10)) if tr.voiced.any() else 0.0
    return audio.samples[int(t.start * SR) : int(t.end * SR)].astype(np.float64), f0 / speaker if speaker else 1.0


def _word_boundaries(words: Sequence[Word]) -> list[tuple[int, float]]:
    """(index of the word after, time) of each boundary inside a phrase: no punctuation, no pause."""
    out = []
    for i in range(1, len(words) - 1):
        prev, nxt = words[i - 1], words[i]
        if prev.text.endswith((".", ",", "?", "!", ";", ":")) or nxt.start - prev.end > 0.15:
            continue
        out.append((i, (prev.end + nxt.start) / 2))
    return out


def _ref_index(words: Sequence[Word], i: int, ref_words: list[str]) -> int:
    """Where word ``i`` of the recognised text falls in the (normalised) reference."""
    hyp = [" ".join(normalize(w.text)) for w in words]
    matcher = difflib.SequenceMatcher(a=hyp, b=ref_words, autojunk=False)
    for a, b, size in matcher.get_matching_blocks():
        if a <= i < a + size:
            return b + (i - a)
    return max(1, min(len(ref_words) - 1, round(i * len(ref_words) / max(1, len(words)))))


def _insert(x: np.ndarray, sound: np.ndarray, pos: int, fade_s: float = 0.015) -> np.ndarray:
    fade = min(int(fade_s * SR), len(sound) // 4)
    s = sound.copy()
    if fade:
        ramp = np.linspace(0, 1, fade)
        s[:fade] *= ramp
        s[-fade:] *= ramp[::-1]
    return np.concatenate([x[:pos], s, x[pos:]])


def _track(x: np.ndarray) -> pitch.PitchTrack:
    """The pitch the clips are built from, always with Praat's usual search (75-600 Hz) on the sound as recorded: the
    development set is a fixture, and a change to the tracker the detector uses is measured on the same clips as
    before it."""
    return pitch.track(x, SR, low_fmin=None, rumble=False)


def _median_f0(x: np.ndarray) -> float:
    tr = _track(x.astype(np.float32))
    return float(np.median(tr.f0[tr.voiced])) if tr.voiced.any() else 0.0


def _floor_f0(x: np.ndarray) -> float:
    tr = _track(x.astype(np.float32))
    return float(np.percentile(tr.f0[tr.voiced], 10)) if tr.voiced.any() else 0.0


def noisy(x: np.ndarray, snr_db: float, seed: int = 0) -> np.ndarray:
    """``x`` with pink noise (power falling 3 dB an octave, as a room's or a laptop fan's roughly does) added
    ``snr_db`` below the level of its speech: is a filler still found in a recording that is not a studio's?"""
    rng = np.random.default_rng(seed + len(x))
    spec = np.fft.rfft(rng.standard_normal(len(x)))
    f = np.fft.rfftfreq(len(x), 1 / SR)
    spec[1:] /= np.sqrt(f[1:] / f[1])
    spec[0] = 0
    noise = np.fft.irfft(spec, len(x))
    noise *= _rms_speech(x) / max(float(np.sqrt(np.mean(noise**2))), 1e-12) * 10 ** (-snr_db / 20)
    return (x + noise).astype(np.float32)


def room_response(rt60_s: float, drr_db: float = 0.0, seed: int = 0) -> np.ndarray:
    """A room's impulse response at 16 kHz: the direct sound, then from 3 ms a diffuse tail of noise decaying 60 dB in
    ``rt60_s`` (Polack's statistical model of reverberation), ``drr_db`` weaker in energy than the direct sound.

    An office or living room has an RT60 of 0.3-0.6 s; a laptop's microphone an arm's length from the speaker hears
    about as much of the room as of the voice (DRR near 0 dB)."""
    rng = np.random.default_rng(seed)
    n = int(1.2 * rt60_s * SR)
    t = np.arange(n) / SR
    tail: np.ndarray = rng.standard_normal(n) * np.exp(-3 * np.log(10) * t / rt60_s)  # amplitude 60 dB down at rt60
    tail[: int(0.003 * SR)] = 0.0
    tail *= 10 ** (-drr_db / 20) / max(float(np.sqrt(np.sum(tail**2))), 1e-12)
    tail[0] = 1.0
    return tail


def reverberant(x: np.ndarray, rt60_s: float, drr_db: float = 0.0, seed: int = 0) -> np.ndarray:
    """``x`` as a microphone in a room hears it (:func:`room_response`), at the level of its speech."""
    h = room_response(rt60_s, drr_db, seed + len(x))
    size = 1 << int(np.ceil(np.log2(len(x) + len(h))))
    y = np.fft.irfft(np.fft.rfft(x, size) * np.fft.rfft(h, size), size)[: len(x)]
    y *= _rms_speech(x) / max(_rms_speech(y), 1e-12)
    out: np.ndarray = y.astype(np.float32)
    return out


def telephone(x: np.ndarray) -> np.ndarray:
    """``x`` (16 kHz) as a telephone line carries it: only 300-3400 Hz pass (ITU-T G.712's band, with 100 Hz
    cosine edges), at 8 kHz, each sample in 8 bits companded by the mu-law (G.711), filtered to the band again as
    the receiving end does, then back at 16 kHz. Recorded conversation, the speech that fillers fill, is often
    telephone speech: its vowels keep their first two formants, and an um's murmur loses its low resonance."""
    y = np.asarray(x, dtype=np.float64)
    n = len(y)
    spec = np.fft.rfft(y)
    f = np.fft.rfftfreq(n, 1 / SR)
    gain = np.clip((f - 200.0) / 100.0, 0.0, 1.0) * np.clip((3500.0 - f) / 100.0, 0.0, 1.0)
    edges = 0.5 - 0.5 * np.cos(np.pi * gain)
    band = np.fft.irfft(spec * edges, n)
    peak = max(float(np.max(np.abs(band))), 1e-12) if n else 1.0
    narrow = band[::2] / peak  # nothing above 4 kHz is left to alias
    mu = 255.0
    code = np.round(np.sign(narrow) * np.log1p(mu * np.abs(narrow)) / np.log1p(mu) * 127) / 127
    lined = np.sign(code) * np.expm1(np.abs(code) * np.log1p(mu)) / mu * peak
    up = np.zeros(n)
    up[::2] = lined
    wide = np.fft.rfft(up) * 2
    out: np.ndarray = np.fft.irfft(wide * edges, n).astype(np.float32)
    return out


#: Lossy codecs a recording may have been through, by the name ``coded`` takes: (PyAV encoder, container)
CODECS = {"opus": ("libopus", "ogg"), "mp3": ("libmp3lame", "mp3")}


def coded(x: np.ndarray, codec: str, kbps: int) -> np.ndarray:
    """``x`` (16 kHz) encoded with a lossy ``codec`` (:data:`CODECS`) at ``kbps`` and decoded again, as Podium reads
    it: the browser's recorder on the Rehearse page sends Opus, a phone or a call sends it at 16-32 kbps, and talks
    arrive as MP3."""
    import tempfile

    import av

    encoder, container = CODECS[codec]
    pcm = (np.clip(np.asarray(x, dtype=np.float64), -1.0, 1.0) * 32767).astype(np.int16)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"coded.{container}"
        with av.open(str(path), "w") as out:
            stream = out.add_stream(encoder, rate=SR, layout="mono")
            if not isinstance(stream, av.AudioStream):
                raise TypeError(f"{encoder} is not an audio encoder")
            stream.bit_rate = kbps * 1000
            frame = av.AudioFrame.from_ndarray(pcm[None, :], format="s16", layout="mono")
            frame.sample_rate = SR
            for packet in [*stream.encode(frame), *stream.encode(None)]:
                out.mux(packet)
        audio = media.load(path).audio
    if audio is None:
        raise InputError(f"{codec} at {kbps} kbps: nothing decoded", path)
    y = np.zeros(len(x), np.float32)  # the codec's delay and padding trimmed: the same length, the same times
    n = min(len(x), len(audio.samples))
    y[:n] = audio.samples[:n]
    return y


def _rms_speech(x: np.ndarray) -> float:
    """RMS of the louder half of 20 ms frames: the level of speech, not of its pauses."""
    n = len(x) // 320
    if n == 0:
        return float(np.sqrt(np.mean(x**2))) if len(x) else 0.0
    e = np.sqrt(np.mean(x[: n * 320].reshape(n, 320) ** 2, axis=1))
    return float(np.sqrt(np.mean(np.sort(e)[n // 2 :] ** 2)))


def _breath(rng: random.Random, seconds: float = 0.4) -> np.ndarray:
    g = np.random.default_rng(rng.randrange(1 << 30))
    n = int(seconds * SR)
    noise = np.cumsum(g.standard_normal(n)) * 0.02 + g.standard_normal(n)  # pinkish
    noise -= np.convolve(noise, np.ones(80) / 80, mode="same")  # no rumble
    out: np.ndarray = noise / (np.abs(noise).max() + 1e-9) * np.hanning(n)
    return out


def _harmonic_tone(f0: float, seconds: float, *, vibrato: float) -> np.ndarray:
    """A steady harmonic tone (music-like), with ``vibrato`` semitones of 5 Hz vibrato."""
    f = np.full(int(seconds * SR), f0 or 150.0) * 2 ** (
        vibrato / 12 * np.sin(2 * np.pi * 5.0 * np.arange(int(seconds * SR)) / SR)
    )
    return _harmonics(f, lambda k: 1 / k)


def _hummed_tune(f0: float, rng: random.Random, notes: int = 4, note_s: float = 0.25) -> np.ndarray:
    """A hummed tune: a few notes a tone or two apart, nasal (energy mostly low)."""
    steps = [rng.choice((-4, -2, 2, 3, 5)) for _ in range(notes)]
    f = np.concatenate(
        [np.full(int(note_s * SR), (f0 or 150.0) * 2 ** (sum(steps[: i + 1]) / 12)) for i in range(notes)]
    )
    f = np.convolve(f, np.ones(400) / 400, mode="same")  # glide between notes
    f[:200], f[-200:] = f[200], f[-201]
    return _harmonics(f, lambda k: float(np.exp(-k / 2)))


def _harmonics(f: np.ndarray, amp: Callable[[int], float]) -> np.ndarray:
    phase = 2 * np.pi * np.cumsum(f) / SR
    x = np.asarray(sum(amp(k) * np.sin(k * phase) for k in range(1, 9)), dtype=np.float64)
    t = np.arange(len(f)) / SR
    env = np.minimum(1, np.minimum(t, t[::-1]) / 0.04)
    out: np.ndarray = x / (np.abs(x).max() + 1e-9) * env
    return out
