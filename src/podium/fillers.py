"""Fillers: kept verbatim, judged in context, recovered from the audio.

Two jobs, both part of the speech stage:

``mark(words)``
    flags each word that is a filler *in context*. Non-lexical fillers (um,
    uh, er, ah, hm) always are; lexical ones only where they do no work in
    the sentence: "like" in "it was, like, huge" but not in "it is like
    putty" or "I like it"; "you know" in "we're just, you know, there" but
    not in "do you know the answer"; "so" opening a clause but not "so much".

``podium.filled_pauses.recover(audio, words, speech_spans)``
    finds filled pauses the recogniser left out or garbled, from the sound.

``count(words)`` counts fillers by kind, a two-word filler once.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import TypeVar, overload

from .types import Word

__all__ = ["HELD_WORDS", "NON_LEXICAL", "count", "is_non_lexical", "mark", "normalize", "occurrences"]


_T = TypeVar("_T")


class _Spellings(dict[str, str]):
    """Spelling -> kind for fillers that are never words. A spelling drawn out further than those listed
    ("ummmm", "uhhhh", "hmmmm", "uhmm": a recogniser or a transcriber writes a long filler long) is the same
    filler; ``in``, ``[]`` and ``get`` know them all."""

    _DRAWN = (
        (re.compile(r"u+h*m+|e+r+m+"), "um"),
        (re.compile(r"u+h+|e+h+|e+r+|a+h+"), "uh"),
        (re.compile(r"h*m{2,}|h+m+"), "hm"),
    )

    def __missing__(self, key: str) -> str:
        kind = self._drawn(key)
        if kind is None:
            raise KeyError(key)
        return kind

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key) or self._drawn(key) is not None

    @classmethod
    def _drawn(cls, key: object) -> str | None:
        """The kind of a spelling drawn out further than those listed, or None."""
        if isinstance(key, str):
            for pattern, kind in cls._DRAWN:
                if pattern.fullmatch(key):
                    return kind
        return None

    @overload
    def get(self, key: str, default: None = None, /) -> str | None: ...
    @overload
    def get(self, key: str, default: str, /) -> str: ...
    @overload
    def get(self, key: str, default: _T, /) -> str | _T: ...
    def get(self, key: str, default: object = None, /) -> object:
        try:
            return self[key]
        except KeyError:
            return default


#: Words a speaker holds while searching for the next one ("the...", "and...", "to..."): hesitation lengthening falls on
#: short function words (Shriberg 2001, "To 'errrr' is human"; Eklund 2004), and no transcript writes it as a filler.
HELD_WORDS = frozenset(
    "the a and to of in that i so but we or is as on for be by with was it".split()
)  # fmt: skip

#: spelling -> kind for fillers that are never words. A kind is a sound, not a spelling: British transcripts write
#: "er" and "erm" for the "uh" and "um" that American ones write (Clark and Fox Tree 2002), and the recogniser writes
#: "ah" or "eh" for an open "uh" (tiny.en wrote "Ahhh" for mfa_uhuh's long "uhhh" after a pause), so the same filler
#: counts the same and matches the same in an evaluation whoever transcribed it. "Mmm" is a hum with the lips
#: closed and no vowel before it, the sound written "hm", not an "um" (a vowel, then the murmur): the Montreal Forced
#: Aligner's fixtures transcribe as "hm" what tiny.en writes "Mmm".
NON_LEXICAL = _Spellings({
    "um": "um", "umm": "um", "ummm": "um", "uhm": "um", "erm": "um", "mm": "hm", "mmm": "hm",
    "uh": "uh", "uhh": "uh", "uhhh": "uh", "er": "uh", "err": "uh",
    "ah": "uh", "ahh": "uh", "eh": "uh",
    "hm": "hm", "hmm": "hm", "hmmm": "hm",
})  # fmt: skip

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
