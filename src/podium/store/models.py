"""Tables. Change them only with a new Alembic migration in ``migrations/versions``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = ["Analysis", "Base", "Job", "Recording", "Session", "SignInFailure", "Team", "User"]


class Base(DeclarativeBase):
    pass


class Team(Base):
    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    email: Mapped[str | None] = mapped_column(String(320), unique=True, nullable=True)
    role: Mapped[str] = mapped_column(String(20), default="speaker")  # speaker, coach, admin
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)  # argon2; None: cannot sign in
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), nullable=True)


class Recording(Base):
    __tablename__ = "recordings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True, index=True)
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(String(500))
    duration_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    has_video: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    size_bytes: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # the slides it was given with (0005): where the server keeps them, and the name the speaker uploaded
    deck_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    deck_title: Mapped[str | None] = mapped_column(String(500), nullable=True)
    # which talk it is a take of, as its speaker named it (0006); progress follows one talk's takes
    talk: Mapped[str | None] = mapped_column(String(200), nullable=True)


class Job(Base):
    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recording_id: Mapped[int] = mapped_column(ForeignKey("recordings.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)  # queued, running, done, failed
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # the web app's queue (0002): who runs it, how far it got, when it last said so
    stage: Mapped[str | None] = mapped_column(String(40), nullable=True)
    progress: Mapped[float | None] = mapped_column(Float, nullable=True)  # 0..1
    worker: Mapped[str | None] = mapped_column(String(100), nullable=True)  # host:pid
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)  # e.g. why it was retried


class Analysis(Base):
    __tablename__ = "analyses"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recording_id: Mapped[int] = mapped_column(ForeignKey("recordings.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    schema_version: Mapped[str | None] = mapped_column(String(20), nullable=True)
    report_json: Mapped[str] = mapped_column(Text)
    report_dir: Mapped[str | None] = mapped_column(Text, nullable=True)
    overall: Mapped[float | None] = mapped_column(Float, nullable=True)
    # every dimension's score as JSON ({"pace": 92, "uptalk": null, ...}): a new dimension needs no migration
    scores: Mapped[str | None] = mapped_column(Text, nullable=True)
    wpm: Mapped[float | None] = mapped_column(Float, nullable=True)
    fillers_per_min: Mapped[float | None] = mapped_column(Float, nullable=True)


class Session(Base):
    """A signed-in browser. The cookie holds a random token; only its sha256 is kept, so a copy of the database
    cannot sign anyone in. Deleting the row ends the session (logout, password change, an admin's reset)."""

    __tablename__ = "sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class SignInFailure(Base):
    """One failed sign-in (or wrong current password), by key: ``account:EMAIL`` and ``address:IP``."""

    __tablename__ = "sign_in_failures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(400), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
