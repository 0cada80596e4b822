"""What was said and how it sounded: the speech, pitch and voice stages' results."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .media import Span

__all__ = ["Loudness", "PaceWindow", "Pause", "Pitch", "Segment", "Transcript", "Voice", "Word"]


@dataclass(frozen=True)
class Word:
    """One recognised word.

    Attributes:
        text: the word as written, without surrounding spaces ("um", "like,").
        start, end: seconds.
        confidence: recogniser probability, 0-1.
        filler: true when the word is a filler in context (see ``podium.fillers``).
        filler_kind: ``"um"``, ``"uh"``, ``"like"``, ``"you know"`` ... or ``None``.
        source: ``"asr"`` for recogniser words, ``"recovered"`` for filled pauses
            found in the audio that the recogniser left out.
    """

    text: str
    start: float
    end: float
    confidence: float
    filler: bool = False
    filler_kind: str | None = None
    source: str = "asr"


@dataclass(frozen=True)
class Segment:
    """A stretch of words the recogniser returned together."""

    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Transcript:
    """What was said.

    Attributes:
        language: ISO code of the language transcribed.
        words: every word in time order, fillers included.
        segments: recogniser segments (roughly sentences).
        model: name of the speech model used.
        speech_spans: stretches the voice-activity detector heard as speech.
    """

    language: str
    words: tuple[Word, ...]
    segments: tuple[Segment, ...]
    model: str = ""
    speech_spans: tuple[Span, ...] = ()

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def mean_confidence(self) -> float | None:
        return float(np.mean([w.confidence for w in self.words])) if self.words else None


@dataclass(frozen=True)
class Pause:
    """A silence between two stretches of speech.

    Attributes:
        start, end: seconds.
        long: at least ``VoiceOptions.long_pause_s``.
        position: ``"sentence"`` after a sentence end, ``"phrase"`` after a comma,
            ``"mid"`` inside a phrase (a hesitation), ``"filler"`` next to a filler.
    """

    start: float
    end: float
    long: bool
    position: str

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class PaceWindow:
    """Words per minute in one rolling window."""

    start: float
    end: float
    wpm: float
    words: int


@dataclass(frozen=True)
class Pitch:
    """Intonation summary.

    Attributes:
        median_hz: median F0 of voiced frames, ``None`` when nothing was voiced.
        variation_st: spread of F0 in semitones around the median (robust SD:
            1.4826 x median absolute deviation).
        range_st: 5th-95th percentile range in semitones, over frames within an
            octave of the median (frames further out are mostly tracking slips).
        voiced_ratio: voiced share of the speech time.
        monotone_spans: windows whose spread stays under the monotone threshold.
    """

    median_hz: float | None
    variation_st: float | None
    range_st: float | None
    voiced_ratio: float
    monotone_spans: tuple[Span, ...] = ()


@dataclass(frozen=True)
class Loudness:
    """Loudness summary, in dB relative to full scale, over speech only.

    Attributes:
        median_dbfs: median short-term RMS level of speech.
        variation_db: robust SD of that level across speech.
        quiet_spans: speech stretches well below the speaker's median.
    """

    median_dbfs: float | None
    variation_db: float | None
    quiet_spans: tuple[Span, ...] = ()


@dataclass(frozen=True)
class Rise:
    """How the pitch moves over the last word of a sentence.

    Attributes:
        start, end: the stretch measured (seconds): the sentence's last word, at most its last 0.6 s.
        semitones: median F0 of its last third against its first third (positive: rising).
        question: the sentence is a question (it ends in "?"), where a rise is expected.
    """

    start: float
    end: float
    semitones: float
    question: bool


@dataclass(frozen=True)
class Voice:
    """How it was said.

    Attributes:
        wpm: words per minute of speaking time: from the first word to the last,
            less long pauses (the conventional speaking rate that the 100-165 wpm
            guidance in DESIGN.md section 4 refers to). Non-lexical fillers are not words.
        wpm_overall: words per minute over the whole recording.
        articulation_wpm: words per minute with every pause of ``pause_min_s`` or
            more taken out: how fast the words themselves come.
        speaking_time_s: time between first and last word less long pauses.
        pauses: every pause at least ``pause_min_s`` long.
        pace_timeline: rolling windows.
        pitch, loudness: summaries.
        skipped_reason: why nothing was measured (no audio, no speech), else ``None``.
        contour: ``(t, f0_hz, level_db)`` every ``VoiceOptions.contour_step_s`` for charts: the median F0 of
            the voiced frames in the step (``None`` when none is voiced) and the mean level in dBFS.
        sentence_ends: the pitch movement at the end of each sentence (uptalk, ``podium.coach.uptalk``).
    """

    wpm: float | None
    wpm_overall: float | None
    articulation_wpm: float | None
    speaking_time_s: float
    pauses: tuple[Pause, ...]
    pace_timeline: tuple[PaceWindow, ...]
    pitch: Pitch
    loudness: Loudness
    skipped_reason: str | None = None
    contour: tuple[tuple[float, float | None, float], ...] = ()
    sentence_ends: tuple[Rise, ...] = ()

    @property
    def long_pauses(self) -> tuple[Pause, ...]:
        return tuple(p for p in self.pauses if p.long)
