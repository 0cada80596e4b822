"""Coaching thresholds, typed: ``data/coach.toml`` loads into one frozen dataclass per section.

Each coaching dimension (``podium.coach``) declares its section's dataclass
(a :class:`Section` with a ``weight``); ``[scores]``, ``[coverage]`` and the
language stage's ``[language]`` settings are declared here. :meth:`CoachConfig.load`
reads the defaults, overlays a user's file (only the keys they change) and checks
everything before any work starts: an unknown section or key lists the known
ones; a value of the wrong type, negative, not finite, or out of order with
another is a :class:`ParameterError` naming the key, the value and the file.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, fields
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from .errors import ParameterError

if TYPE_CHECKING:
    from .coach.base import Dimension

__all__ = ["CoachConfig", "Coverage", "DimensionSection", "LanguageRules", "ScoreRules", "Section"]

S = TypeVar("S", bound="Section")
D = TypeVar("D", bound="DimensionSection")


class Section:
    """A coach.toml section. Every field is a number that must be finite and not negative; ``problems`` adds the
    section's own rules (ranges the right way round, at most ...)."""

    def problems(self) -> Iterator[tuple[str, str]]:
        """(key, what is wrong) for each rule this section breaks."""
        return iter(())


@dataclass(frozen=True)
class DimensionSection(Section):
    """A dimension's section: its ``weight`` in the overall score and in ranking priorities, then its thresholds."""

    weight: float


@dataclass(frozen=True)
class ScoreRules(Section):
    flag_below: float
    strength_from: float
    max_priorities: int

    def problems(self) -> Iterator[tuple[str, str]]:
        if self.strength_from > 100:
            yield "strength_from", "must be at most 100"
        if not self.flag_below < self.strength_from:
            yield "flag_below", f"must be below strength_from = {self.strength_from!r}"
        if self.max_priorities < 1:
            yield "max_priorities", "must be at least 1"


@dataclass(frozen=True)
class Coverage(Section):
    min_speech_s: float
    min_words: int
    low_confidence: float
    min_voiced_s: float
    face_min_present_ratio: float
    face_min_visible_s: float


@dataclass(frozen=True)
class LanguageRules(DimensionSection):
    """The language stage's settings and the language dimension's penalties (one section, ``[language]``)."""

    long_sentence_words: int
    hedges_ok_per_min: float
    hedge_penalty: float
    hedge_cluster_min: int
    hedge_cluster_window_s: float
    repetition_max_words: int
    repetition_gap_words: int
    overused_min_count: int
    overused_min_share: float
    repetition_penalty: float
    sensitive_penalty: float
    profanity_penalty: float
    long_sentence_penalty: float
    undercut_penalty: float
    hard_reading_ease: float
    hard_reading_penalty: float
    sentence_pause_s: float
    key_phrases: int
    sentiment_window: int

    def problems(self) -> Iterator[tuple[str, str]]:
        for key in ("long_sentence_words", "hedge_cluster_min", "repetition_max_words", "sentiment_window"):
            if getattr(self, key) < 1:
                yield key, "must be at least 1"


_GENERAL: dict[str, type[Section]] = {"scores": ScoreRules, "coverage": Coverage}


def _defaults_text() -> str:
    return resources.files("podium").joinpath("data/coach.toml").read_text(encoding="utf-8")


