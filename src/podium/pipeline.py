"""``analyze(path, options) -> Report``: the only module that knows stage order.

    slides.read_deck (first: a bad deck is refused before any work)
    media.load -> pitch.track (alongside the recogniser's speech detection) -> speech.transcribe
      -> speech.recover_fillers
      -> voice.measure -> language.analyze -> slides.analyze -> coach.assess -> Report
    face.observe runs alongside, in its own process, when there is video.

A stage that cannot run (no audio) leaves its part empty with a note; a file
with nothing Podium can analyse is an :class:`InputError`.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import pickle
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, TypeVar

from . import coach, language, media, pitch, slides, speech, voice
from .cores import face_threads, few_malloc_arenas, one_blas_thread
from .errors import InputError, PodiumError
from .models import FACE as FACE_MODEL
from .models import find as find_model
from .options import AnalysisOptions, SlideOptions
from .types import Deck, Face, MediaInfo, Report, Slides, Transcript

__all__ = ["ProgressHook", "analyze"]

log = logging.getLogger(__name__)

T = TypeVar("T")

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
    few_malloc_arenas()  # memory freed by one thread serves the next (see podium.cores)
    with one_blas_thread():  # the same bits whatever the engine or thread count (see podium.cores)
        return _analyze(path, options or AnalysisOptions(), progress, recognizer)


def _analyze(
    path: str | os.PathLike[str],
    options: AnalysisOptions,
    progress: ProgressHook | None,
    recognizer: speech.Recognizer | None,
) -> Report:
    hook = progress or (lambda stage, done, total: None)
    timings: dict[str, float] = {}
    notes: list[str] = []

    deck = _slide_step(options, notes, lambda o: slides.read_deck(o.deck))  # a bad deck costs no analysis
    t = time.perf_counter()
    hook("media", 0, 1)
    info = media.probe(path, options.media)  # what the face processes need, without decoding the audio first
    probed = time.perf_counter() - t
    slide_times = None  # read once, and checked against the deck and the recording's length before the work starts
    if deck is not None and options.slides is not None and options.slides.times is not None:
        n = len(deck.slides)
        slide_times = _slide_step(options, notes, lambda o: slides.timing.from_file(o.times or "", n, info.duration_s))
        if slide_times is None:  # unreadable and optional: the talk without its slides
            deck = None

    def report(**parts: Any) -> Report:
        timed = {k: round(v, 3) for k, v in timings.items()}
        now = datetime.now(UTC).isoformat(timespec="seconds")
        return Report(
            source=info,
            notes=tuple(notes),
            timings=timed,
            options=options.to_dict(),
            created_at=now,
            talk=options.talk,
            **parts,
        )

    # the face runs in its own processes while speech runs here: started before the audio is decoded, so that the
    # second core has work from the start
    faces = _FaceJob(info, options, notes) if info.has_video else None
    try:
        t = time.perf_counter()
        rec = media.load(path, options.media)
        timings["media"] = probed + time.perf_counter() - t  # the face processes' start is the face's own time
        hook("media", 1, 1)
        if rec.audio is None:
            if faces is None or not faces.started:
                raise InputError(
                    f"{info.path}: has video but no audio stream. Podium analyses speech (words, fillers, pace, "
                    "pauses, pitch, loudness), and face analysis is off or not installed, so there is nothing it can "
                    "analyse.",
                    info.path,
                )
            notes.append("No audio stream: only the face was analysed (no words, pace, pauses, pitch or loudness).")
            observed = faces.result(timings)
            return report(
                transcript=None, voice=None, face=observed, feedback=coach.assess_face(observed, options.coach)
            )
        audio = rec.audio

        t = time.perf_counter()
        hook("speech", 0, audio.duration_s)

        def tracked() -> pitch.PitchTrack:
            t = time.perf_counter()
            out = pitch.track(audio.samples, audio.sr, fmin=options.voice.fmin_hz, fmax=options.voice.fmax_hz)
            timings["pitch"] = time.perf_counter() - t
            return out

        # the pitch track tells the recogniser where filler-like sound is; it is computed while the recogniser
        # finds where speech is, and waited for only when the recogniser needs it
        with ThreadPoolExecutor(1, thread_name_prefix="podium-pitch") as pool:
            tracking = pool.submit(tracked)
            transcript = speech.transcribe(
                audio,
                options.speech,
                recognizer=recognizer,
                recover=False,
                track=tracking.result,
                progress=lambda done: hook("speech", min(done, audio.duration_s), audio.duration_s),
            )
            track = tracking.result()
        timings["speech"] = time.perf_counter() - t
        hook("speech", audio.duration_s, audio.duration_s)
        if not transcript.words:
            notes.append("No speech was recognised in the audio.")

        t = time.perf_counter()
        hook("voice", 0, 1)
        if options.speech.recover_fillers and transcript.words:
            transcript = speech.recover_fillers(audio, transcript, track)
        timings["fillers"] = time.perf_counter() - t
        t = time.perf_counter()
        measured = voice.measure(audio, transcript, options.voice, track=track)
        timings["voice"] = time.perf_counter() - t
        hook("voice", 1, 1)

        observed = None
        if faces is not None:
            hook("face", 0, 1)
            observed = faces.result(timings)
            hook("face", 1, 1)

        used = None
        if deck is not None:
            t = time.perf_counter()
            hook("slides", 0, 1)
            used = _slides(deck, slide_times, transcript, info, options)
            timings["slides"] = time.perf_counter() - t
            hook("slides", 1, 1)

        t = time.perf_counter()
        hook("coach", 0, 1)
        words = language.analyze(transcript, options.coach.of(coach.by_name("language")))
        coaching = coach.assess(transcript, measured, words, face=observed, config=options.coach, slides=used)
        timings["coach"] = time.perf_counter() - t
        hook("coach", 1, 1)
        return report(
            transcript=transcript, voice=measured, language=words, face=observed, feedback=coaching, slides=used
        )
    finally:  # the analysis failed or was stopped: the face process must not run on alone
        if faces is not None:
            faces.close()


def _slide_step(options: AnalysisOptions, notes: list[str], step: Callable[[SlideOptions], T]) -> T | None:
    """``step(options.slides)``; a bad deck or timing file is an error, or with ``optional`` a note and None."""
    o = options.slides
    if o is None:
        return None
    try:
        return step(o)
    except InputError as e:
        if not o.optional:
            raise
        said = str(e).replace(o.deck, o.name or o.deck)  # the deck as the speaker knows it
        said = said.replace(o.times, "the slide times") if o.times else said
        notes.append(f"The slides were not analysed: {said}")
        return None


def _slides(
    deck: Deck,
    times: list[tuple[int, float]] | None,
    transcript: Transcript,
    info: MediaInfo,
    options: AnalysisOptions,
) -> Slides:
    assert options.slides is not None
    o = options.slides
    return slides.analyze(
        deck,
        transcript,
        info.duration_s,
        times=times,
        video=info.path if info.has_video else None,
        target_s=o.target_minutes * 60 if o.target_minutes is not None else None,
        name=o.name,
    )


class _FaceJob:
    """face.observe in child processes, alongside speech: the video cut at keyframes into as many stretches as the
    recogniser has threads (:func:`podium.cores.face_threads`), one process each, joined into the one Face a single
    thread would give (:func:`podium.face.combine`). Processes rather than threads: the stretches' Python share
    (crops, pose, measures: a tenth of a sample's time) queued on one interpreter's lock, which cost 1.7 s of the
    face's 19 s on 2 cores. Each child is a fresh ``python -c`` that imports only podium.face: unlike
    multiprocessing's spawn, it never re-runs the caller's script, so a script without an ``if __name__ ==
    "__main__"`` guard, or code fed on stdin, gets its face analysis too. They run at the lowest priority, so the
    speech is done as fast as alone and the face fills the cores it leaves (``face._yield_to_speech``). Native
    libraries' logging goes to /dev/null (PODIUM_DEBUG=1 keeps it)."""

    def __init__(self, info: MediaInfo, options: AnalysisOptions, notes: list[str]) -> None:
        self.notes = notes
        self.options = options.face
        self.procs: list[subprocess.Popen[bytes]] = []
        self.t0 = time.perf_counter()
        if not options.analyze_face:
            notes.append("The video was not analysed (face analysis turned off).")
            return
        if any(importlib.util.find_spec(m) is None for m in ("ai_edge_litert", "cv2")):
            notes.append(
                "The video was not analysed: face analysis needs LiteRT and OpenCV (pip install 'podium-coach[face]')."
            )
            return
        if find_model(FACE_MODEL) is None:
            notes.append("The video was not analysed: the face model is not set up (run 'podium setup' once).")
            return
        from .face import stretches

        env = dict(os.environ, PODIUM_FACE_PARENT=str(os.getpid()))  # (see face._die_with_parent)
        # the child finds podium where this process did, installed or not
        env["PYTHONPATH"] = os.pathsep.join([p for p in sys.path if p] + [env.get("PYTHONPATH", "")]).strip(os.pathsep)
        parts = stretches(info, face_threads(options))
        for k, (start, end) in enumerate(parts):
            proc = subprocess.Popen(
                [sys.executable, "-c", "from podium.face import _child_main; _child_main()"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=None if os.environ.get("PODIUM_DEBUG") else subprocess.DEVNULL,
                env=env,
            )
            self.procs.append(proc)
            assert proc.stdin is not None
            with proc.stdin:
                proc.stdin.write(pickle.dumps((info, options.face, start, end, k == 0, len(parts) == 1)))

    @property
    def started(self) -> bool:
        return bool(self.procs)

    def result(self, timings: dict[str, float]) -> Face | None:
        if not self.procs:
            return None
        from .face import combine

        try:
            parts = []
            for proc in self.procs:  # in order: each child's answer waits in its pipe until read
                assert proc.stdout is not None
                out = proc.stdout.read()  # all of it, when the child is done
                proc.wait()
                try:
                    status, value = pickle.loads(out)
                except Exception:
                    code = proc.returncode
                    why = f"signal {-code}" if code < 0 else f"exit code {code}"
                    self.notes.append(f"The video could not be analysed (the face process stopped: {why}).")
                    return None
                if status != "ok":
                    if isinstance(value, PodiumError):
                        self.notes.append(f"The video could not be analysed: {value}")
                    else:  # a crash in the face stage must not lose the speech analysis
                        self.notes.append(
                            f"The video could not be analysed (face stage failed: {type(value).__name__}: {value})."
                        )
                    return None
                parts.append(value)
            return combine(parts, self.options)
        finally:
            timings["face"] = time.perf_counter() - self.t0
            self.close()

    def close(self) -> None:
        """Stop the children that still run (the analysis failed or was stopped meanwhile)."""
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            if proc.stdout is not None:
                proc.stdout.close()
        self.procs = []
