"""Uptalk: statements that end on a rise are found, from the pitch of their last word; questions may rise."""

from __future__ import annotations

import numpy as np
import pytest

import podium
from podium.testing import FakeRecognizer, tone
from podium.types import Word

from .media_fixtures import write_wav

SR = 16000


def _talk(tmp_path, last_word_hz: list[tuple[float, float]], questions: set[int] = frozenset()):
    """Sentences of five 0.4 s words on a steady 150 Hz voice; each sentence's last word glides as given; a short
    silence between sentences. Returns the analysed report."""
    audio, words, t = [], [], 0.0
    for k, (f_from, f_to) in enumerate(last_word_hz):
        for j in range(5):
            last = j == 4
            seg = tone([f_from, f_to] if last else 150.0, 0.4, level=0.3)
            audio.append(seg)
            text = f"w{k}x{j}" + (("?" if k in questions else ".") if last else "")
            words.append(Word(text, round(t, 2), round(t + 0.38, 2), 0.9))
            t += 0.4
        audio.append(np.zeros(int(0.3 * SR), np.float32))
        t += 0.3
    wav = write_wav(tmp_path / "talk.wav", np.concatenate(audio))
    return podium.analyze(wav, podium.AnalysisOptions(analyze_face=False), recognizer=FakeRecognizer(words))


def _uptalk(report):
    return next(s for s in report.feedback.scores if s.dimension == "uptalk")


def test_rising_statements_are_uptalk_with_a_moment_each(tmp_path):
    rising = [(150.0, 210.0)] * 6 + [(150.0, 115.0)] * 6  # glides of +5.8 st and -4.6 st over the last word
    r = _talk(tmp_path, rising)
    ends = [e for e in r.voice.sentence_ends if not e.question]
    assert len(ends) == 12
    assert all(e.semitones > 3 for e in ends[:6]) and all(e.semitones < -2 for e in ends[6:])
    score = _uptalk(r)
    assert score.score is not None and score.score < 70 and "6 of 12 statements" in score.value
    moments = [m for m in r.feedback.moments if m.kind == "uptalk"]
    assert [round(m.start) for m in moments] == [round(e.start) for e in ends[:6]]
    assert all("rise of" in m.evidence and m.tip for m in moments)


def test_falling_statements_and_rising_questions_are_not_uptalk(tmp_path):
    last = [(150.0, 115.0)] * 10 + [(150.0, 210.0)] * 4
    r = _talk(tmp_path, last, questions={10, 11, 12, 13})
    assert _uptalk(r).score == 100
    assert not [m for m in r.feedback.moments if m.kind == "uptalk"]
    assert sum(e.question for e in r.voice.sentence_ends) == 4


def test_too_few_statements_are_unscored(tmp_path):
    r = _talk(tmp_path, [(150.0, 210.0)] * 3)
    assert _uptalk(r).score is None


@pytest.mark.parametrize("toml", ["[uptalk]\nok_share = 0.6\n", "[uptalk]\nrise_st = -1\n"])
def test_bad_uptalk_settings_name_the_key(tmp_path, toml):
    p = tmp_path / "c.toml"
    p.write_text(toml)
    with pytest.raises(podium.ParameterError, match=r"uptalk\."):
        podium.config.CoachConfig.load(p)
