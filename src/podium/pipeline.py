"""``analyze(path, options) -> Report``: the only module that knows stage order.

    media.load -> speech.transcribe -> pitch.track -> speech.recover_fillers
      -> voice.measure -> language.analyze -> feedback.assess -> Report

A stage that cannot run (no audio) leaves its part empty with a note; a file
with nothing Podium can analyse is an :class:`InputError`.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable

from . import feedback, language, media, pitch, speech, voice
from .errors import InputError
from .options import AnalysisOptions
from .types import Report

__all__ = ["ProgressHook", "analyze"]

log = logging.getLogger(__name__)

ProgressHook = Callable[[str, float, float], None]
"""Called as ``hook(stage, done, total)``; for ``"speech"`` both are seconds of audio."""


def analyze(
    path: str | os.PathLike[str],
    options: AnalysisOptions | None = None,
    progress: ProgressHook | None = None,
    *,
    recognizer: speech.Recognizer | None = None,
) -> Report:
    """Analyse one recording.

    Args:
        path: an audio or video file.
        options: analysis options (defaults: bundled tiny.en model, DESIGN.md thresholds).
        progress: optional hook, called between and during stages.
        recognizer: a speech recogniser to use instead of the one ``options`` names.

    Raises:
        InputError: the file cannot be used (missing, corrupt, no audio ...).
        ModelNotFound, MissingDependency: a model or extra is missing.
        StageError: a stage failed on this recording.
    """
    options = options or AnalysisOptions()
    hook = progress or (lambda stage, done, total: None)
    timings: dict[str, float] = {}
    notes: list[str] = []

    t = time.perf_counter()
    hook("media", 0, 1)
    rec = media.load(path, options.media)
    timings["media"] = time.perf_counter() - t
    info = rec.info
    hook("media", 1, 1)
    if rec.audio is None:
        raise InputError(
            f"{info.path}: has video but no audio stream. Podium analyses speech (words, fillers, "
            "pace, pauses, pitch, loudness), so there is nothing it can analyse in this file.",
            info.path,
        )
    if info.has_video:
        notes.append("The video stream was not analysed: this version analyses the audio only.")
    audio = rec.audio

    t = time.perf_counter()
    hook("speech", 0, audio.duration_s)
    transcript = speech.transcribe(
        audio,
        options.speech,
        recognizer=recognizer,
        recover=False,
        progress=lambda done: hook("speech", min(done, audio.duration_s), audio.duration_s),
    )
    timings["speech"] = time.perf_counter() - t
    hook("speech", audio.duration_s, audio.duration_s)
    if not transcript.words:
        notes.append("No speech was recognised in the audio.")

    t = time.perf_counter()
    hook("voice", 0, 1)
    track = pitch.track(audio.samples, audio.sr, fmin=options.voice.fmin_hz, fmax=options.voice.fmax_hz)
    if options.speech.recover_fillers and transcript.words:
        transcript = speech.recover_fillers(audio, transcript, track)
    timings["pitch"] = time.perf_counter() - t
    t = time.perf_counter()
    measured = voice.measure(audio, transcript, options.voice, track=track)
    timings["voice"] = time.perf_counter() - t
    hook("voice", 1, 1)

    t = time.perf_counter()
    hook("coach", 0, 1)
    words = language.analyze(transcript, options.coach)
    coaching = feedback.assess(transcript, measured, words, face=None, config=options.coach)
    timings["coach"] = time.perf_counter() - t
    hook("coach", 1, 1)
    return Report(
        source=info,
        transcript=transcript,
        voice=measured,
        language=words,
        feedback=coaching,
        notes=tuple(notes),
        timings={k: round(v, 3) for k, v in timings.items()},
        options=options.to_dict(),
    )
