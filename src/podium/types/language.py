"""What the words do: the language stage's result."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Finding", "KeyPhrase", "Language", "Sentence"]


@dataclass(frozen=True)
class Finding:
    """Something in the wording worth a look.

    Attributes:
        kind: ``hedge``, ``repetition``, ``sensitive``, ``profanity``, ``long_sentence``,
            ``question``, ``undercut_opening`` or ``undercut_closing``.
        start, end: seconds.
        text: the words as said.
        suggestion: what to say instead, when there is something to suggest.
        note: why it was flagged (with the list's source for lexicon entries).
    """

    kind: str
    start: float
    end: float
    text: str
    suggestion: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Sentence:
    """One sentence as spoken: punctuation or a long pause ends it."""

    start: float
    end: float
    text: str
    words: int
    sentiment: float
    question: bool


@dataclass(frozen=True)
class KeyPhrase:
    """A key phrase (YAKE: lower score = more characteristic) and where it first came."""

    text: str
    score: float
    count: int
    first: float


@dataclass(frozen=True)
class Language:
    """What the words do.

    Attributes:
        sentences: the talk cut into sentences, each with its VADER compound sentiment (-1..1).
        fillers_by_kind, filler_count, filler_per_min, filler_ratio: from the speech stage's filler flags;
            per minute of speaking time, ratio to all words said.
        hedges, repetitions, sensitive, profanity, long_sentences, questions, undercuts: findings.
        overused: content words used far more than the rest, with counts.
        flesch_reading_ease, fk_grade: readability (own syllable counter).
        words_per_sentence: mean sentence length in words.
        type_token_ratio, mattr: vocabulary diversity (moving-average TTR over 50 words).
        sentiment: mean compound sentiment; sentiment_arc: (start, end, compound) over rolling sentence windows.
        key_phrases: YAKE key phrases.
        skipped_reason: why nothing was analysed, else ``None``.
    """

    sentences: tuple[Sentence, ...] = ()
    fillers_by_kind: dict[str, int] = field(default_factory=dict)
    filler_count: int = 0
    filler_per_min: float | None = None
    filler_ratio: float | None = None
    hedges: tuple[Finding, ...] = ()
    repetitions: tuple[Finding, ...] = ()
    sensitive: tuple[Finding, ...] = ()
    profanity: tuple[Finding, ...] = ()
    long_sentences: tuple[Finding, ...] = ()
    questions: tuple[Finding, ...] = ()
    undercuts: tuple[Finding, ...] = ()
    overused: tuple[tuple[str, int], ...] = ()
    flesch_reading_ease: float | None = None
    fk_grade: float | None = None
    words_per_sentence: float | None = None
    type_token_ratio: float | None = None
    mattr: float | None = None
    sentiment: float | None = None
    sentiment_arc: tuple[tuple[float, float, float], ...] = ()
    key_phrases: tuple[KeyPhrase, ...] = ()
    skipped_reason: str | None = None
