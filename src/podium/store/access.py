"""Who is signed in, and who tried too often: server-side sessions and sign-in limits, kept in the store.

Sessions: the browser holds a random token; the store keeps its sha256, the
user and an expiry. Ending a session deletes its row, so a copied cookie stops
working at logout, and a password change or an admin's reset ends the others.
Limits: every failed sign-in is a row per key (``account:EMAIL``,
``address:IP``); the web app refuses a key with too many in the window. They
are shared by every server process and survive a restart.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select

from .models import Session, SignInFailure, User

if TYPE_CHECKING:
    from . import Store

__all__ = ["end_session", "end_sessions", "failed", "session_user", "start_session", "succeeded", "wait_s"]


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(t: datetime) -> datetime:  # SQLite hands back naive datetimes
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def start_session(store: Store, user_id: int, days: float) -> str:
    """A new session for ``user_id``: the token for the browser's cookie."""
    token = secrets.token_urlsafe(32)
    now = _now()
    with store.session.begin() as s:
        s.add(Session(token_hash=_hash(token), user_id=user_id, created_at=now, expires_at=now + timedelta(days=days)))
        s.execute(delete(Session).where(Session.expires_at < now))  # tidy as we go
    return token


def session_user(store: Store, token: str) -> User | None:
    """The user of a live session, or None (unknown, ended or expired token, or a user who can no longer sign in)."""
    if not token:
        return None
    with store.session() as s:
        row = s.get(Session, _hash(token))
        if row is None or _aware(row.expires_at) < _now():
            return None
        user = s.get(User, row.user_id)
        if user is None or not user.password_hash:
            return None
        s.expunge(user)
        found: User = user
        return found


def end_session(store: Store, token: str) -> None:
    with store.session.begin() as s:
        s.execute(delete(Session).where(Session.token_hash == _hash(token)))


def end_sessions(store: Store, user_id: int, *, keep: str = "") -> int:
    """End every session of ``user_id`` but the one whose token is ``keep``; how many ended."""
    with store.session.begin() as s:
        q = delete(Session).where(Session.user_id == user_id)
        if keep:
            q = q.where(Session.token_hash != _hash(keep))
        result: Any = s.execute(q)
        return int(result.rowcount or 0)


def wait_s(store: Store, limits: Mapping[str, int], window_s: float) -> float:
    """Seconds until each key in ``limits`` (key -> most failures allowed in ``window_s``) may try again (0: now)."""
    now = _now()
    since = now - timedelta(seconds=window_s)
    wait = 0.0
    with store.session() as s:
        for key, limit in limits.items():
            n, first = s.execute(
                select(func.count(), func.min(SignInFailure.at)).where(
                    SignInFailure.key == key, SignInFailure.at >= since
                )
            ).one()
            if n >= limit and first is not None:
                wait = max(wait, window_s - (now - _aware(first)).total_seconds())
    return wait


def failed(store: Store, *keys: str) -> None:
    now = _now()
    with store.session.begin() as s:
        s.add_all([SignInFailure(key=k, at=now) for k in keys])
        s.execute(delete(SignInFailure).where(SignInFailure.at < now - timedelta(days=1)))


def succeeded(store: Store, key: str) -> None:
    """A correct password for ``key`` (an account) clears that account's count, never an address's."""
    with store.session.begin() as s:
        s.execute(delete(SignInFailure).where(SignInFailure.key == key))
