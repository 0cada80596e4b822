"""Sign in and out, and your own account. Failed sign-ins (and wrong current passwords) are limited per address
and per email (see auth.RateLimiter)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from ..errors import ParameterError
from .auth import SESSION_COOKIE, RateLimiter, Signer
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
    limiter, keys = _guard(request, email, "failed sign-ins")
    store = store_of(request)
    if not email or not password or not store.check_password(email, password):
        limiter.failed(*keys)
        error = "That email and password do not match an account."
        data = {"next": _safe_next(next), "error": error, "email": email, "csrf_token": ""}
        return render(request, "login.html", data, None, status=401)
    limiter.succeeded(*keys)
    with store.session() as s:
        user = s.scalar(select(User).where(User.email == email))
        assert user is not None and user.password_hash
        user_id, digest = user.id, user.password_hash
    return _start_session(request, RedirectResponse(_safe_next(next), status_code=303), user_id, digest)


def _guard(request: Request, email: str, what: str) -> tuple[RateLimiter, tuple[str, ...]]:
    """The rate limiter and this attempt's keys (the address, the email), or 429 while either is over its limit."""
    limiter: RateLimiter = request.app.state.limiter
    keys = (f"ip:{request.client.host if request.client else '?'}", f"email:{email}")
    wait = limiter.wait_s(*keys)
    if wait > 0:
        minutes = max(1, round(wait / 60))
        raise Problem(
            429,
            f"Too many {what}. Try again in {minutes} minute{'s' * (minutes != 1)}.",
            {"Retry-After": str(int(wait) + 1)},
        )
    return limiter, keys


def _start_session(request: Request, response: Response, user_id: int, password_hash: str) -> Response:
    """Give this browser a session cookie (signed, tied to the password: a new password ends every other one)."""
    signer: Signer = request.app.state.signer
    settings = settings_of(request)
    response.set_cookie(
        SESSION_COOKIE,
        signer.session(user_id, password_hash),
        max_age=settings.session_days * 86400,
        httponly=True,
        samesite="lax",
        secure=settings.cookies_secure,
        path="/",
    )
    return response


@router.post("/logout", dependencies=[Depends(check_csrf)])
def logout(request: Request) -> Response:
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
    limiter, keys = _guard(request, account.email, "wrong passwords")
    store = store_of(request)
    error, digest = "", ""
    if not store.check_password(account.email, current):
        limiter.failed(*keys)
        error = "Your current password is not that one."
    elif new != repeat:
        error = "The two new passwords differ."
    elif new == current:
        error = "The new password is the one you have."
    else:
        try:
            digest = store.set_password(account.email, new)
        except ParameterError as e:  # too short
            error = str(e)[:1].upper() + str(e)[1:] + "."
    if error:
        if answers_json(request):
            raise Problem(400, error)
        data = {"account": account.public(), "changed": False, "error": error}
        return render(request, "account.html", data, account, status=400)
    limiter.succeeded(*keys)
    return _start_session(request, RedirectResponse("/account?changed=1", status_code=303), account.id, digest)
