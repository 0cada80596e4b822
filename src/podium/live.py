"""Live rehearsal: words, fillers and measures while the speaker is still talking.

A :class:`LiveSession` is fed 16 kHz mono audio as it arrives (the web app's
Rehearse page streams it over a WebSocket). It cuts the stream into phrases
at pauses, and decodes with the same recogniser and filler detection as the
analysis of a file (:func:`podium.speech.transcribe`):

* the phrase being spoken is decoded again every half second; its words are
  *partial* and the next update may revise them;
* a phrase that has ended (a pause of ``END_PAUSE_S``, or ``MAX_PHRASE_S`` of
  unbroken speech, cut between its two words furthest apart) is decoded once
  more, for good, when a second more has been heard after it: its words are
  *final*.

Both are decoded as a file is (beam search, the filler prompt, the search for
filled pauses), so a word shown as partial is mostly shown as it will stay.

Each decode sees one phrase and a few seconds before it, in a 15 s window
instead of Whisper's 30 (``SpeechOptions.window_s``: the encoder does a quarter
of the work, for the same words), so the cost of an update does not grow with
the length of the rehearsal, and one session uses at most one core (one
recogniser thread, NumPy's BLAS on one thread). Pace is measured over the last
30 s; the page sets it against the report's band (``coach.toml``).
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from . import fillers, speech
from .cores import one_blas_thread
from .fillers import NON_LEXICAL, normalize
from .options import SpeechOptions
from .types import Audio, FaceSample, Word

__all__ = ["END_PAUSE_S", "MAX_PHRASE_S", "SR", "LiveCamera", "LiveFace", "LiveSession", "LiveState"]

SR = 16000
END_PAUSE_S = 0.6  # a phrase ends at a silence this long (pauses that long are where speakers breathe)
MAX_PHRASE_S = 10.0  # unbroken speech is cut after this long, between words (each decode stays short)
PARTIAL_EVERY_S = 0.5  # the open phrase is decoded again once this much more audio has come
SETTLE_S = 1.0  # an ended phrase is decoded for good once this much more has been heard after it
CONTEXT_S = 3.0  # final words heard again before each decode: fillers are judged between words, as in a file
WINDOW_S = 30.0  # pace is judged over the last 30 s, as in the report's timeline
RECOGNISER_WINDOW_S = 15.0  # the recogniser's window (SpeechOptions.window_s): a decode costs half what 30 s would
_FRAME = SR // 50  # 20 ms frames for the loudness meter
_QUIET_S = 5.0  # silence longer than this since the last cut is cut through (a decode never grows with silence)


@dataclass(frozen=True)
class LiveState:
    """What the live page shows after an update.

    Attributes:
        final: words made final by this update (never sent again).
        partial: the words of the phrase being spoken so far; they replace the
            previous update's partial words.
        heard_s: seconds of audio received.
        words: words said so far (final and partial), fillers excluded.
        fillers: fillers so far ("um", "uh", and lexical ones such as "like" in context; "you know" once).
        final_fillers: those among the final words (never revised down: what a nudge may count on).
        wpm: words per minute over the last 30 s, ``None`` under 10 s heard.
        pause_s: the silence at the end of what was heard (0 while speaking).
        level_db: the loudness of the last 100 ms (dBFS).
    """

    final: tuple[Word, ...]
    partial: tuple[Word, ...]
    heard_s: float
    words: int
    fillers: int
    final_fillers: int
    wpm: float | None
    pause_s: float
    level_db: float

    def public(self) -> dict[str, object]:
        """As JSON for the page."""

        def word(w: Word) -> dict[str, object]:
            return {"text": w.text, "start": w.start, "end": w.end, "filler": w.filler_kind if w.filler else None}

        return {
            "final": [word(w) for w in self.final],
            "partial": [word(w) for w in self.partial],
            "heard_s": round(self.heard_s, 2),
            "words": self.words,
            "fillers": self.fillers,
            "final_fillers": self.final_fillers,
            "wpm": None if self.wpm is None else round(self.wpm),
            "pause_s": round(self.pause_s, 1),
            "level_db": round(self.level_db, 1),
        }


class LiveSession:
    """One speaker's live rehearsal. ``feed`` may be called from one thread while ``update`` runs in another."""

    def __init__(self, options: SpeechOptions | None = None, *, recognizer: speech.Recognizer | None = None) -> None:
        # one thread; a phrase and its context fit in a 15 s window, which encodes in a quarter of Whisper's 30 s
        options = options or SpeechOptions()
        self.options = replace(options, cpu_threads=1, window_s=min(options.window_s, RECOGNISER_WINDOW_S))
        self._recognizer = recognizer
        self._lock = threading.Lock()
        self._buf = np.zeros(60 * SR, np.float32)  # grows by doubling: appending stays cheap in a long rehearsal
        self._n = 0  # samples received
        self._speech_end = 0.0  # s: where the voice-activity detector last heard speech end
        self._cut = 0  # samples: the words before are final
        self._pending: int | None = None  # where the open phrase ended, once it has (samples)
        self._decoded_at = 0  # samples received at the last decode
        self._final: list[Word] = []
        self._partial: tuple[Word, ...] = ()

    @property
    def heard_s(self) -> float:
        return self._n / SR

    def feed(self, pcm: np.ndarray) -> None:
        """Append audio: float samples in [-1, 1], or 16-bit integers."""
        x = np.asarray(pcm)
        x = x.astype(np.float32) / 32768.0 if x.dtype == np.int16 else x.astype(np.float32)
        x = x.reshape(-1)
        with self._lock:
            if self._n + x.size > self._buf.size:
                grown = np.zeros(max(2 * self._buf.size, self._n + x.size), np.float32)
                grown[: self._n] = self._buf[: self._n]
                self._buf = grown
            self._buf[self._n : self._n + x.size] = x
            self._n += x.size

    def audio(self) -> Audio:
        """Everything received so far (a view: later audio is appended after it, never over it)."""
        with self._lock:
            return Audio(self._buf[: self._n], SR)

    def update(self, *, final: bool = False) -> LiveState:
        """Decode what is due and say where the rehearsal stands; ``final=True`` makes every word final (Stop).

        Every decode covers the audio since the last cut, with ``CONTEXT_S`` before it, so that a filler at a
        phrase's edge is judged with words on both sides (as in a file). Where speech stops, the recogniser's own
        voice-activity detector says (Silero, as for a file; a level threshold fails in a noisy room or after
        digital silence). A phrase has ended after a pause of ``END_PAUSE_S``, or between the two words furthest
        apart once it has run ``MAX_PHRASE_S``; its words become final when ``SETTLE_S``
        more has been heard with them.
        """
        x = self.audio().samples
        n = len(x)
        settle = self._pending is not None and n - self._pending >= SETTLE_S * SR
        due = final or settle or n - self._decoded_at >= PARTIAL_EVERY_S * SR
        done: list[Word] = []
        if due and n > self._cut:
            words = self._decode(x, self._cut)
            self._decoded_at = n
            if final or settle:
                cut = n if final else self._pending
                assert cut is not None
                before = [final or (w.start + w.end) / 2 < cut / SR for w in words]  # Stop: every word is final
                done = [w for w, b in zip(words, before, strict=True) if b]
                self._final += done
                words = [w for w, b in zip(words, before, strict=True) if not b]
                self._cut, self._pending = cut, None
            self._partial = tuple(words)
            if self._pending is None and not final:
                self._pending = self._phrase_end(words, n)
        return self._state(done, x)

    def _phrase_end(self, words: Sequence[Word], n: int) -> int | None:
        """Where the open phrase ended (samples), if it has."""
        now, cut = n / SR, self._cut / SR
        if self._speech_end > cut and now - self._speech_end >= END_PAUSE_S:
            return int((self._speech_end + END_PAUSE_S / 2) * SR)
        if self._speech_end <= cut and now - cut >= _QUIET_S and not words:
            return n - SR // 2
        if now - cut >= MAX_PHRASE_S and len(words) >= 2:
            # between the two words furthest apart, not in the last second (its words may still change)
            pairs = itertools.pairwise(words)
            gaps = [(b.start - a.end, (a.end + b.start) / 2) for a, b in pairs if b.start < now - 1]
            if gaps:
                return int(max(gaps)[1] * SR)
        return None

    def _decode(self, x: np.ndarray, cut: int) -> list[Word]:
        """Words said after ``cut`` (samples), heard with ``CONTEXT_S`` before it, in the recording's time.

        Partial and final words alike are decoded as a file is. Greedy partial words cost a third less, but spelled
        otherwise than the final decode would ("Guttenberg"), they waited for it: up to a phrase's length (10 s).
        """
        a = self._context_start(cut)
        if len(x) - a < SR // 5:
            return []
        with one_blas_thread():  # NumPy's BLAS would add a second core (and other bits than a file's analysis)
            t = speech.transcribe(Audio(x[a:].copy(), SR), self.options, recognizer=self._recognizer)
        if t.speech_spans:
            self._speech_end = max(self._speech_end, t.speech_spans[-1].end + a / SR)
        words = [replace(w, start=round(w.start + a / SR, 3), end=round(w.end + a / SR, 3)) for w in t.words]
        return words[_already_final(words, self._final) :]

    def _context_start(self, cut: int) -> int:
        """Where a decode starts (samples): ``CONTEXT_S`` before ``cut``, or before the final word said there.

        Audio that starts in the middle of a word makes the recogniser guess at the half it hears ("liner" heard
        as "Learner"), a word that then cannot be matched to the final one and shows twice.
        """
        t = cut / SR - CONTEXT_S
        for i in range(len(self._final) - 1, -1, -1):  # from the last word back: a few steps, however long the talk
            w = self._final[i]
            if w.end <= t:
                break
            if w.start <= t:
                t = w.start - min(0.1, w.start - (self._final[i - 1].end if i else 0.0))
                break
        return max(0, int(t * SR))

    def _state(self, done: Sequence[Word], x: np.ndarray) -> LiveState:
        n = len(x)
        said = [*self._final, *self._partial]
        lexical = [w for w in said if not w.filler and not fillers.is_non_lexical(w)]
        now = n / SR
        wpm = None
        if now >= 10.0:
            span = min(WINDOW_S, now)
            wpm = sum(1 for w in lexical if w.end > now - span) / span * 60
        pause = max(0.0, now - self._speech_end) if self._speech_end > 0 else 0.0
        level = _level_db(x[: n - n % _FRAME][-5 * _FRAME :])  # the last 100 ms, in the frames counted from the start
        return LiveState(
            final=tuple(done),
            partial=self._partial,
            heard_s=now,
            words=len(lexical),
            fillers=len(fillers.occurrences(said)),
            final_fillers=len(fillers.occurrences(self._final)),
            wpm=wpm,
            pause_s=pause if pause >= 0.25 else 0.0,
            level_db=level,
        )

    def words(self) -> list[Word]:
        """The final words so far."""
        return list(self._final)


