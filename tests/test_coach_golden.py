"""The coach says the same about every shared sample as before it was restructured (see coach_golden.py), and every
sample's report.json reads back into the same Report."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

import podium
from podium import coach
from podium.config import CoachConfig
from podium.report import from_dict, to_dict

from .coach_golden import CONTROLLED, GOLDEN, NEW_DIMENSIONS, entry, sample_files

pytestmark = pytest.mark.samples


@pytest.fixture(scope="module")
def golden():
    return json.loads(GOLDEN.read_text())


def _without_new_dimensions(report: podium.Report) -> podium.Report:
    """The coaching again with every dimension added since the golden weighted 0, so that it moves neither the
    overall score nor the ranking of the others (its own score, moments and sentences are left out of the
    comparison)."""
    if report.feedback is None or report.voice is None:
        return report
    cfg = CoachConfig.load()
    dims = {k: replace(v, weight=0.0) if k in NEW_DIMENSIONS else v for k, v in cfg.dimensions.items()}
    fb = coach.assess(report.transcript, report.voice, report.language, report.face, replace(cfg, dimensions=dims))
    titles = tuple(coach.TITLES[d] for d in NEW_DIMENSIONS)
    fb = replace(
        fb,
        priorities=tuple(p for p in fb.priorities if not p.startswith(titles)),
        strengths=tuple(s for s in fb.strengths if not s.startswith(titles)),
    )
    return replace(report, feedback=fb)


def _compare(name: str, report: podium.Report, golden: dict) -> None:
    want = golden[name]
    got = entry(to_dict(_without_new_dimensions(report)))
    if got["fingerprint"] != want["fingerprint"]:
        pytest.skip(f"{name}: the stages measured something else on this machine, so the coach's input differs")
    assert got["coach"] == want["coach"], name


@pytest.mark.slow
def test_every_shared_sample_gets_the_same_coaching(samples, golden, subtests, shared_reports):
    files = sample_files(samples)
    assert {f"{p.parent.name}/{p.name}" for p in files} | {k for k in golden if k.startswith("controlled/")} == set(
        golden
    )
    for p in files:
        with subtests.test(sample=p.name):
            report = shared_reports[f"{p.parent.name}/{p.name}"]
            data = to_dict(report)
            assert to_dict(from_dict(data)) == data, "report.json does not read back into the same Report"
            _compare(f"{p.parent.name}/{p.name}", report, golden)


def test_the_controlled_talks_get_the_same_coaching(controlled, golden):
    for name in CONTROLLED:
        _compare(f"controlled/{name}", controlled[name], golden)
