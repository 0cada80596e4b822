"""The deck a talk was given with, and how the talk used it (``podium.slides``)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Deck", "Reading", "Slide", "SlideUse", "Slides"]


@dataclass(frozen=True)
class Slide:
    """One page of the deck, as read from the file.

    Attributes:
        number: 1-based, in the deck's order.
        title: the slide's title (its first line of text when the deck names none).
        text: every word shown on the slide, in reading order.
        notes: the speaker notes (PPTX; empty for a PDF).
        min_font_pt: the smallest font size (points) that carries real text (20 characters or more) where the deck
            says; ``None`` when it does not.
    """

    number: int
    title: str
    text: str
    notes: str = ""
    min_font_pt: float | None = None


@dataclass(frozen=True)
class Deck:
    """A deck read from a file (``podium.slides.read_deck``).

    Attributes:
        path: the file.
        kind: ``pdf`` or ``pptx``.
        slides: in order.
    """

    path: str
    kind: str
    slides: tuple[Slide, ...]


@dataclass(frozen=True)
class Reading:
    """A stretch in which the speaker said a slide's (or its notes') words in the slide's order.

    Attributes:
        start, end: seconds.
        words: how many words were said verbatim in this stretch.
        text: what was said.
    """

    start: float
    end: float
    words: int
    text: str


@dataclass(frozen=True)
class SlideUse:
    """How the talk used one slide.

    Attributes:
        number, title: the slide's.
        start, end: when it was up (seconds); ``None`` when it never was (skipped).
        words_on_slide: words shown on it.
        read_share: share of the slide's words that were said verbatim in runs of 4 or more while it was up.
        reading: those runs, in time order.
        notes_read_share: the same for its speaker notes (noted, never penalised: notes are meant to be said);
            ``None`` without notes.
        min_font_pt: the slide's smallest font size where the deck says.
        seconds: time on screen, every time it was up (0 for a skipped slide).
        start, end: the first time it was up.
    """

    number: int
    title: str
    start: float | None
    end: float | None
    words_on_slide: int
    read_share: float
    reading: tuple[Reading, ...] = ()
    notes_read_share: float | None = None
    min_font_pt: float | None = None
    seconds: float = 0.0

    @property
    def skipped(self) -> bool:
        return self.start is None


@dataclass(frozen=True)
class Slides:
    """The deck and how the talk went through it.

    Attributes:
        deck: the deck's file name (not its path).
        kind: ``pdf`` or ``pptx``.
        timing: where the slide times come from: ``video`` (the slides were seen in the video), ``file`` (a timing
            file) or ``speech`` (the transcript aligned to the slides' words).
        confidence: how far the times can be trusted, 0-1 (``speech`` only: the share of shown slides whose
            stretch holds at least two words found on that slide alone; 1.0 for ``video`` and ``file``).
        target_s: the talk's target length, when one was given.
        slides: one per slide of the deck, in the deck's order.
    """

    deck: str
    kind: str
    timing: str
    confidence: float
    target_s: float | None
    slides: tuple[SlideUse, ...]