@dataclass(frozen=True)
class CoachConfig:
    """Every coach.toml section, typed and checked.

    Attributes:
        scores, coverage: the general sections.
        dimensions: each dimension's section by name (``of(dimension)`` gives it typed).
        source: ``defaults`` or the user's file that overrode some values.
    """

    scores: ScoreRules
    coverage: Coverage
    dimensions: Mapping[str, DimensionSection]
    source: str = "defaults"

    @classmethod
    def load(cls, path: str | Path | None = None) -> CoachConfig:
        """The defaults, with the values in ``path`` (a TOML file) overriding them; checked completely."""
        where = "podium/data/coach.toml" if path is None else str(path)
        cfg = cls._assemble(_read(Path(path)) if path is not None else {}, where, where)
        if not any(s.weight > 0 for s in cfg.dimensions.values()):
            raise ParameterError(f"{where}: every weight is 0; at least one dimension must count in the overall score")
        return cfg

    def of(self, dimension: Dimension[D]) -> D:
        """The section of ``dimension``, typed as that dimension declares it."""
        return cast(D, self.dimensions[dimension.name])

    def weight(self, name: str) -> float:
        return self.dimensions[name].weight

    def to_dict(self) -> dict[str, Any]:
        """Every value by section, JSON-able (report.json's ``options.coach``)."""
        out = {"scores": asdict(self.scores), "coverage": asdict(self.coverage)}
        return {"source": self.source, "values": {**out, **{k: asdict(v) for k, v in self.dimensions.items()}}}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CoachConfig:
        """Rebuild from ``to_dict``'s output (a report's options), checked like a user's file; sections and keys this
        Podium does not know are left out."""
        source = str(data.get("source", "report"))
        return cls._assemble(dict(data.get("values", {})), "report options", source, ignore_unknown=True)

    @classmethod
    def _assemble(
        cls, user: Mapping[str, Any], where: str, source: str, *, ignore_unknown: bool = False
    ) -> CoachConfig:
        """The defaults with ``user``'s sections over them, every section built and checked."""
        from .coach.registry import DIMENSIONS

        kinds: dict[str, type[Section]] = {**_GENERAL, **{d.name: d.thresholds for d in DIMENSIONS}}
        values: dict[str, dict[str, Any]] = tomllib.loads(_defaults_text())
        _overlay(values, user, kinds, where, ignore_unknown=ignore_unknown)
        built = {name: _build(kind, name, values.get(name, {}), where) for name, kind in kinds.items()}
        dims = {d.name: cast(DimensionSection, built[d.name]) for d in DIMENSIONS}
        return cls(cast(ScoreRules, built["scores"]), cast(Coverage, built["coverage"]), dims, source)


def _read(p: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(p.read_text(encoding="utf-8"))
    except OSError as e:
        raise ParameterError(f"--config {p}: cannot read ({e.strerror or e})") from None
    except UnicodeDecodeError as e:
        raise ParameterError(f"--config {p}: not UTF-8 text ({e.reason} at byte {e.start})") from None
    except tomllib.TOMLDecodeError as e:
        raise ParameterError(f"--config {p}: not valid TOML ({e})") from None


def _overlay(
    values: dict[str, dict[str, Any]],
    user: Mapping[str, Any],
    kinds: Mapping[str, type[Section]],
    where: str,
    *,
    ignore_unknown: bool = False,
) -> None:
    for section, keys in user.items():
        if section not in kinds:
            if ignore_unknown:
                continue
            raise ParameterError(f"{where}: unknown section [{section}]; the sections are {', '.join(sorted(kinds))}")
        if not isinstance(keys, Mapping):
            raise ParameterError(f"{where}: {section} = {keys!r} must be a section ([{section}] with keys under it)")
        known = [f.name for f in fields(kinds[section])]  # type: ignore[arg-type]
        for key, value in keys.items():
            if key not in known:
                if ignore_unknown:
                    continue
                raise ParameterError(f"{where}: unknown setting {section}.{key}; [{section}] has {', '.join(known)}")
            values.setdefault(section, {})[key] = value


def _build(kind: type[S], section: str, values: Mapping[str, Any], where: str) -> S:
    out: dict[str, Any] = {}
    for f in fields(kind):  # type: ignore[arg-type]
        key = f"{section}.{f.name}"
        if f.name not in values:
            raise ParameterError(f"{where}: {key} is missing")
        v = values[f.name]
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise ParameterError(f"{where}: {key} = {v!r} must be a number")
        if not math.isfinite(v):
            raise ParameterError(f"{where}: {key} = {v!r} must be a finite number")
        if v < 0:
            raise ParameterError(f"{where}: {key} = {v!r} must not be negative")
        if f.type in ("int", int) and v != int(v):
            raise ParameterError(f"{where}: {key} = {v!r} must be a whole number")
        out[f.name] = int(v) if f.type in ("int", int) else v
    built = kind(**out)
    for key, what in built.problems():
        raise ParameterError(f"{where}: {section}.{key} = {out[key]!r} {what}")
    return built
