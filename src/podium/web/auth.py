"""Who is signed in and what they may see: accounts, CSRF tokens, visibility.

Sessions and sign-in limits live in the store (``podium.store.access``): the
session cookie is a random token whose hash the store keeps, so logging out,
changing a password or an admin's reset ends sessions for real. CSRF: every form and every state-changing
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
from dataclasses import dataclass
from typing import Any

__all__ = ["CSRF_COOKIE", "SESSION_COOKIE", "Account", "Signer", "visible_owner_ids"]

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

    def csrf(self, browser_token: str) -> str:
        return self.mac("csrf", browser_token)

    def check_csrf(self, browser_token: str, sent: str) -> bool:
        return bool(browser_token) and bool(sent) and hmac.compare_digest(self.csrf(browser_token), sent)


def new_browser_token() -> str:
    return secrets.token_urlsafe(32)


def visible_owner_ids(session: Any, account: Account) -> list[int] | None:
    """Owner ids whose recordings ``account`` may see; None means every one (admin)."""
    from sqlalchemy import select

    from ..store import User

    if account.role == "admin":
        return None
    if account.role == "coach" and account.team_id is not None:
        return list(session.scalars(select(User.id).where(User.team_id == account.team_id)))
    return [account.id]
