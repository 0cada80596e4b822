"""Slides: reading from them, time per slide against the target, crowded slides (only when a deck was given)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..config import DimensionSection
from ..types import Score, SlideUse
from .base import Dimension, Evidence, Moments, clamp, clock, plural, short_of_aim

__all__ = ["SLIDES", "SlideThresholds"]


@dataclass(frozen=True)
class SlideThresholds(DimensionSection):
    read_share: float
    rushed_s: float
    max_words: int
    min_font_pt: float
    long_factor: float
    read_penalty: float
    rushed_penalty: float
    crowded_penalty: float

    def problems(self) -> Iterator[tuple[str, str]]:
        if not 0 < self.read_share <= 1:
            yield "read_share", "must be above 0 and at most 1"
        if self.rushed_s < 0:
            yield "rushed_s", "must be 0 or more"
        if self.max_words < 1:
            yield "max_words", "must be at least 1"
        if self.min_font_pt <= 0:
            yield "min_font_pt", "must be above 0"
        if self.long_factor <= 1:
            yield "long_factor", "must be above 1"
        for key in ("read_penalty", "rushed_penalty", "crowded_penalty"):
            if not 0 <= getattr(self, key) <= 100:
                yield key, "must be 0-100"


def _crowded(u: SlideUse, th: SlideThresholds) -> list[str]:
    why = []
    if u.words_on_slide > th.max_words:
        why.append(f"{u.words_on_slide} words (guidance: at most {th.max_words})")
    if u.min_font_pt is not None and u.min_font_pt < th.min_font_pt:
        why.append(f"text at {u.min_font_pt:g} pt (guidance: {th.min_font_pt:g} pt or larger)")
    return why


def _assess(ev: Evidence, th: SlideThresholds, moments: Moments) -> Score:
    assert ev.slides is not None
    deck = ev.slides
    shown = [u for u in deck.slides if not u.skipped]
    read = [u for u in shown if u.read_share >= th.read_share]
    rushed = [u for u in shown if u.seconds < th.rushed_s]
    crowded = [u for u in deck.slides if _crowded(u, th)]
    for u in read:
        first = u.reading[0] if u.reading else None
        at = first.start if first else u.start or 0.0
        end = max(r.end for r in u.reading) if u.reading else (u.end or at)
        moments.add(
            at,
            end,
            "read_slide",
            "slides",
            "major" if u.read_share >= 0.8 else "minor",
            f"slide {u.number} read aloud: {u.read_share:.0%} of its {u.words_on_slide} words said word for word"
            + (f", from “{_quote(first.text)}”" if first else ""),
            "say what the slide means instead of what it says; let the audience read it while you add the story.",
        )
    for u in rushed:
        assert u.start is not None and u.end is not None
        moments.add(
            u.start,
            u.end,
            "rushed_slide",
            "slides",
            "minor",
            f"slide {u.number} was up for {u.seconds:.1f} s (under {th.rushed_s:g} s)",
            "give every slide you show a moment, or take it out of the deck.",
        )
    for u in crowded:
        if u.start is None:
            continue
        moments.add(
            u.start,
            u.end or u.start,
            "crowded_slide",
            "slides",
            "minor",
            f"slide {u.number}: " + "; ".join(_crowded(u, th)),
            "split it, or keep a few words on the slide and say the rest.",
        )
    for u in shown:
        if u.notes_read_share is not None and u.notes_read_share >= th.read_share and u.start is not None:
            moments.add(
                u.start,
                u.end or u.start,
                "notes_read",
                "slides",
                "minor",
                f"slide {u.number}: {u.notes_read_share:.0%} of its speaker notes said word for word",
                "notes are there to be said, so this is fine; saying them in your own words sounds less read.",
            )
    if deck.target_s:  # each slide's share of the target, evenly: a slide that takes far more holds the talk up
        share = deck.target_s / len(deck.slides)
        for u in shown:
            if u.seconds > th.long_factor * share and u.start is not None:
                moments.add(
                    u.start,
                    u.end or u.start,
                    "long_slide",
                    "slides",
                    "minor",
                    f"slide {u.number} was up {clock(u.seconds)}; its share of the {clock(deck.target_s)} target "
                    f"is {clock(share)}",
                    "decide what this slide must say, and move on; or give it two slides.",
                )
    over = _ran_over(deck.slides, deck.target_s)
    if over is not None:
        moments.add(
            over[1],
            over[1],
            "over_time",
            "slides",
            "major",
            f"the talk passed its {clock(deck.target_s or 0)} target at {clock(over[1])}, on slide {over[0]}",
            "plan what to cut before this slide, or shorten the slides before it.",
        )
    skipped = [u.number for u in deck.slides if u.skipped]
    target = f"no slide read aloud, none under {th.rushed_s:g} s, none crowded (PowerPoint Speaker Coach; 6x6 rule)"
    basis = f"{len(deck.slides)} slides, times from the {_SOURCES[deck.timing]}" + (
        f" (confidence {deck.confidence:.2f})" if deck.timing == "speech" else ""
    )
    if not shown or ev.transcript is None or not ev.transcript.words:
        return Score("slides", None, "", "–", target, basis, "Give the recording with its deck.", "no slide was shown")
    n = len(shown)
    score = clamp(
        100
        - th.read_penalty * len(read) / n
        - th.rushed_penalty * len(rushed) / n
        - th.crowded_penalty * len(crowded) / len(deck.slides)
    )
    if read or rushed or crowded:  # the tip below asks for a change
        score = clamp(short_of_aim(score, ev))
    parts = [f"{len(read)} of {n} slides read aloud"]
    if rushed:
        parts.append(f"{plural(len(rushed), 'slide')} rushed")
    if crowded:
        parts.append(f"{len(crowded)} crowded")
    if skipped:
        parts.append(f"{len(skipped)} skipped")
    if read:  # the slide the priority's example shows: the most read, longest stretch (as the moments rank)
        top = max(read, key=lambda u: (u.read_share >= 0.8, _read_s(u)))
        tip = f"Talk to the audience, not to the screen: slide {top.number} was read out nearly word for word."
    elif rushed:
        tip = f"Slow down at slide {rushed[0].number}: a slide you show needs a moment, or it can go."
    elif crowded:
        tip = f"Lighten slide {crowded[0].number}: fewer words, larger type."
    else:
        tip = "You talked around your slides instead of reading them; keep it that way."
    return Score("slides", score, "", ", ".join(parts), target, basis, tip)


_SOURCES = {"video": "video", "file": "timing file", "speech": "words said"}


def _read_s(u: SlideUse) -> float:
    """How long the read_slide moment of ``u`` lasts (from its first reading to its last)."""
    if not u.reading:
        return 0.0
    return max(r.end for r in u.reading) - u.reading[0].start


def _quote(text: str, n: int = 8) -> str:
    words = text.split()
    return " ".join(words[:n]) + (" …" if len(words) > n else "")


def _ran_over(uses: tuple[SlideUse, ...], target_s: float | None) -> tuple[int, float] | None:
    """The slide on screen when the talk passed its target, and when."""
    if target_s is None:
        return None
    for u in sorted((u for u in uses if u.start is not None), key=lambda u: u.start or 0.0):
        if u.start is not None and u.end is not None and u.end > target_s:
            return u.number, max(u.start, target_s)
    return None


SLIDES = Dimension("slides", "Slides", "slides", SlideThresholds, _assess)
