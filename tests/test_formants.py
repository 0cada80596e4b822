"""Formants by linear prediction, against vowels made with known formants."""

from __future__ import annotations

import numpy as np
import pytest

from podium import formants, pitch
from podium.types import Audio

from .media_fixtures import SR, vowel

# Peterson and Barney 1952, men: "uh" [ʌ], "er" [ɝ], "heed" [i]; women: "uh"
VOWELS = [(640, 1190, 2390), (490, 1350, 1690), (270, 2290, 3010), (760, 1400, 2780)]


@pytest.mark.parametrize("hz", VOWELS)
@pytest.mark.parametrize("f0", [100.0, 210.0])
def test_the_formants_of_a_vowel_are_read_within_a_tenth_and_30_hz(hz, f0):
    audio = Audio(vowel(hz, f0=f0), SR)
    found = np.nanmedian(formants.formants(audio, np.arange(0.1, 0.4, 0.02)), axis=0)
    np.testing.assert_allclose(found, hz, rtol=0.1, atol=30)


@pytest.mark.parametrize("sr", [8000, 44100])
def test_any_sample_rate_reads_the_same_formants(sr):
    x = vowel(VOWELS[1])
    resampled = np.interp(np.arange(0, len(x), SR / sr), np.arange(len(x)), x).astype(np.float32)
    found = np.nanmedian(formants.formants(Audio(resampled, sr), np.arange(0.1, 0.4, 0.02)), axis=0)
    np.testing.assert_allclose(found, VOWELS[1], rtol=0.1)


def test_silence_and_the_edges_have_no_formants():
    audio = Audio(np.concatenate([np.zeros(SR // 2, np.float32), vowel(VOWELS[0])]), SR)
    f = formants.formants(audio, np.array([0.0, 0.25, 0.75, audio.duration_s]))
    assert np.isnan(f[[0, 1, 3]]).all() and not np.isnan(f[2]).any()


def test_a_vowel_is_read_on_its_loud_frames_not_the_silence_around_it():
    x = np.concatenate([np.zeros(SR // 4), vowel(VOWELS[1], seconds=0.25), np.zeros(SR // 2)]).astype(np.float32)
    audio = Audio(x, SR)
    f = formants.vowel(audio, pitch.track(x, SR), 0.1, 0.9)
    assert f is not None
    np.testing.assert_allclose(f, VOWELS[1], rtol=0.1)
    assert formants.vowel(audio, pitch.track(x, SR), 0.6, 0.9) is None  # silence only