def _already_final(words: Sequence[Word], final: Sequence[Word], tail: int = 6, slack_s: float = 1.0) -> int:
    """How many of a decode's first ``words`` repeat the final words.

    The same word is timed a little differently each time it is decoded, so its time alone cannot say whether
    it was already final. The decode's words are matched, by text, to the end of the final ones: the longest run
    of the last ``tail`` final words that they contain, its last word within ``slack_s`` of the last final word
    (so a phrase said again later in the talk is not taken for the context). How far apart is measured between
    the two words' spans, not their ends: one decode may write a filler as the recogniser squeezed it in (0.12 s)
    and the next as the sound shows it (0.64 s, half a second later), one filler all the same. Without a match
    (the context heard otherwise this time: "forced liner" as "Force Learner"), the words that start before the
    last final word's middle are the repeated ones.
    """
    if not final:
        return 0
    said = [_said(w) for w in final[-tail:]]
    heard = [_said(w) for w in words]
    last = final[-1]
    for size in range(len(said), 0, -1):
        run = said[-size:]
        found = [
            j
            for j in range(len(heard) - size + 1)
            if heard[j : j + size] == run and _apart(words[j + size - 1], last) <= slack_s
        ]
        if found:
            j = min(found, key=lambda j: (_apart(words[j + size - 1], last), abs(words[j + size - 1].end - last.end)))
            return j + size
    return sum(1 for w in words if w.start < (last.start + last.end) / 2)


