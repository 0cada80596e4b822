"""The contract between stages: frozen dataclasses, times in seconds from the start of the recording.

Every stage takes and returns these; ``podium.coach`` reads them, ``Report``
holds them all, and ``report.json`` is written from a ``Report`` and read back
into one (``podium.report.read``). One module per stage's result:

    media     MediaInfo, Audio, Recording, Span
    speech    Word, Segment, Transcript, Pause, PaceWindow, Pitch, Loudness, Rise, Voice
    language  Finding, Sentence, KeyPhrase, Language
    face      Face, FaceSample, HeadPose, Framing, Lighting
    slides    Slide, Deck, Reading, SlideUse, Slides
    coach     Score, Moment, Focus, Feedback
    report    Report
"""

from .coach import Feedback, Focus, Moment, Score
from .face import Face, FaceSample, Framing, HeadPose, Lighting
from .language import Finding, KeyPhrase, Language, Sentence
from .media import Audio, MediaInfo, Recording, Span
from .report import Report
from .slides import Deck, Reading, Slide, Slides, SlideUse
from .speech import Loudness, PaceWindow, Pause, Pitch, Rise, Segment, Transcript, Voice, Word

__all__ = [
    "Audio",
    "Deck",
    "Face",
    "FaceSample",
    "Feedback",
    "Finding",
    "Focus",
    "Framing",
    "HeadPose",
    "KeyPhrase",
    "Language",
    "Lighting",
    "Loudness",
    "MediaInfo",
    "Moment",
    "PaceWindow",
    "Pause",
    "Pitch",
    "Reading",
    "Recording",
    "Report",
    "Rise",
    "Score",
    "Segment",
    "Sentence",
    "Slide",
    "SlideUse",
    "Slides",
    "Span",
    "Transcript",
    "Voice",
    "Word",
]
