"""``analyze(path, options) -> Report``: the only module that knows stage order.

    media.load -> speech.transcribe -> pitch.track -> speech.recover_fillers
      -> voice.measure -> language.analyze -> feedback.assess -> Report
    face.observe runs alongside, in its own process, when there is video.

A stage that cannot run (no audio) leaves its part empty with a note; a file
with nothing Podium can analyse is an :class:`InputError`.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import time
from collections.abc import Callable
from typing import Any

from . import face as face_stage
from . import feedback, language, media, pitch, speech, voice
from .errors import InputError, PodiumError
from .options import AnalysisOptions
from .types import MediaInfo, Report

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
    # the face runs in its own process while speech runs here: two cores, two stages
    faces = _FaceJob(info, options, notes) if info.has_video else None
    if rec.audio is None:
        if faces is None or not faces.started:
            if faces is not None:
                faces.close()
            raise InputError(
                f"{info.path}: has video but no audio stream. Podium analyses speech (words, fillers, pace, pauses, "
                "pitch, loudness), and face analysis is off or not installed, so there is nothing it can analyse.",
                info.path,
            )
        notes.append("No audio stream: only the face was analysed (no words, pace, pauses, pitch or loudness).")
        observed = faces.result(timings)
        coaching = feedback.assess_face(observed, options.coach)
        return Report(
            source=info,
            transcript=None,
            voice=None,
            face=observed,
            feedback=coaching,
            notes=tuple(notes),
            timings={k: round(v, 3) for k, v in timings.items()},
            options=options.to_dict(),
        )
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

    observed = None
    if faces is not None:
        hook("face", 0, 1)
        observed = faces.result(timings)
        hook("face", 1, 1)

    t = time.perf_counter()
    hook("coach", 0, 1)
    words = language.analyze(transcript, options.coach)
    coaching = feedback.assess(transcript, measured, words, face=observed, config=options.coach)
    timings["coach"] = time.perf_counter() - t
    hook("coach", 1, 1)
    return Report(
        source=info,
        transcript=transcript,
        voice=measured,
        language=words,
        face=observed,
        feedback=coaching,
        notes=tuple(notes),
        timings={k: round(v, 3) for k, v in timings.items()},
        options=options.to_dict(),
    )


def _quiet_worker() -> None:
    """MediaPipe's native code logs to file descriptor 2; keep a user's terminal clean (errors still
    come back as exceptions). PODIUM_DEBUG=1 keeps the logs."""
    if not os.environ.get("PODIUM_DEBUG"):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)


class _FaceJob:
    """face.observe in a separate process (spawned: MediaPipe and CTranslate2 each bring their own threads)."""

    def __init__(self, info: MediaInfo, options: AnalysisOptions, notes: list[str]) -> None:
        self.notes = notes
        self.pool: Any = None
        self.future: Any = None
        self.t0 = time.perf_counter()
        self.fps = options.face.sample_fps
        if not options.analyze_face:
            notes.append("The video was not analysed (face analysis turned off).")
            return
        if importlib.util.find_spec("mediapipe") is None:
            notes.append(
                "The video was not analysed: face analysis needs MediaPipe (pip install 'podium-coach[face]')."
            )
            return
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"), initializer=_quiet_worker)
        self.future = self.pool.submit(face_stage.observe, info, options.face)

    @property
    def started(self) -> bool:
        return self.future is not None

    def result(self, timings: dict[str, float]) -> face_stage.Face | None:
        if self.future is None:
            return None
        try:
            return self.future.result()
        except PodiumError as e:
            self.notes.append(f"The video could not be analysed: {e}")
            return None
        except Exception as e:  # a crashed worker must not lose the speech analysis
            self.notes.append(f"The video could not be analysed (face worker failed: {type(e).__name__}: {e}).")
            return None
        finally:
            timings["face"] = time.perf_counter() - self.t0
            self.close()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
