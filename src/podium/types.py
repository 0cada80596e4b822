"""The contract between stages: frozen dataclasses, times in seconds from the
start of the recording. Every stage takes and returns these, and
``report.json`` is their ``to_dict()`` (see ``podium.report``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "Audio",
    "Feedback",
    "Finding",
    "KeyPhrase",
    "Language",
    "Loudness",
    "MediaInfo",
    "Moment",
    "PaceWindow",
    "Pause",
    "Pitch",
    "Recording",
    "Report",
    "Score",
    "Segment",
    "Sentence",
    "Span",
    "Transcript",
    "Voice",
    "Word",
]


@dataclass(frozen=True)
class MediaInfo:
    """What the container holds, read without decoding it.

    Attributes:
        path: the file as given.
        sha256: hex digest of the file's bytes.
        duration_s: container duration in seconds (longest stream).
        has_audio, has_video: whether a decodable stream of that kind exists.
        width, height: display size of the video (after rotation), else ``None``.
        fps: average video frame rate, else ``None``.
        rotation: degrees the video must be turned to display upright (0, 90, 180, 270).
        audio_codec, video_codec: codec names, else ``None``.
        container: the demuxer's name (``mov,mp4,m4a,3gp,3g2,mj2``, ``wav`` ...).
    """

    path: str
    sha256: str
    duration_s: float
    has_audio: bool
    has_video: bool
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    rotation: int = 0
    audio_codec: str | None = None
    video_codec: str | None = None
    container: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, eq=False)
class Audio:
    """Decoded mono audio.

    Attributes:
        samples: float32 samples in [-1, 1], shape ``(n,)``.
        sr: sample rate in Hz (16000 after ``media.load``).
    """

    samples: np.ndarray
    sr: int = 16000

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sr


@dataclass(frozen=True, eq=False)
class Recording:
    """A loaded recording: metadata plus decoded audio (``None`` when there is none)."""

    info: MediaInfo
    audio: Audio | None


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
class Span:
    """A time range in seconds."""

    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


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

    @property
    def long_pauses(self) -> tuple[Pause, ...]:
        return tuple(p for p in self.pauses if p.long)


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


@dataclass(frozen=True)
class Score:
    """One dimension's score and what it rests on.

    Attributes:
        dimension: ``pace``, ``fillers``, ``pauses``, ``vocal_variety``, ``language`` ...
        score: 0-100, or ``None`` when there was too little evidence (see ``reason``).
        band: ``excellent``, ``good``, ``needs work`` or ``unscored``.
        value: the figure behind the score, in words ("143 wpm").
        target: the recommended range and its source.
        basis: what the score rests on ("2.1 min of speech, 310 words").
        tip: one thing to try.
        reason: why the dimension is unscored, else ``None``.
    """

    dimension: str
    score: int | None
    band: str
    value: str
    target: str
    basis: str
    tip: str
    reason: str | None = None


@dataclass(frozen=True)
class Moment:
    """A stretch of the talk worth revisiting: evidence and one thing to try.

    Attributes:
        start, end: seconds.
        kind: ``filler_cluster``, ``hesitation``, ``long_pause``, ``rushed``, ``dragging``,
            ``monotone``, ``quiet``, ``hedges``, ``repetition``, ``sensitive``, ``profanity``,
            ``long_sentence``, ``undercut_opening``, ``undercut_closing``.
        dimension: the score it bears on.
        severity: ``minor`` or ``major``.
        evidence: what was measured there.
        tip: what to try.
    """

    start: float
    end: float
    kind: str
    dimension: str
    severity: str
    evidence: str
    tip: str


@dataclass(frozen=True)
class Feedback:
    """The coach's view: scores, moments, and what to work on first.

    Attributes:
        overall: weighted mean of the scored dimensions, or ``None`` if none was scored.
        scores: one per dimension, in display order.
        moments: in time order.
        priorities: two or three sentences, most impact first, each naming a moment when there is one.
        strengths: what already works, with the figure.
        coverage: what the feedback rests on (speech minutes, words, transcript confidence).
    """

    overall: int | None
    scores: tuple[Score, ...]
    moments: tuple[Moment, ...]
    priorities: tuple[str, ...]
    strengths: tuple[str, ...]
    coverage: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Report:
    """Everything Podium found in one recording; ``podium.report`` serialises it.

    Attributes:
        source: the media metadata.
        transcript: ``None`` when there was no audio.
        voice: ``None`` when there was no audio.
        language, feedback: the coach's analysis (``None`` when there was no audio).
        face: a :class:`podium.face.Face` (``None`` when the video was not analysed).
        notes: plain sentences about what was and was not analysed.
        timings: seconds spent per stage.
        options: the options used, as a JSON-able dict.
    """

    source: MediaInfo
    transcript: Transcript | None
    voice: Voice | None
    language: Language | None = None
    feedback: Feedback | None = None
    face: Any = None
    notes: tuple[str, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
