"""The application: settings, store and workers wired together, one error handler, security headers.

``create_app(settings)`` builds everything inside the function (nothing at
import). Each resource has its router: ``account`` (sign in and out),
``recordings`` (upload, status, report), ``people`` (history, team, admin).
Every page is also JSON at the same path with ``.json``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from ..errors import InputError, ParameterError, PodiumError
from .auth import CSRF_COOKIE, Signer, new_browser_token
from .settings import Settings

__all__ = ["create_app"]

log = logging.getLogger(__name__)

APP_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; media-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
)


MAX_ID = 2**63 - 1  # the largest id SQLite and PostgreSQL (bigint) can hold


def create_app(settings: Settings, *, start_workers: bool = True) -> Any:
    """The FastAPI app for ``settings`` (already checked: see :meth:`Settings.from_env`).

    ``start_workers=False`` runs no worker processes (tests work the queue themselves; or run ``podium worker``).
    """
    from fastapi import FastAPI, Request
    from fastapi.exceptions import RequestValidationError
    from fastapi.staticfiles import StaticFiles
    from starlette.exceptions import HTTPException

    from ..store import open_store
    from . import account, people, recordings, rehearse
    from .supervisor import Supervisor
    from .views import NotSignedIn, Problem, Templates, answers_json, error_response

    settings.uploads.mkdir(parents=True, exist_ok=True)
    settings.reports.mkdir(parents=True, exist_ok=True)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = open_store(settings.db_url)
        app.state.store = store
        app.state.live_slots = asyncio.Semaphore(rehearse.LIVE_SESSIONS)
        app.state.local_user = account.local_user(store) if settings.single_user else None
        rehearse.recover_takes(settings, store)  # takes a crash or a closed tab left open become recordings
        supervisor = Supervisor(settings, store) if start_workers and settings.workers else None
        app.state.supervisor = supervisor
        if supervisor is not None:
            supervisor.start()
        try:
            yield
        finally:
            if supervisor is not None:
                supervisor.stop()
            store.close()

    app = FastAPI(title="Podium", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.settings = settings
    app.state.signer = Signer(settings.secret_key)
    app.state.templates = Templates()
    if settings.forwarded_allow_ips:  # the client's address from a trusted proxy's X-Forwarded-For, else the peer
        from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

        hosts = [h.strip() for h in settings.forwarded_allow_ips.split(",") if h.strip()]
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=hosts)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    for module in (account, recordings, people, rehearse):
        app.include_router(module.router)

    @app.middleware("http")
    async def headers(request: Request, call_next: Any) -> Any:
        browser = request.cookies.get(CSRF_COOKIE) or ""
        fresh = not browser
        request.state.browser_token = browser or new_browser_token()
        response = await call_next(request)
        path = request.url.path
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        # a report page keeps its own policy (its <meta> tag); here only: never inside a frame
        report = "/report/" in path
        response.headers["Content-Security-Policy"] = "frame-ancestors 'none'" if report else APP_CSP
        if not path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        if fresh:
            response.set_cookie(
                CSRF_COOKIE,
                request.state.browser_token,
                httponly=True,
                samesite="strict",
                secure=settings.cookies_secure,
                path="/",
            )
        return response

    @app.middleware("http")
    async def ids_in_range(request: Request, call_next: Any) -> Any:
        """An id beyond what any database row can have is simply not found (not a 500 from the driver)."""
        for part in request.url.path.split("/"):
            digits = part.split(".", 1)[0]
            if digits.isdigit() and int(digits) > MAX_ID:
                return error_response(request, 404, "Not found.")
        return await call_next(request)

    @app.exception_handler(Problem)
    async def on_problem(request: Request, e: Problem) -> Any:
        return error_response(request, e.status, e.message, e.headers)

    @app.exception_handler(NotSignedIn)
    async def on_signed_out(request: Request, e: NotSignedIn) -> Any:
        from urllib.parse import quote

        from fastapi.responses import RedirectResponse

        if answers_json(request):
            return error_response(request, 401, "sign in first (POST /login)")
        sign_in = "/local-sign-in" if settings.single_user else "/login"
        return RedirectResponse(f"{sign_in}?next={quote(request.url.path)}", status_code=303)

    @app.exception_handler(HTTPException)
    async def on_http(request: Request, e: HTTPException) -> Any:
        messages = {404: "Not found.", 405: "That method is not allowed here."}
        return error_response(request, e.status_code, messages.get(e.status_code, str(e.detail)))

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, e: RequestValidationError) -> Any:
        fields = ", ".join(str(err.get("loc", ["?"])[-1]) for err in e.errors())
        return error_response(request, 400, f"missing or invalid: {fields}")

    @app.exception_handler(PodiumError)
    async def on_podium(request: Request, e: PodiumError) -> Any:
        status = 400 if isinstance(e, (InputError, ParameterError)) else 500
        return error_response(request, status, " ".join(str(e).split()))

    return app
