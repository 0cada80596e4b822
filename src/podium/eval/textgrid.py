"""Reading Praat TextGrid interval tiers (long and short text formats) for evaluation."""

from __future__ import annotations

import re
from pathlib import Path

from ..types import Span

__all__ = ["intervals", "silences"]


def intervals(path: str | Path, tier: str = "words") -> list[tuple[float, float, str]]:
    """``(start, end, label)`` of every interval in ``tier``."""
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    tokens = re.findall(r'"(?:[^"]|"")*"|[-\d.]+(?:[eE][-+]?\d+)?', text)
    # both formats reduce to the same token stream once the 'name = ' noise is dropped
    i = 0
    while i < len(tokens):
        if tokens[i] == '"IntervalTier"' and tokens[i + 1].strip('"') == tier:
            n = int(float(tokens[i + 4]))
            vals = tokens[i + 5 : i + 5 + 3 * n]
            return [
                (float(vals[3 * k]), float(vals[3 * k + 1]), vals[3 * k + 2][1:-1].replace('""', '"')) for k in range(n)
            ]
        i += 1
    raise ValueError(f"{path}: no interval tier named {tier!r}")


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
