"""Word times by forced alignment, where the recogniser's cannot be trusted.

Whisper times its words from its attention, and stretches a word over a filler said beside it, or slides it onto
one, as often as not (docs/how-it-works.md, "Fillers", 2): a quick "uh" that no steady stretch marks then lies
inside a word and is not looked for. A forced aligner places each word where its phones sound best against the
audio, and leaves what none of them fits, a filler among it, to its silence model: aligned, the quick fillers of
the bench's ``shorter-0.45s`` group lie between words twice as often. PocketSphinx's en-us acoustic model and CMU
dictionary (BSD-2-Clause, inside its PyPI wheel) align the recognised words of a stretch of speech in about 1/50 to
1/100 of its duration; ``podium.filled_pauses`` asks for it around sound that may be a filler, and phrase by phrase
for the quick fillers left in the gaps between the words.

Words the dictionary does not hold (numbers written as digits, rare names) leave their stretch unaligned: ``align``
returns None and the recogniser's times stand.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from .errors import MissingDependency, ModelNotFound
from .fillers import normalize
from .types import Audio, Span, Word

__all__ = ["Pronounced", "align", "align_with_fillers", "model_path", "pronounced"]

_SR = 16000  # the acoustic model's rate
_MARGIN_S = 0.5  # sound taken in before the first word and after the last: the recogniser's times are loose
# wide beams: the path through a held or drawn-out word falls off PocketSphinx's default beams (1e-48), which
# then give no alignment at all (its "Final result does not match the grammar"). And the words as the search's own
# (Viterbi) path places them, not as its default second pass (a best path through the word lattice) does: that pass
# often finds no path to the end of the text when the sound ends inside the next word (three words at a time with
# 0.1 s of sound beyond them: no alignment for 18 of 70 windows of read speech)
_SEARCH = {"beam": 1e-100, "wbeam": 1e-80, "pbeam": 1e-100, "bestpath": False}
_NOT_WORDS = ("<s>", "</s>", "<sil>", "(NULL)")

_lock = threading.Lock()
_decoder: Any = None


def align(audio: Audio, words: Sequence[Word]) -> list[Word] | None:
    """``words`` (lexical, in time order, one stretch of speech) with the times a forced alignment of their text to
    ``audio`` gives them, from ``_MARGIN_S`` before the first to ``_MARGIN_S`` after the last; None when the text
    cannot be aligned (a word outside the dictionary, audio not at 16 kHz, or no path through the sound). With its
    wide beams the aligner finds a path through almost any sound, silence too: the times are as good as the words
    are right."""
    placed = pronounced(audio, words)
    return None if placed is None else placed.words


class Pronounced(NamedTuple):
    """Words aligned (:func:`pronounced`), and how the aligner took each to be said."""

    words: list[Word]  # at their aligned times
    phones: list[tuple[str, ...]]  # each word's phones, in the dictionary's pronunciation the aligner chose


def pronounced(audio: Audio, words: Sequence[Word]) -> Pronounced | None:
    """As :func:`align`, with the phones of each word as the aligner placed it: of the dictionary's pronunciations
    the one that fit the sound ("the" as DH AH or as DH IY, "and" as AH N D or as AE N D)."""
    placed = _placed(audio, words, fillers=False, margin_s=_MARGIN_S)
    return None if placed is None else Pronounced(placed[0], placed[2])


def align_with_fillers(
    audio: Audio, words: Sequence[Word], margin_s: float = _MARGIN_S
) -> tuple[list[Word], list[Span]] | None:
    """``words`` aligned as by :func:`align`, but with an "uh" or an "um" (the dictionary's AH and AH M) allowed
    before, between and after them, and the spans where the aligner placed one. Between a word stretched over a
    sound and a filler beside the word, it takes what fits the sound better: a held "the" or "as" is the word's own
    vowel, an "um" after "say" is an "um". A grammar search rather than one fixed path, and so slower (about 0.1 s
    for three words on 2 cores): for a few words at a time. ``margin_s``: the sound taken in before the first word
    and after the last; for words aligned already a little (0.1 s) lets the search end in the last word, while
    more takes in the next words' sound, for which the grammar has no place but a filler. None as for
    :func:`align`, and where a word is itself spelled "uh" or "um"."""
    placed = _placed(audio, words, fillers=True, margin_s=margin_s)
    return None if placed is None else (placed[0], placed[1])


def _placed(
    audio: Audio, words: Sequence[Word], *, fillers: bool, margin_s: float
) -> tuple[list[Word], list[Span], list[tuple[str, ...]]] | None:
    tokens = [_tokens(w.text) for w in words]
    if not words or audio.sr != _SR or not all(tokens):
        return None
    if fillers and any(t in _FILLERS or not _PLAIN.fullmatch(t) for ts in tokens for t in ts):
        return None
    lo = max(0.0, words[0].start - margin_s)
    hi = min(audio.duration_s, max(w.end for w in words) + margin_s)
    if hi - lo < 0.1:  # words timed past the end of the audio: no sound to align them to
        return None
    x = np.asarray(audio.samples[int(lo * _SR) : int(hi * _SR)], dtype=np.float32)
    pcm = (np.clip(x, -1.0, 1.0) * 32767).astype("<i2").tobytes()
    with _lock:
        decoder = _get_decoder()
        if any(decoder.lookup_word(t) is None for ts in tokens for t in ts):
            return None
        try:
            if fillers:
                decoder.add_jsgf_string("fillers", _grammar(tokens))
                decoder.activate_search("fillers")
            else:
                decoder.set_align_text(" ".join(t for ts in tokens for t in ts))
            # the feature front end afresh: its cepstral mean otherwise carries over from the last stretch aligned,
            # and the same words aligned twice in a row to the same sound moved a boundary 10 ms (so a word's times
            # hung on what had been aligned before it: in a longer recording, on what was said before)
            decoder.reinit_feat()
            decoder.start_utt()
            decoder.process_raw(pcm, no_search=False, full_utt=True)
            decoder.end_utt()
            segments = [
                (_ALTERNATIVE.sub("", s.word), s.start_frame, s.end_frame, decoder.lookup_word(s.word) or "")
                for s in decoder.seg() or ()
            ]
        except (RuntimeError, ValueError):  # no path through the sound
            return None
    segments = [s for s in segments if s[0] not in _NOT_WORDS and not (fillers and s[0].startswith("["))]
    spans = [Span(round(lo + a / 100, 3), round(lo + (b + 1) / 100, 3)) for t, a, b, _ in segments if t in _FILLERS]
    placed = [(a, b, tuple(ph.split())) for t, a, b, ph in segments if not (fillers and t in _FILLERS)]
    if len(placed) != sum(len(ts) for ts in tokens):
        return None
    out, phones, k = [], [], 0
    for w, ts in zip(words, tokens, strict=True):
        first, last = placed[k][0], placed[k + len(ts) - 1][1]
        phones.append(tuple(p for _, _, ph in placed[k : k + len(ts)] for p in ph))
        k += len(ts)
        out.append(replace(w, start=round(lo + first / 100, 3), end=round(lo + (last + 1) / 100, 3)))
    return out, (spans if fillers else []), phones


_FILLERS = ("uh", "um")
_PLAIN = re.compile(r"[a-z0-9']+")  # a token a JSGF grammar takes as it is
_ALTERNATIVE = re.compile(r"\(\d+\)$")  # "the(2)": the dictionary's second pronunciation


def _grammar(tokens: Sequence[Sequence[str]]) -> str:
    """A JSGF grammar of the words in order, with an optional "uh" or "um" before, between and after them."""
    body = " [<f>] ".join(" ".join(ts) for ts in tokens)
    return f"#JSGF V1.0;\ngrammar fillers;\n<f> = uh | um;\npublic <s> = [<f>] {body} [<f>];\n"


def _tokens(text: str) -> list[str]:
    """The dictionary's spellings of a recognised word: lower case, outer punctuation off, hyphenated parts apart."""
    return [t for t in re.split(r"-+", normalize(text)) if t]


def model_path() -> Path:
    """The aligner's en-us acoustic model, inside the pocketsphinx package.

    Raises:
        MissingDependency: pocketsphinx is not installed.
        ModelNotFound: the package holds no en-us model.
    """
    try:
        import pocketsphinx
    except ImportError as e:
        raise MissingDependency("pocketsphinx is not installed: pip install podium-coach") from e
    path = Path(pocketsphinx.get_model_path()) / "en-us"
    if not (path / "en-us" / "mdef").is_file() or not (path / "cmudict-en-us.dict").is_file():
        raise ModelNotFound(f"pocketsphinx's en-us model is not in {path}: reinstall pocketsphinx")
    return path


def _get_decoder() -> Any:
    global _decoder
    if _decoder is None:
        model_path()
        from pocketsphinx import Decoder  # imported here: loading the model takes 0.2 s

        _decoder = Decoder(lm=None, samprate=_SR, loglevel="FATAL", **_SEARCH)
    return _decoder
