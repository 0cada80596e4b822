"""Text normalisation and word error rate for evaluation.

Normalisation (applied to reference and hypothesis alike, so that WER counts
recognition errors, not spelling conventions):

1. lower case; curly quotes made straight;
2. bracketed annotations such as ``[laughter]`` removed, except a filler marked so (``[um]`` is "um");
3. "mr." -> "mister", "mrs." -> "missus", "dr." -> "doctor", "st." -> "saint";
   "yknow"/"y'know" -> "you know"; "&" -> "and"; "%" -> "percent";
4. numbers written as words: cardinals ("42" -> "forty two"), ordinals
   ("15th" -> "fifteenth"), four-digit years 1100-1999 and 2010-2099 read in
   pairs ("1455" -> "fourteen fifty five");
5. hyphens and punctuation become spaces, except apostrophes inside words;
6. filler spellings unified, however drawn out ("umm", "ummmm" -> "um"; "uhh" -> "uh"; "hmm", "mmm" -> "hm"; "erm" ->
   "um": ``podium.fillers.NON_LEXICAL``); a backchannel written with a hyphen ("uh-huh", "mm-hmm", "uh-uh") stays
   one word and is no filler.

Fillers are kept: Podium's transcript is verbatim, so a dropped "um" counts
as an error (on fluent references this changes nothing).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..fillers import NON_LEXICAL

__all__ = ["WerResult", "normalize", "number_to_words", "wer"]

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_ORDINAL = {
    "one": "first",
    "two": "second",
    "three": "third",
    "five": "fifth",
    "eight": "eighth",
    "nine": "ninth",
    "twelve": "twelfth",
}
_ABBREV = {"mr": "mister", "mrs": "missus", "dr": "doctor", "st": "saint", "vs": "versus"}
_SPELLING = {"yknow": "you know", "y'know": "you know"}
#: answers, not hesitations: kept one word so that their halves ("uh", "mm") are not counted as fillers
_BACKCHANNEL = re.compile(r"\b(uh-huh|uh-uh|mm-hmm|mm-hm|m-hm|um-hum|uh-hum|hm-mm)\b")


def number_to_words(n: int) -> str:
    """Cardinal English words for ``0 <= n < 10**12`` ("forty two")."""
    if n < 0:
        return "minus " + number_to_words(-n)
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else " " + _ONES[n % 10])
    if n < 1000:
        rest = n % 100
        return _ONES[n // 100] + " hundred" + ("" if rest == 0 else " " + number_to_words(rest))
    for size, name in ((10**9, "billion"), (10**6, "million"), (1000, "thousand")):
        if n >= size:
            rest = n % size
            return number_to_words(n // size) + " " + name + ("" if rest == 0 else " " + number_to_words(rest))
    raise AssertionError("unreachable")


def _year_words(n: int) -> str:
    hi, lo = divmod(n, 100)
    if lo == 0:
        return number_to_words(hi) + " hundred"
    tail = ("oh " + _ONES[lo]) if lo < 10 else number_to_words(lo)
    return number_to_words(hi) + " " + tail


def _ordinal(words: str) -> str:
    head, _, last = words.rpartition(" ")
    if last in _ORDINAL:
        last = _ORDINAL[last]
    elif last.endswith("y"):
        last = last[:-1] + "ieth"
    else:
        last += "th"
    return (head + " " + last).strip()


def _number(m: re.Match[str]) -> str:
    digits, suffix = m.group(1).replace(",", ""), (m.group(2) or "").lower()
    n = int(digits)
    if suffix in ("st", "nd", "rd", "th"):
        return " " + _ordinal(number_to_words(n)) + " "
    if len(digits) == 4 and (1100 <= n <= 1999 or 2010 <= n <= 2099):
        return " " + _year_words(n) + " "
    return " " + number_to_words(n) + " "


def normalize(text: str) -> list[str]:
    """Normalised words of ``text`` (see the module docstring)."""
    t = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    t = re.sub(r"\[([^\]]*)\]", lambda m: f" {m.group(1)} " if m.group(1).strip() in NON_LEXICAL else " ", t)
    t = re.sub(r"\b(mr|mrs|dr|st|vs)\.", lambda m: _ABBREV[m.group(1)] + " ", t)
    t = t.replace("&", " and ").replace("%", " percent ")
    t = re.sub(r"(\d[\d,]*\d|\d)(st|nd|rd|th)?\b", _number, t)
    t = _BACKCHANNEL.sub(lambda m: m.group(1).replace("-", ""), t)
    t = re.sub(r"[^\w']+", " ", t)
    words = []
    for w in t.split():
        w = w.strip("'")
        if not w:
            continue
        w = _ABBREV.get(w, w) if w in ("mr", "mrs", "dr") else w
        kind = NON_LEXICAL.get(w)
        words.extend([kind] if kind is not None else _SPELLING.get(w, w).split())
    return words


@dataclass(frozen=True)
class WerResult:
    """Word error counts of one alignment."""

    substitutions: int
    deletions: int
    insertions: int
    ref_words: int

    @property
    def errors(self) -> int:
        return self.substitutions + self.deletions + self.insertions

    @property
    def wer(self) -> float:
        return self.errors / self.ref_words if self.ref_words else float(self.errors > 0)


def wer(reference: Sequence[str], hypothesis: Sequence[str]) -> WerResult:
    """Levenshtein alignment of two word lists (already normalised)."""
    r, h = list(reference), list(hypothesis)
    # cost, subs, dels, ins per cell; rows over reference
    prev = [(j, 0, 0, j) for j in range(len(h) + 1)]
    for i in range(1, len(r) + 1):
        cur = [(i, 0, i, 0)]
        for j in range(1, len(h) + 1):
            same = r[i - 1] == h[j - 1]
            d = prev[j - 1]
            options = [
                (d[0] + (0 if same else 1), d[1] + (0 if same else 1), d[2], d[3]),
                (prev[j][0] + 1, prev[j][1], prev[j][2] + 1, prev[j][3]),
                (cur[j - 1][0] + 1, cur[j - 1][1], cur[j - 1][2], cur[j - 1][3] + 1),
            ]
            cur.append(min(options))
        prev = cur
    _, s, d_, ins = prev[-1]
    return WerResult(s, d_, ins, len(r))
