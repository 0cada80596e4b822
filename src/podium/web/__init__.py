"""``podium serve``: the web app for a team of speakers and their coaches.

``create_app(settings)`` returns the FastAPI app; :func:`serve` runs it with
uvicorn and its analysis workers. Layout: ``settings`` (flags and environment,
insecure defaults refused), ``auth`` (sessions, CSRF, rate limits, who sees
what), ``jobs`` (the queue in the database and its worker processes), one
router per resource (``account``, ``recordings``, ``people``), ``views``
(what they share) and ``templates/`` + ``static/``.
"""

from __future__ import annotations

from typing import Any

from .settings import Settings

__all__ = ["Settings", "create_app", "serve"]


def create_app(settings: Settings, *, start_workers: bool = True) -> Any:
    """The ASGI app (see :func:`podium.web.app.create_app`)."""
    from .app import create_app as _create

    return _create(settings, start_workers=start_workers)


def serve(settings: Settings) -> None:
    """Run the server (and ``settings.workers`` analysis workers) until Ctrl-C or SIGTERM."""
    import uvicorn

    from ..store import open_store

    open_store(settings.db_url).close()  # a database that cannot be opened fails here, as a clear error
    app = create_app(settings)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info", proxy_headers=False, access_log=False)
