"""Reading Praat TextGrid interval tiers (long and short text formats) for evaluation."""

from __future__ import annotations

import re
from pathlib import Path

from ..types import Span

__all__ = ["intervals", "silences", "tiers", "words"]

Interval = tuple[float, float, str]


def tiers(path: str | Path) -> dict[str, list[Interval]]:
    """Every interval tier of the TextGrid at ``path``, by name, in file order (point tiers are left out)."""
    raw = Path(path).read_bytes()
    # Praat writes a TextGrid as UTF-16 (with a byte-order mark) when a label needs more than ASCII
    text = raw.decode("utf-16" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig", errors="replace")
    # both formats reduce to the same token stream once the 'name = ' noise and the long format's item and
    # interval numbers ("intervals [1]:") are dropped
    tokens = [
        t for t in re.findall(r'"(?:[^"]|"")*"|\[\s*\d*\s*\]|[-\d.]+(?:[eE][-+]?\d+)?', text) if not t.startswith("[")
    ]
    out: dict[str, list[Interval]] = {}
    i = 0
    while i < len(tokens):
        if tokens[i] == '"IntervalTier"' and i + 4 < len(tokens):
            n = int(float(tokens[i + 4]))
            vals = tokens[i + 5 : i + 5 + 3 * n]
            out[_unquote(tokens[i + 1])] = [
                (float(vals[3 * k]), float(vals[3 * k + 1]), _unquote(vals[3 * k + 2])) for k in range(len(vals) // 3)
            ]
            i += 5 + 3 * n
            continue
        i += 1
    return out


def intervals(path: str | Path, tier: str = "words") -> list[Interval]:
    """``(start, end, label)`` of every interval in ``tier``."""
    found = tiers(path)
    if tier not in found:
        raise ValueError(f"{path}: no interval tier named {tier!r}")
    return found[tier]


def words(path: str | Path) -> list[Interval]:
    """The word intervals of a TextGrid, however its word tier is named: the tier "words" (the Montreal Forced
    Aligner's); else every tier whose name says words ("word", "Words", "ORT words", and "NAME - words", the
    aligner's tier per speaker, whose intervals are merged in time order); else its only interval tier. A tier of
    phones is never taken for words. Raises ValueError when no tier qualifies."""
    found = tiers(path)
    if "words" in found:
        return found["words"]
    named = [name for name in found if re.search(r"\bwords?\b", name, re.IGNORECASE) and not _phones(name)]
    if not named and len(found) == 1 and not _phones(next(iter(found))):
        named = list(found)
    if not named:
        raise ValueError(f"no word tier among its tiers {sorted(found)}")
    return sorted((iv for name in named for iv in found[name]), key=lambda iv: (iv[0], iv[1]))


def silences(path: str | Path, tier: str = "words", min_s: float = 0.0, interior: bool = True) -> list[Span]:
    """Empty intervals of ``tier`` at least ``min_s`` long; ``interior`` drops the leading and trailing ones."""
    ivs = intervals(path, tier)
    out = []
    for k, (a, b, label) in enumerate(ivs):
        if label.strip() or b - a < min_s:
            continue
        if interior and (k == 0 or k == len(ivs) - 1):
            continue
        out.append(Span(a, b))
    return out


def _unquote(token: str) -> str:
    return token[1:-1].replace('""', '"')


def _phones(name: str) -> bool:
    return bool(re.search(r"phon|segment|syllable", name, re.IGNORECASE))
