"""Sign-in: signed session cookies, CSRF tokens, sign-in rate limits, and who may see what.

The session cookie holds ``user id . password fingerprint . issued at`` and an
HMAC-SHA256 of them under the server's secret key; changing a password (or the
key) ends every session made before. CSRF: every form and every state-changing
request carries a token, the HMAC of a random per-browser cookie
(``podium_csrf``), so a page on another site, which can neither read that
cookie nor compute the HMAC, cannot post on a user's behalf.

Visibility, in one place (:func:`visible`): a speaker sees their own
recordings, a coach those of their team, an admin all. Anything else is
answered 404, exactly as if it did not exist.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

__all__ = ["CSRF_COOKIE", "SESSION_COOKIE", "Account", "RateLimiter", "Signer", "visible_owner_ids"]

SESSION_COOKIE = "podium_session"
CSRF_COOKIE = "podium_csrf"


@dataclass(frozen=True)
class Account:
    """The signed-in user, as pages need them."""

    id: int
    name: str
    email: str
    role: str
    team_id: int | None
    team: str | None

    def public(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "email": self.email, "role": self.role, "team": self.team}


class Signer:
    """HMAC-SHA256 under the secret key, with a purpose label so a CSRF token is never a session."""

    def __init__(self, secret: str) -> None:
        self.key = secret.encode()

    def mac(self, purpose: str, value: str) -> str:
        d = hmac.new(self.key, f"{purpose}\x00{value}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(d).decode().rstrip("=")

    def session(self, user_id: int, password_hash: str) -> str:
        value = f"{user_id}.{_fingerprint(password_hash)}.{int(time.time())}"
        return f"{value}.{self.mac('session', value)}"

    def read_session(self, token: str, max_age_s: float) -> tuple[int, str] | None:
        """(user id, password fingerprint) of a genuine, unexpired token; else None."""
        parts = token.split(".")
        if len(parts) != 4 or not parts[0].isdigit() or not parts[2].isdigit():
            return None
        value = ".".join(parts[:3])
        if not hmac.compare_digest(parts[3], self.mac("session", value)):
            return None
        if time.time() - int(parts[2]) > max_age_s:
            return None
        return int(parts[0]), parts[1]

    def csrf(self, browser_token: str) -> str:
        return self.mac("csrf", browser_token)

    def check_csrf(self, browser_token: str, sent: str) -> bool:
        return bool(browser_token) and bool(sent) and hmac.compare_digest(self.csrf(browser_token), sent)


def _fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def fingerprint_matches(password_hash: str | None, fingerprint: str) -> bool:
    return bool(password_hash) and hmac.compare_digest(_fingerprint(password_hash or ""), fingerprint)


def new_browser_token() -> str:
    return secrets.token_urlsafe(32)


class RateLimiter:
    """At most ``limit`` failed sign-ins per key (an address, an email) in ``window_s``; in memory, per server."""

    def __init__(self, limit: int = 5, window_s: float = 900.0) -> None:
        self.limit, self.window_s = limit, window_s
        self.fails: dict[str, deque[float]] = {}
        self.lock = threading.Lock()

    def wait_s(self, *keys: str) -> float:
        """Seconds until another try is allowed for every key (0: now)."""
        now = time.monotonic()
        wait = 0.0
        with self.lock:
            for k in keys:
                q = self.fails.get(k)
                while q and now - q[0] > self.window_s:
                    q.popleft()
                if q and len(q) >= self.limit:
                    wait = max(wait, self.window_s - (now - q[0]))
        return wait

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self.lock:
            for k in keys:
                self.fails.setdefault(k, deque()).append(now)

    def succeeded(self, *keys: str) -> None:
        with self.lock:
            for k in keys:
                self.fails.pop(k, None)


def visible_owner_ids(session: Any, account: Account) -> list[int] | None:
    """Owner ids whose recordings ``account`` may see; None means every one (admin)."""
    from sqlalchemy import select

    from ..store import User

    if account.role == "admin":
        return None
    if account.role == "coach" and account.team_id is not None:
        return list(session.scalars(select(User.id).where(User.team_id == account.team_id)))
    return [account.id]
