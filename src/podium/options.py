"""One frozen options dataclass per stage, nested in :class:`AnalysisOptions`.

Every field is validated when the object is built, so a bad value fails
before any decoding starts, with a message that names the field and shows the
value. Thresholds cite their source; see also ``DESIGN.md`` section 4.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from .config import CoachConfig
from .errors import ParameterError

__all__ = [
    "AnalysisOptions",
    "FaceOptions",
    "MediaOptions",
    "SlideOptions",
    "SpeechOptions",
    "VoiceOptions",
    "talk_name",
]

TALK_MAX = 200  # characters in a talk's name (the store's column holds this many)


def talk_name(text: str | None) -> str | None:
    """A talk's name as it is kept: one line, each run of spaces one space; None when nothing is left.

    Raises:
        ParameterError: longer than ``TALK_MAX`` characters.
    """
    name = " ".join((text or "").split())
    _check(len(name) <= TALK_MAX, "talk", text, f"must be at most {TALK_MAX} characters")
    return name or None


def _check(ok: bool, name: str, value: object, need: str) -> None:
    if not ok:
        raise ParameterError(f"{name}={value!r}: {need}")


@dataclass(frozen=True)
class MediaOptions:
    """Decoding.

    Attributes:
        max_duration_s: refuse recordings longer than this (seconds); protects a
            shared server from a day-long upload. ``None`` means no limit.
        min_duration_s: refuse recordings shorter than this (seconds): too short to say anything about (a
            truncated download of a few kilobytes, say), so a batch lists them with the failures.
    """

    max_duration_s: float | None = 4 * 3600.0
    min_duration_s: float = 1.0

    def __post_init__(self) -> None:
        m = self.max_duration_s
        _check(m is None or m > 0, "max_duration_s", m, "must be positive or None")
        _check(self.min_duration_s >= 0, "min_duration_s", self.min_duration_s, "must be >= 0")


@dataclass(frozen=True)
class SpeechOptions:
    """Speech recognition and fillers.

    Attributes:
        model: ``"tiny.en"`` (bundled, default), ``"base"`` (the ``[base]`` extra),
            another faster-whisper model name (needs the network the first time
            it is fetched) or a path to a CTranslate2 model folder.
        language: spoken language; English only is supported by ``tiny.en``.
        beam_size: beam search width (1 = greedy, faster).
        filler_prompt: start decoding the chunks that hold filler-like sound (a
            steady, low, voiced stretch) with a short disfluent prompt, so that the
            recogniser writes "um"/"uh" instead of dropping them (DESIGN.md section 4);
            other chunks are decoded without it, as it costs accuracy on fluent speech.
        recover_fillers: look for filled pauses the recogniser left out: voiced
            stretches between words, and steady ones inside a word it stretched over them.
        batch_size: speech chunks (up to 30 s each) each recogniser worker decodes
            together. Memory grows with it (Whisper keeps every chunk's encoded 30 s
            for each of the beam's hypotheses): two workers of 2 peak near 750 MB on
            an 11.6-minute talk, one worker of 4 near 650 MB, two of 4 near 1 GB, for
            5-10 % more speed (bench/speech_bench.py).
        cpu_threads: cores for the recogniser: that many workers of one thread each,
            a batch of chunks apiece (0 = every core, at most 4).
        compute_type: CTranslate2 compute type (``int8`` is fastest on CPU).
        window_s: seconds of audio the recogniser's encoder takes in at once. Whisper was trained on 30 s and
            pads shorter audio to that; its encoder's cost grows faster than the window (attention), so a 15 s
            window encodes in a quarter of the time. Below 30 s, speech is cut into chunks that leave at least
            2 s of the window empty (tiny.en, shared clean clips in 10 s pieces: WER 0.040 at 30 s, 20 s and
            15 s; 0.037 at 12 s; 0.046 at 10 s; with no padding left it breaks down, 0.54).
    """

    model: str = "tiny.en"
    language: str = "en"
    beam_size: int = 5
    filler_prompt: bool = True
    recover_fillers: bool = True
    batch_size: int = 2
    cpu_threads: int = 0
    compute_type: str = "int8"
    window_s: float = 30.0

    def __post_init__(self) -> None:
        _check(bool(self.model.strip()), "model", self.model, "must name a model")
        _check(10.0 <= self.window_s <= 30.0, "window_s", self.window_s, "must be 10-30 seconds")
        _check(1 <= self.beam_size <= 20, "beam_size", self.beam_size, "must be 1-20")
        _check(1 <= self.batch_size <= 64, "batch_size", self.batch_size, "must be 1-64")
        _check(self.cpu_threads >= 0, "cpu_threads", self.cpu_threads, "must be >= 0")
        _check(len(self.language) in (2, 3), "language", self.language, "must be an ISO 639 code like 'en'")


@dataclass(frozen=True)
class VoiceOptions:
    """Pace, pauses, pitch, loudness.

    Attributes:
        pause_min_s: shortest silence counted as a pause, 0.25 s (DESIGN.md section 4;
            research uses 0.1-1.0 s).
        long_pause_s: a pause this long or longer is "long", 2.0 s (DESIGN.md section 4).
        pace_window_s: rolling pace window, 30 s (DESIGN.md section 4).
        pace_step_s: step between rolling windows.
        fmin_hz, fmax_hz: pitch search range (Praat's defaults 75-600 Hz); a voice found
            pressing on ``fmin_hz`` is searched again from 55 Hz (``podium.pitch.track``).
        monotone_window_s: window for monotone detection.
        monotone_st: a window whose F0 spread is under this many semitones is
            monotone; Praat measures 4.7-5.8 st for human readers and 1.9 for a
            flat synthetic voice (DESIGN.md section 3), so 2.5 st sits between them.
        quiet_db: speech this many dB under the speaker's median is "too quiet".
        quiet_min_s: shortest too-quiet stretch reported.
        contour_step_s: time step of the pitch and loudness contour kept for charts.
    """

    pause_min_s: float = 0.25
    long_pause_s: float = 2.0
    pace_window_s: float = 30.0
    pace_step_s: float = 5.0
    fmin_hz: float = 75.0
    fmax_hz: float = 600.0
    monotone_window_s: float = 10.0
    monotone_st: float = 2.5
    quiet_db: float = 10.0
    quiet_min_s: float = 3.0
    contour_step_s: float = 0.25

    def __post_init__(self) -> None:
        _check(self.pause_min_s > 0, "pause_min_s", self.pause_min_s, "must be > 0")
        _check(
            self.long_pause_s > self.pause_min_s,
            "long_pause_s",
            self.long_pause_s,
            f"must be greater than pause_min_s={self.pause_min_s}",
        )
        _check(self.pace_window_s > 0, "pace_window_s", self.pace_window_s, "must be > 0")
        _check(
            0 < self.pace_step_s <= self.pace_window_s,
            "pace_step_s",
            self.pace_step_s,
            f"must be in (0, pace_window_s={self.pace_window_s}]",
        )
        _check(
            0 < self.fmin_hz < self.fmax_hz <= 2000,
            "fmin_hz/fmax_hz",
            (self.fmin_hz, self.fmax_hz),
            "need 0 < fmin_hz < fmax_hz <= 2000",
        )
        _check(self.monotone_window_s > 0, "monotone_window_s", self.monotone_window_s, "must be > 0")
        _check(self.monotone_st > 0, "monotone_st", self.monotone_st, "must be > 0")
        _check(self.quiet_db > 0, "quiet_db", self.quiet_db, "must be > 0")
        _check(self.quiet_min_s > 0, "quiet_min_s", self.quiet_min_s, "must be > 0")
        _check(0.01 <= self.contour_step_s <= 10, "contour_step_s", self.contour_step_s, "must be 0.01-10 s")


@dataclass(frozen=True)
class FaceOptions:
    """Face analysis.

    Attributes:
        sample_fps: samples per second of video analysed (5: a glance lasts longer than 0.2 s).
        max_side: frames are downscaled so that their longer side is at most this many pixels.
        smile_threshold: mean of the two smile blendshapes above which a face is smiling
            (real photos here: smiling 0.60-0.95, not smiling 0.00-0.12; DESIGN.md section 3).
        eyes_closed_threshold: mean blink blendshape above which the eyes count as closed
            (Yale "sleepy" 0.44-0.77, "normal" 0.08-0.25 here).
        max_yaw, max_pitch: head turned further than this from the speaker's own median pose
            is not eye contact (degrees; Podium's choice).
        iris_band: the iris must sit within this share of the eye's width from its middle.
        looking_down_pitch: head pitched this far below the speaker's median counts as looking down.
        dark_brightness: mean face luma (0-255) under this is too dark (Podium's choice).
        expressions: run the opt-in 7-class apparent-expression model (see docs; off in EU workplaces
            and schools).
        max_faces: faces looked for per frame.
    """

    sample_fps: float = 5.0
    max_side: int = 640
    smile_threshold: float = 0.35
    eyes_closed_threshold: float = 0.4
    max_yaw: float = 20.0
    max_pitch: float = 15.0
    iris_band: float = 0.17
    looking_down_pitch: float = 15.0
    dark_brightness: float = 60.0
    expressions: bool = False
    max_faces: int = 4

    def __post_init__(self) -> None:
        if not 0.2 <= self.sample_fps <= 30:
            raise ParameterError(f"sample_fps={self.sample_fps!r}: must be 0.2-30")
        if not 160 <= self.max_side <= 4096:
            raise ParameterError(f"max_side={self.max_side!r}: must be 160-4096")
        if not 1 <= self.max_faces <= 10:
            raise ParameterError(f"max_faces={self.max_faces!r}: must be 1-10")


@dataclass(frozen=True)
class SlideOptions:
    """The deck the talk was given with.

    Attributes:
        deck: a PDF or PPTX file.
        times: a timing file (one start time per slide, or ``slide, time`` lines); else the slides are looked for in
            the video, else aligned to the words said.
        target_minutes: the talk's target length; the report names the slide on which it ran over.
        optional: analyse the talk without the deck when the deck cannot be read (a note says why), instead of
            refusing the analysis.
        name: the deck's name as the report shows it (default: its file name; the web app gives the name the
            speaker uploaded, so that no server path reaches a report).
    """

    deck: str
    times: str | None = None
    target_minutes: float | None = None
    optional: bool = False
    name: str | None = None

    def __post_init__(self) -> None:
        t = self.target_minutes
        _check(t is None or (math.isfinite(t) and t > 0), "target_minutes", t, "must be a positive number of minutes")


@dataclass(frozen=True)
class AnalysisOptions:
    """All options of one analysis; picklable, so batch workers can share it.

    Attributes:
        media, speech, voice, face: per-stage options.
        analyze_face: look at the video too (when there is one and the face extra is installed).
        coach: the coaching thresholds (``data/coach.toml``, or a user's file via
            ``CoachConfig.load(path)``).
        slides: the deck, when the talk was given with one.
        talk: which talk this recording is a take of ("Keynote", "Job talk"): kept in the
            report, so that progress follows the takes of one talk, not of every talk at once.
    """

    media: MediaOptions = field(default_factory=MediaOptions)
    speech: SpeechOptions = field(default_factory=SpeechOptions)
    voice: VoiceOptions = field(default_factory=VoiceOptions)
    face: FaceOptions = field(default_factory=FaceOptions)
    coach: CoachConfig = field(default_factory=CoachConfig.load)
    analyze_face: bool = True
    slides: SlideOptions | None = None
    talk: str | None = None

    def __post_init__(self) -> None:
        if self.talk is not None:
            talk = talk_name(self.talk)
            _check(talk is not None, "talk", self.talk, f"must be 1-{TALK_MAX} characters")
            object.__setattr__(self, "talk", talk)

    def to_dict(self) -> dict[str, Any]:
        return {
            **({"slides": asdict(self.slides)} if self.slides is not None else {}),
            **({"talk": self.talk} if self.talk is not None else {}),
            "media": asdict(self.media),
            "speech": asdict(self.speech),
            "voice": asdict(self.voice),
            "face": asdict(self.face),
            "analyze_face": self.analyze_face,
            "coach": self.coach.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AnalysisOptions:
        """Build from a nested dict (as ``to_dict`` writes); unknown keys are errors."""
        parts: dict[str, Any] = {}
        kinds = {
            "media": MediaOptions,
            "speech": SpeechOptions,
            "voice": VoiceOptions,
            "face": FaceOptions,
            "slides": SlideOptions,
        }
        data = dict(data)
        if "analyze_face" in data:
            parts["analyze_face"] = bool(data.pop("analyze_face"))
        if "talk" in data:
            parts["talk"] = data.pop("talk")
        coach = data.pop("coach", None)
        if coach is not None:
            parts["coach"] = CoachConfig.from_dict(coach)
        for key, value in data.items():
            if key not in kinds:
                raise ParameterError(f"unknown options section {key!r}; expected one of {sorted(kinds)}")
            known = {f.name for f in fields(kinds[key])}
            bad = sorted(set(value) - known)
            if bad:
                raise ParameterError(f"unknown {key} option(s) {bad}; expected some of {sorted(known)}")
            parts[key] = kinds[key](**value)
        return cls(**parts)
