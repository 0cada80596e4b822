"""Sign in and out, and your own account.

Sessions live in the store (``store.access``): logging out ends this one, a password change ends the others.
Failed sign-ins (and wrong current passwords) are limited per account (``ACCOUNT_LIMIT`` in ``WINDOW_S``) and,
more loosely, per address (``ADDRESS_LIMIT``): one person's typos lock only their own account, even when everyone
arrives from one proxy address, while an address spraying many accounts is still stopped. The address is the
proxy's ``X-Forwarded-For`` only when ``--forwarded-allow-ips`` trusts that proxy."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from ..errors import ParameterError
from ..store import access
from .auth import SESSION_COOKIE
from .views import (
    CurrentAccount,
    NotSignedIn,
    Problem,
    answers_json,
    check_csrf,
    current_account,
    render,
    settings_of,
    store_of,
    wants_json,
)

router = APIRouter()

WINDOW_S = 900.0
ACCOUNT_LIMIT = 5  # wrong passwords for one account in WINDOW_S (Podium's choice; common guidance is 5-10)
ADDRESS_LIMIT = 30  # from one address, whatever the account: a classroom behind one NAT still gets in


def _safe_next(target: str) -> str:
    """Only a path on this site (no //host, no scheme): never an open redirect."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/recordings"


@router.get("/")
def home(request: Request) -> Response:
    return RedirectResponse("/recordings", status_code=303)


@router.get("/login")
@router.get("/login.json")
def login_page(request: Request, next: str = "/recordings") -> Response:
    """The sign-in form; ``/login.json`` gives a script its CSRF token (and the cookie it pairs with)."""
    from .views import csrf_token

    try:
        current_account(request)
        if not wants_json(request):
            return RedirectResponse(_safe_next(next), status_code=303)
    except NotSignedIn:
        pass
    data = {"next": _safe_next(next), "error": "", "email": "", "csrf_token": csrf_token(request)}
    return render(request, "login.html", data, None)


@router.post("/login", dependencies=[Depends(check_csrf)])
def login(
    request: Request,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/recordings",
) -> Response:
    from sqlalchemy import select

    from ..store import User

    email = email.strip().lower()
    keys = _guard(request, email, "failed sign-ins")
    store = store_of(request)
    if not email or not password or not store.check_password(email, password):
        access.failed(store, *keys)
        error = "That email and password do not match an account."
        data = {"next": _safe_next(next), "error": error, "email": email, "csrf_token": ""}
        return render(request, "login.html", data, None, status=401)
    access.succeeded(store, keys[0])
    with store.session() as s:
        user = s.scalar(select(User).where(User.email == email))
        assert user is not None and user.password_hash
        user_id = user.id
    return _start_session(request, RedirectResponse(_safe_next(next), status_code=303), user_id)


def _guard(request: Request, email: str, what: str) -> tuple[str, str]:
    """This attempt's keys (the account, the address), or 429 while either is over its limit."""
    keys = (f"account:{email}", f"address:{request.client.host if request.client else '?'}")
    wait = access.wait_s(store_of(request), {keys[0]: ACCOUNT_LIMIT, keys[1]: ADDRESS_LIMIT}, WINDOW_S)
    if wait > 0:
        minutes = max(1, round(wait / 60))
        raise Problem(
            429,
            f"Too many {what}. Try again in {minutes} minute{'s' * (minutes != 1)}.",
            {"Retry-After": str(int(wait) + 1)},
        )
    return keys


def _start_session(request: Request, response: Response, user_id: int) -> Response:
    """Give this browser a new session (a random token; the store keeps its hash)."""
    settings = settings_of(request)
    response.set_cookie(
        SESSION_COOKIE,
        access.start_session(store_of(request), user_id, settings.session_days),
        max_age=settings.session_days * 86400,
        httponly=True,
        samesite="lax",
        secure=settings.cookies_secure,
        path="/",
    )
    return response


def local_user(store: Any) -> int:
    """The one account of ``podium rehearse`` (made the first time, with a random password no one needs)."""
    import secrets

    from sqlalchemy import select

    from ..store import User
    from .settings import LOCAL_USER

    with store.session() as s:
        found = s.scalar(select(User.id).where(User.email == LOCAL_USER))
    if found is not None:
        return int(found)
    return int(store.add_user(LOCAL_USER, "You", "speaker", secrets.token_urlsafe(32)))


@router.get("/local-sign-in")
def local_sign_in(request: Request, next: str = "/rehearse") -> Response:
    """``podium rehearse``: this machine's one person is signed in without a password (loopback only)."""
    user = request.app.state.local_user
    client = request.client.host if request.client else ""
    if user is None or client not in ("127.0.0.1", "::1", "localhost"):
        raise Problem(404, "Not found.")
    target = next if next.startswith("/") and not next.startswith("//") else "/rehearse"
    return _start_session(request, RedirectResponse(target, status_code=303), int(user))


@router.post("/logout", dependencies=[Depends(check_csrf)])
def logout(request: Request) -> Response:
    """End this session in the store (a copy of the cookie stops working too) and forget the cookie."""
    access.end_session(store_of(request), request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/account")
@router.get("/account.json")
def account_page(request: Request, account: CurrentAccount, changed: int = 0) -> Response:
    """Who you are here, and the form to change your password."""
    data = {"account": account.public(), "changed": bool(changed), "error": ""}
    return render(request, "account.html", data, account)


@router.post("/account/password", dependencies=[Depends(check_csrf)])
def change_password(
    request: Request,
    account: CurrentAccount,
    current: Annotated[str, Form()] = "",
    new: Annotated[str, Form()] = "",
    repeat: Annotated[str, Form()] = "",
) -> Response:
    """Change your own password: the current one first (wrong guesses count as failed sign-ins), then the new one
    twice. Every other session of yours ends; this browser stays signed in."""
    keys = _guard(request, account.email, "wrong passwords")
    store = store_of(request)
    error = ""
    if not store.check_password(account.email, current):
        access.failed(store, *keys)
        error = "Your current password is not that one."
    elif new != repeat:
        error = "The two new passwords differ."
    elif new == current:
        error = "The new password is the one you have."
    else:
        try:
            store.set_password(account.email, new)
        except ParameterError as e:  # too short
            error = str(e)[:1].upper() + str(e)[1:] + "."
    if error:
        if answers_json(request):
            raise Problem(400, error)
        data = {"account": account.public(), "changed": False, "error": error}
        return render(request, "account.html", data, account, status=400)
    access.succeeded(store, keys[0])
    access.end_sessions(store, account.id)  # every session of this account, this one too: it gets a new one
    return _start_session(request, RedirectResponse("/account?changed=1", status_code=303), account.id)