def _apart(a: Word, b: Word) -> float:
    """Seconds between two words' spans (0 where they overlap)."""
    return max(0.0, max(a.start, b.start) - min(a.end, b.end))


def _level_db(x: np.ndarray) -> float:
    """The loudest whole 20 ms frame of ``x`` (dBFS), -100 without one."""
    if len(x) < _FRAME:
        return -100.0
    frames = x[: len(x) - len(x) % _FRAME].reshape(-1, _FRAME).astype(np.float64)
    return float(10 * np.log10(np.mean(frames**2, axis=1).max() + 1e-10))


def _said(w: Word) -> str:
    """A word as matched between decodes: "Umm," and "um" are the same filler."""
    t = normalize(w.text)
    return NON_LEXICAL.get(t, t)


@dataclass(frozen=True)
class LiveFace:
    """What the camera shows now: a face in frame, and where it looks.

    Attributes:
        present: a face is in the frame.
        looking: ``"camera"`` (head frontal, irises centred, eyes open), ``"down"`` (head pitched
            ``looking_down_pitch`` below the speaker's own usual pose in this rehearsal, as the report
            judges it: notes, a laptop), ``"away"``, or ``None`` without a face.
    """

    present: bool
    looking: str | None

    def public(self) -> dict[str, object]:
        return {"type": "face", "present": self.present, "looking": self.looking}


