"""The store: users, teams, recordings, analyses and jobs, in SQLite or PostgreSQL.

SQLAlchemy models (``models.py``) with Alembic migrations (``migrations/``);
``open_store(url)`` migrates the database to the current schema and returns a
:class:`Store`. ``podium batch --db URL`` records every result here, and the
web app (``podium serve``) will read the same tables. Scores are columns, so
history queries need not parse report JSON.
"""

from __future__ import annotations

import contextlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import ParameterError
from ..types import Report
from .models import Analysis, Base, Job, Recording, Session, Team, User

__all__ = [
    "ROLES",
    "Analysis",
    "Base",
    "Job",
    "Recording",
    "Store",
    "Team",
    "User",
    "analysis_row",
    "data_dir",
    "default_url",
    "open_store",
    "scores_of",
]


ROLES = ("speaker", "coach", "admin")
MIN_PASSWORD = 10  # characters (NIST SP 800-63B asks for at least 8; Podium asks for 10)


def data_dir() -> Path:
    """Where Podium keeps its database and uploads: ``$PODIUM_DATA`` or ``~/.local/share/podium``."""
    return Path(os.environ.get("PODIUM_DATA") or Path.home() / ".local" / "share" / "podium")


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
    if url.startswith("sqlite:///") and len(url) > len("sqlite:///"):
        with contextlib.suppress(OSError):  # a new data folder: make it (else the connection below says why not)
            Path(url[len("sqlite:///") :].split("?")[0]).parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(url, **_engine_args(url))
        if url.startswith("sqlite"):
            _sqlite_wal(engine)
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


def _engine_args(url: str) -> dict[str, Any]:
    """SQLite waits for a busy database (the web app's workers write while the server reads) instead of failing."""
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30}}
    return {"pool_pre_ping": True}


def _sqlite_wal(engine: Any) -> None:
    """Readers never wait for the writer: write-ahead logging, set on every new connection."""
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise ParameterError(f"role={role!r}: must be one of {', '.join(ROLES)}")


def _team_id(s: Any, name: str) -> int | None:
    """The id of the team called ``name``, created if new; None for no name."""
    from sqlalchemy import select

    if not name:
        return None
    team = s.scalar(select(Team).where(Team.name == name))
    if team is None:
        team = Team(name=name)
        s.add(team)
        s.flush()
    return int(team.id)


def _hash_password(password: str) -> str:
    from argon2 import PasswordHasher

    if len(password) < MIN_PASSWORD:
        raise ParameterError(f"the password must have at least {MIN_PASSWORD} characters")
    return str(PasswordHasher().hash(password))


class Store:
    """Small, explicit operations over the tables."""

    def __init__(self, engine: Any) -> None:
        from sqlalchemy.orm import sessionmaker

        self.engine = engine
        self.session = sessionmaker(engine, expire_on_commit=False)

    def close(self) -> None:
        """Close the connection pool."""
        self.engine.dispose()

    def add_user(self, email: str, name: str, role: str, password: str, team: str = "") -> int:
        """A user who can sign in (argon2id hash); the team is created if new.

        Raises:
            ParameterError: bad role, short password, or the email is taken.
        """
        from sqlalchemy import select

        email = email.strip().lower()
        if "@" not in email:
            raise ParameterError(f"email={email!r}: not an email address")
        _check_role(role)
        digest = _hash_password(password)
        with self.session.begin() as s:
            if s.scalar(select(User).where(User.email == email)) is not None:
                raise ParameterError(f"a user with email {email} exists already (use 'podium user passwd')")
            user = User(
                email=email,
                name=name or email.split("@")[0],
                role=role,
                password_hash=digest,
                team_id=_team_id(s, team),
            )
            s.add(user)
            s.flush()
            return int(user.id)

    def set_role(self, user_id: int, role: str, team: str = "") -> bool:
        """Give a user a role and a team (created if new; empty: no team). False when there is no such user.

        Raises:
            ParameterError: bad role.
        """
        _check_role(role)
        with self.session.begin() as s:
            user = s.get(User, user_id)
            if user is None:
                return False
            user.role, user.team_id = role, _team_id(s, team)
            return True

    def set_password(self, email: str, password: str) -> str:
        """Replace a user's password and end every web session of theirs; returns the new hash.

        Raises:
            ParameterError: no such user, or the password is too short.
        """
        from sqlalchemy import delete, select

        digest = _hash_password(password)
        with self.session.begin() as s:
            user = s.scalar(select(User).where(User.email == email.strip().lower()))
            if user is None:
                raise ParameterError(f"no user with email {email.strip().lower()}")
            user.password_hash = digest
            s.execute(delete(Session).where(Session.user_id == user.id))
        return digest

    def check_password(self, email: str, password: str) -> bool:
        """True when ``password`` is this user's (constant-time argon2 verification)."""
        from argon2 import PasswordHasher
        from argon2.exceptions import VerificationError
        from sqlalchemy import select

        with self.session() as s:
            user = s.scalar(select(User).where(User.email == email.strip().lower()))
        if user is None or not user.password_hash:
            return False
        try:
            return bool(PasswordHasher().verify(user.password_hash, password))
        except VerificationError:
            return False

    def speaker(self, name: str) -> int | None:
        """The id of the speaker called ``name`` (created if new, with no email or password: a speaker in the
        records of a batch, who cannot sign in)."""
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
        report: Report | None,
        report_dir: str | None,
        status: str,
        error: str = "",
        attempts: int = 1,
        speaker: str = "",
        title: str = "",
        talk: str = "",
    ) -> int:
        """One recording's outcome: the recording (with the talk it is a take of), a finished job, and the analysis
        when there is one."""
        owner = self.speaker(speaker)
        now = datetime.now(UTC)
        with self.session.begin() as s:
            rec = Recording(
                owner_id=owner,
                path=path,
                sha256=sha256,
                title=title or Path(path).name,
                talk=talk or (report.talk if report is not None else None) or None,
                duration_s=report.source.duration_s if report is not None else None,
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
                s.add(analysis_row(rec.id, report, report_dir, now))
            return int(rec.id)


def analysis_row(recording_id: int, report: Report, report_dir: str | None, now: datetime) -> Analysis:
    """An :class:`Analysis` for ``report``: report.json, and the figures the lists and trends read without it."""
    from ..report import SCHEMA_VERSION, summary, to_dict, to_json

    head = summary(report)
    return Analysis(
        recording_id=recording_id,
        created_at=now,
        schema_version=SCHEMA_VERSION,
        report_json=to_json(to_dict(report)),
        report_dir=report_dir,
        overall=head["overall_score"],
        wpm=head["wpm"],
        fillers_per_min=head["fillers_per_min"],
        scores=json.dumps(head["scores"]),
    )


def scores_of(analysis: Analysis) -> dict[str, float | None]:
    """Every dimension's score in ``analysis`` (None where it was not scored or did not exist yet)."""
    from ..coach import DIMENSIONS

    kept = json.loads(analysis.scores or "{}")
    return {d.name: kept.get(d.name) for d in DIMENSIONS}
