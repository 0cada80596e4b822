"""Filled pauses scored as timed events (the way PodcastFillers scores filler detection).

A detection is a hit when it overlaps a reference filler, or comes within
``tolerance_s`` of one (reference times from forced alignment or from the
recogniser are themselves loose by a few hundred milliseconds). Each reference
and each detection is matched at most once, closest first; kinds are matched
apart ("um" with "um") or together (a filled pause is a filled pause).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

__all__ = ["UNTIMED", "Event", "Matches", "match", "match_partly_timed", "times_fit"]


@dataclass(frozen=True)
class Event:
    """A filler: its kind ("um", "uh", ...) and its time in seconds."""

    kind: str
    start: float
    end: float


@dataclass
class Matches:
    """Hits, misses and false alarms of one or more recordings."""

    hits: list[tuple[str, Event, Event]] = field(default_factory=list)  # (file, reference, detection)
    misses: list[tuple[str, Event]] = field(default_factory=list)
    false_alarms: list[tuple[str, Event]] = field(default_factory=list)

    def add(self, other: Matches) -> None:
        self.hits += other.hits
        self.misses += other.misses
        self.false_alarms += other.false_alarms

    def scores(self, kind: str | None = None) -> dict[str, float]:
        """Precision, recall and F1, of one kind (by the reference's kind for hits and misses) or all."""
        tp = sum(1 for _, r, _ in self.hits if kind in (None, r.kind))
        fn = sum(1 for _, r in self.misses if kind in (None, r.kind))
        fp = sum(1 for _, d in self.false_alarms if kind in (None, d.kind))
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "tp": tp, "fp": fp, "fn": fn}


def match(
    name: str, reference: Sequence[Event], detected: Iterable[Event], *, tolerance_s: float = 0.5, by_kind: bool = False
) -> Matches:
    """Match ``detected`` fillers to ``reference`` ones in one recording called ``name``."""
    det = list(detected)
    pairs = sorted(
        (_distance(r, d), i, j)
        for i, r in enumerate(reference)
        for j, d in enumerate(det)
        if _distance(r, d) <= tolerance_s and (not by_kind or r.kind == d.kind)
    )
    used_r: set[int] = set()
    used_d: set[int] = set()
    out = Matches()
    for _, i, j in pairs:
        if i in used_r or j in used_d:
            continue
        used_r.add(i)
        used_d.add(j)
        out.hits.append((name, reference[i], det[j]))
    out.misses = [(name, r) for i, r in enumerate(reference) if i not in used_r]
    out.false_alarms = [(name, d) for j, d in enumerate(det) if j not in used_d]
    return out


UNTIMED = -1.0
"""The start and end of a reference filler whose time is not known (counted, not timed)."""


def times_fit(timed: Iterable[Event], counts: Mapping[str, int]) -> bool:
    """No kind is timed more often than ``counts`` says it was said (else the two references disagree)."""
    return all(n <= counts.get(kind, 0) for kind, n in Counter(e.kind for e in timed).items())


def match_partly_timed(
    name: str,
    timed: Sequence[Event],
    detected: Iterable[Event],
    counts: Mapping[str, int],
    *,
    tolerance_s: float = 0.5,
) -> Matches:
    """Match ``detected`` fillers to a reference that times some of its fillers and counts them all (``counts`` by
    kind; at least as many of each kind as ``timed`` holds).

    The timed ones are matched by time and kind (``match``); the detections left over are then matched by count to
    the untimed rest of each kind, in time order, and what remains of either is a false alarm or a miss. With nothing
    timed this is matching by count per kind. A detection of the wrong kind at a timed filler's place is not matched
    there, but may be counted for an untimed filler of its own kind: where the reference does not say where its
    fillers were, that cannot be told.
    """
    if not times_fit(timed, counts):
        raise ValueError(f"{name}: more fillers of a kind timed than counted")
    out = match(name, timed, detected, tolerance_s=tolerance_s, by_kind=True)
    left = sorted(out.false_alarms, key=lambda fa: fa[1].start)
    out.false_alarms = []
    for kind in sorted(set(counts) | {d.kind for _, d in left}):
        untimed = counts.get(kind, 0) - sum(e.kind == kind for e in timed)
        mine = [d for _, d in left if d.kind == kind]
        out.hits += [(name, Event(kind, UNTIMED, UNTIMED), d) for d in mine[:untimed]]
        out.false_alarms += [(name, d) for d in mine[untimed:]]
        out.misses += [(name, Event(kind, UNTIMED, UNTIMED)) for _ in range(max(0, untimed - len(mine)))]
    return out


def _distance(a: Event, b: Event) -> float:
    """0 when the two overlap, otherwise the gap between them."""
    return max(0.0, max(a.start, b.start) - min(a.end, b.end))