class LiveCamera:
    """The face stage of the file analysis (MediaPipe's models on LiteRT), a still at a time (the page sends about
    two a second).

    Raises:
        MissingDependency: the face extra is not installed (live face feedback is then off; the take is still
            recorded).
    """

    def __init__(self) -> None:
        from .face.landmarks import Engine
        from .options import FaceOptions

        self.options = FaceOptions()
        self._engine = Engine(self.options)
        self._pitches: list[float] = []
        self._lock = threading.Lock()

    def look(self, image: bytes) -> LiveFace:
        """One JPEG or PNG frame from the page."""
        import io

        from PIL import Image

        try:
            with Image.open(io.BytesIO(image)) as im:
                rgb = np.asarray(im.convert("RGB"))
        except (OSError, ValueError):
            return LiveFace(False, None)
        with self._lock:  # one landmarker, one frame at a time
            s = self._engine.sample(float(len(self._pitches)), np.ascontiguousarray(rgb))
        if not isinstance(s, FaceSample) or not s.present:
            return LiveFace(False, None)
        o = self.options
        if s.pitch is not None:
            self._pitches.append(s.pitch)
            del self._pitches[:-600]  # the last few minutes
        usual = float(np.median(self._pitches)) if len(self._pitches) >= 10 else 0.0
        if s.pitch is not None and s.pitch < usual - o.looking_down_pitch:
            return LiveFace(True, "down")
        frontal = abs(s.yaw or 0.0) <= o.max_yaw and abs((s.pitch or 0.0) - usual) <= o.max_pitch
        centred = s.gaze_x is None or abs(s.gaze_x) <= o.iris_band
        return LiveFace(True, "camera" if frontal and centred and s.eyes_open is not False else "away")
