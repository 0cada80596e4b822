"""What every router shares: who is signed in, CSRF checks, HTML-or-JSON rendering, errors."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from ..store import Store, Team, access
from .auth import CSRF_COOKIE, SESSION_COOKIE, Account, Signer
from .settings import Settings

__all__ = [
    "CurrentAccount",
    "NotSignedIn",
    "Problem",
    "Templates",
    "answers_json",
    "check_csrf",
    "error_response",
    "render",
]


class Problem(Exception):
    """An answer other than 200, with a message for the person (HTML) or program (JSON)."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


class NotSignedIn(Exception):
    pass


def not_found() -> Problem:
    return Problem(404, "Not found.")


class Templates:
    """Jinja2 with autoescaping, from ``web/templates``."""

    def __init__(self) -> None:
        from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

        self.env = Environment(
            loader=FileSystemLoader(Path(__file__).parent / "templates"),
            autoescape=select_autoescape(default=True),
            undefined=StrictUndefined,
        )
        self.env.filters["when"] = _when
        self.env.filters["duration"] = _duration
        self.env.filters["num"] = _num

    def render(self, name: str, **context: Any) -> str:
        return self.env.get_template(name).render(**context)


def _when(value: Any) -> Any:
    """A ``<time>`` in UTC, which web.js rewrites in the reader's own zone (UTC stays where scripts do not run)."""
    from markupsafe import Markup

    if not value:
        return ""
    t = _utc(datetime.fromisoformat(value) if isinstance(value, str) else value)
    return Markup('<time datetime="{}">{}</time>').format(
        t.isoformat(timespec="seconds"), t.strftime("%Y-%m-%d %H:%M UTC")
    )


def _num(value: Any, digits: int | None = None) -> str:
    """87.0 -> "87", 9.86 -> "9.86", None -> "–"; with ``digits``, rounded first (121.6 -> "122" at 0)."""
    if value is None:
        return "–"
    if digits is not None and isinstance(value, (int, float)):
        value = round(float(value), digits)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _duration(seconds: Any) -> str:
    if seconds is None:
        return ""
    s = int(round(float(seconds)))
    return f"{s // 60}:{s % 60:02d}"


def settings_of(request: Request) -> Settings:
    s: Settings = request.app.state.settings
    return s


def store_of(request: Request) -> Store:
    s: Store = request.app.state.store
    return s


def current_account(request: Request) -> Account:
    """The signed-in user, or :class:`NotSignedIn` (a redirect to /login, or 401 for JSON)."""
    user = access.session_user(store_of(request), request.cookies.get(SESSION_COOKIE, ""))
    if user is None:
        raise NotSignedIn
    with store_of(request).session() as s:
        team = s.get(Team, user.team_id) if user.team_id is not None else None
        return Account(user.id, user.name, user.email or "", user.role, user.team_id, team.name if team else None)


CurrentAccount = Annotated[Account, Depends(current_account)]


async def check_csrf(request: Request) -> None:
    """State-changing requests carry the CSRF token (header ``X-CSRF-Token`` or form field ``csrf``)."""
    signer: Signer = request.app.state.signer
    sent = request.headers.get("x-csrf-token", "")
    if not sent and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        sent = str(form.get("csrf", ""))
    if not signer.check_csrf(request.cookies.get(CSRF_COOKIE, ""), sent):
        raise Problem(403, "This form has expired or did not come from Podium; reload the page and try again.")


def csrf_token(request: Request) -> str:
    signer: Signer = request.app.state.signer
    return signer.csrf(request.state.browser_token)


def wants_json(request: Request) -> bool:
    """A page's JSON twin: the same path with ``.json``."""
    return request.url.path.endswith(".json")


def answers_json(request: Request) -> bool:
    """Errors and redirects answer JSON to a ``.json`` path and to programs that ask for it (``Accept``)."""
    return wants_json(request) or "application/json" in request.headers.get("accept", "")


def render(
    request: Request, template: str, data: dict[str, Any], account: Account | None, status: int = 200
) -> Response:
    """``data`` as JSON at a ``.json`` path, else the page ``template`` drawn from it."""
    if wants_json(request):
        return JSONResponse(_jsonable(data), status_code=status)
    html = request.app.state.templates.render(
        template, data=data, account=account, csrf=csrf_token(request), path=request.url.path
    )
    return HTMLResponse(html, status_code=status)


def error_response(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    if answers_json(request):
        return JSONResponse({"error": message, "status": status}, status_code=status, headers=headers)
    html = request.app.state.templates.render(
        "error.html", data={"status": status, "message": message}, account=None, csrf="", path=request.url.path
    )
    return HTMLResponse(html, status_code=status, headers=headers)


def _jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, datetime):
        return _utc(x).isoformat()
    return x


def _utc(t: datetime) -> datetime:
    """Times are stored in UTC: SQLite hands them back without the zone, PostgreSQL in its session's zone."""
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)
