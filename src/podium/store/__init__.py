"""The store: users, teams, recordings, analyses and jobs, in SQLite or PostgreSQL.

SQLAlchemy models (``models.py``) with Alembic migrations (``migrations/``);
``open_store(url)`` migrates the database to the current schema and returns a
:class:`Store`. ``podium batch --db URL`` records every result here, and the
web app (``podium serve``) will read the same tables. Scores are columns, so
history queries need not parse report JSON.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import ParameterError
from .models import Analysis, Base, Job, Recording, Team, User

__all__ = ["Analysis", "Base", "Job", "Recording", "Store", "Team", "User", "default_url", "open_store"]

SCORE_COLUMNS = ("pace", "fillers", "pauses", "vocal_variety", "language", "eye_contact", "expression", "framing")


def default_url(folder: str | Path) -> str:
    """SQLite in ``folder`` (the data directory)."""
    return f"sqlite:///{(Path(folder) / 'podium.db').resolve()}"


def open_store(url: str) -> Store:
    """Connect to ``url``, bring its schema up to date (Alembic), and return a :class:`Store`.

    Raises:
        ParameterError: the URL is not one SQLAlchemy understands, or the database cannot be reached.
    """
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine
    from sqlalchemy.exc import ArgumentError, OperationalError

    if url.startswith(("postgresql://", "postgres://")):  # the driver shipped with Podium is psycopg 3
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    try:
        engine = create_engine(url, future=True)
        with engine.connect():
            pass
    except (ArgumentError, OperationalError, ImportError) as e:
        if "engine" in locals():
            engine.dispose()
        raise ParameterError(f"--db {url!r}: cannot open the database ({' '.join(str(e).split())[:200]})") from None
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return Store(engine)


class Store:
    """Small, explicit operations over the tables."""

    def __init__(self, engine: Any) -> None:
        from sqlalchemy.orm import sessionmaker

        self.engine = engine
        self.session = sessionmaker(engine, expire_on_commit=False)

    def close(self) -> None:
        """Close the connection pool."""
        self.engine.dispose()

    def speaker(self, name: str) -> int | None:
        """The id of the speaker called ``name`` (created without a password if new: they cannot sign in until an
        admin sets one)."""
        if not name:
            return None
        from sqlalchemy import select

        with self.session.begin() as s:
            user = s.scalar(select(User).where(User.name == name))
            if user is None:
                user = User(name=name, role="speaker")
                s.add(user)
                s.flush()
            return int(user.id)

    def record(
        self,
        *,
        path: str,
        sha256: str,
        report: dict[str, Any] | None,
        report_dir: str | None,
        status: str,
        error: str = "",
        attempts: int = 1,
        speaker: str = "",
        title: str = "",
    ) -> int:
        """One recording's outcome: the recording, a finished job, and the analysis when there is one."""
        owner = self.speaker(speaker)
        now = datetime.now(UTC)
        with self.session.begin() as s:
            rec = Recording(
                owner_id=owner,
                path=path,
                sha256=sha256,
                title=title or Path(path).name,
                duration_s=(report or {}).get("source", {}).get("duration_s"),
                created_at=now,
            )
            s.add(rec)
            s.flush()
            s.add(
                Job(
                    recording_id=rec.id,
                    status=status,
                    error=error or None,
                    attempts=attempts,
                    created_at=now,
                    updated_at=now,
                )
            )
            if report is not None:
                summary = report.get("summary", {})
                scores = summary.get("scores") or {}
                s.add(
                    Analysis(
                        recording_id=rec.id,
                        created_at=now,
                        schema_version=report.get("schema_version"),
                        report_json=json.dumps(report),
                        report_dir=report_dir,
                        overall=summary.get("overall_score"),
                        wpm=summary.get("wpm"),
                        fillers_per_min=summary.get("fillers_per_min"),
                        **{c: scores.get(c) for c in SCORE_COLUMNS},
                    )
                )
            return int(rec.id)
