"""Coaching thresholds: one TOML file (``data/coach.toml``), each value with its source.

``CoachConfig.load(path)`` reads the defaults and overlays a user's file
(only the keys they change). Unknown keys, wrong types, negative numbers and
ranges the wrong way round are :class:`ParameterError` naming the key.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import ParameterError

__all__ = ["CoachConfig"]

# (lower key, higher key): the first must be below the second
_ORDER = [
    ("pace.min_wpm", "pace.max_wpm"),
    ("fillers.excellent_ratio", "fillers.good_ratio"),
    ("fillers.good_ratio", "fillers.zero_ratio"),
    ("pauses.ok_per_min", "pauses.bad_per_min"),
    ("vocal_variety.flat_st", "vocal_variety.good_st"),
    ("scores.flag_below", "scores.strength_from"),
]
_AT_MOST = {"fillers.zero_ratio": 1.0, "scores.strength_from": 100, "scores.flag_below": 100}


def _defaults_text() -> str:
    return resources.files("podium").joinpath("data/coach.toml").read_text(encoding="utf-8")


@dataclass(frozen=True)
class CoachConfig:
    """Thresholds by ``section.key``; ``used`` records which were read (for tests and audits)."""

    values: dict[str, Any]
    source: str = "defaults"
    used: set[str] = field(default_factory=set, compare=False, repr=False)

    @classmethod
    def load(cls, path: str | Path | None = None) -> CoachConfig:
        values = _flatten(tomllib.loads(_defaults_text()))
        if path is None:
            return cls(values)
        p = Path(path)
        try:
            user = tomllib.loads(p.read_text(encoding="utf-8"))
        except OSError as e:
            raise ParameterError(f"--config {p}: cannot read ({e.strerror or e})") from None
        except tomllib.TOMLDecodeError as e:
            raise ParameterError(f"--config {p}: not valid TOML ({e})") from None
        for key, value in _flatten(user).items():
            if key not in values:
                raise ParameterError(f"{p}: unknown setting {key!r}; see the defaults in podium/data/coach.toml")
            values[key] = _check_type(key, value, values[key], p)
        _check_order(values, p)
        return cls(values, str(p))

    def __call__(self, key: str) -> Any:
        """The value of ``section.key``."""
        self.used.add(key)
        return self.values[key]

    def __reduce__(self) -> tuple[Any, ...]:  # pickles without the usage record
        return (CoachConfig, (self.values, self.source))


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in data.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flatten(v, key + "."))
        else:
            out[key] = v
    return out


def _check_type(key: str, value: Any, default: Any, where: Path) -> Any:
    if isinstance(default, bool) or not isinstance(default, int | float):
        if type(value) is not type(default):
            raise ParameterError(f"{where}: {key} = {value!r} must be a {type(default).__name__}")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ParameterError(f"{where}: {key} = {value!r} must be a number")
    if value < 0:
        raise ParameterError(f"{where}: {key} = {value!r} must not be negative")
    if key in _AT_MOST and value > _AT_MOST[key]:
        raise ParameterError(f"{where}: {key} = {value!r} must be at most {_AT_MOST[key]}")
    return value


def _check_order(values: dict[str, Any], where: Path) -> None:
    for lo, hi in _ORDER:
        if not values[lo] < values[hi]:
            raise ParameterError(f"{where}: {lo} = {values[lo]!r} must be below {hi} = {values[hi]!r}")
