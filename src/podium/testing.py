"""Test helpers that ship with Podium: a fake recogniser and generated audio.

``FakeRecognizer`` implements :class:`podium.speech.Recognizer` with words
you give it, so that voice, report, web and batch tests can run the whole
pipeline in milliseconds without a model. The real model still runs in
Podium's own default test suite.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .options import SpeechOptions
from .speech import Progress, RawResult
from .types import Audio, Segment, Span, Word

__all__ = ["FakeRecognizer", "tone"]


class FakeRecognizer:
    """Returns the given words; speech spans default to where the audio is not silent."""

    name = "fake"

    def __init__(self, words: Sequence[Word] = (), spans: Sequence[Span] | None = None, language: str = "en") -> None:
        self.words = tuple(words)
        self.spans = None if spans is None else tuple(spans)
        self.language = language
        self.calls = 0

    def recognize(self, audio: Audio, options: SpeechOptions, progress: Progress | None = None) -> RawResult:
        self.calls += 1
        spans = self.spans if self.spans is not None else _loud_spans(audio)
        segs = (
            (Segment(self.words[0].start, self.words[-1].end, " ".join(w.text for w in self.words)),)
            if self.words
            else ()
        )
        if progress is not None:
            progress(audio.duration_s)
        return RawResult(self.words, segs, spans, self.language)


def tone(freq_hz: float | Sequence[float], seconds: float, sr: int = 16000, level: float = 0.3) -> np.ndarray:
    """A sine (or a glide through ``freq_hz`` values) as float32 samples, with harmonics like a voice."""
    n = int(seconds * sr)
    f = np.interp(np.linspace(0, 1, n), np.linspace(0, 1, len(np.atleast_1d(freq_hz))), np.atleast_1d(freq_hz))
    phase = 2 * np.pi * np.cumsum(f) / sr
    x = sum(np.sin(k * phase) / k for k in range(1, 6))
    return (level * x / np.max(np.abs(x))).astype(np.float32)


def _loud_spans(audio: Audio, hop_s: float = 0.01) -> tuple[Span, ...]:
    hop = int(hop_s * audio.sr)
    n = len(audio.samples) // hop
    if n == 0:
        return ()
    rms = np.sqrt(np.mean(audio.samples[: n * hop].reshape(n, hop).astype(np.float64) ** 2, axis=1))
    loud = rms > 0.01
    idx = np.flatnonzero(np.diff(np.concatenate([[0], loud.astype(np.int8), [0]])))
    return tuple(Span(round(a * hop_s, 3), round(b * hop_s, 3)) for a, b in zip(idx[::2], idx[1::2], strict=True))
