"""Recordings: upload, list, status, retry, delete, and the report with its media.

Uploads stream to a temporary file under ``uploads/`` (never the whole file in
memory), stop at the size limit, and are decoded before they are kept: the
extension and the browser's content type are not trusted. The file is kept
under a generated name; the name the user gave is only a title. Nothing of a
refused upload stays on disk.

A deck (the talk's slides, PDF or PPTX) is uploaded first, to ``POST /decks``,
which reads it and answers a token; the recording's upload names it in
``X-Deck``. A token is the speaker's own: another account's is refused.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import uuid
from collections.abc import Awaitable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from ..errors import InputError, ParameterError
from ..store import Analysis, Job, Recording, Store, User
from .auth import Account, visible_owner_ids
from .jobs import enqueue_retry
from .views import (
    CurrentAccount,
    Problem,
    answers_json,
    check_csrf,
    csrf_token,
    not_found,
    render,
    settings_of,
    store_of,
)

router = APIRouter()

SUFFIXES = {".mp4", ".mov", ".m4v", ".mkv", ".webm", ".avi", ".mpg", ".mpeg", ".wav", ".flac", ".mp3", ".m4a", ".ogg"}
_FORMATS = {"mp4": ".mp4", "mov": ".mov", "matroska": ".mkv", "webm": ".webm", "wav": ".wav", "flac": ".flac"}
_FORMATS |= {"mp3": ".mp3", "ogg": ".ogg", "avi": ".avi", "mpeg": ".mpg", "mpegts": ".mpg"}
CHUNK = 1 << 20


def title_from(filename: str) -> str:
    """A display title from what the browser called the file: its last path part, printable, at most 200 chars."""
    name = re.split(r"[\\/]", unquote(filename))[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".")
    return name[:200] or "recording"


def _suffix(title: str, container: str) -> str:
    """The stored file's extension: the user's when it names a format we read, else the decoded container's."""
    own = Path(title).suffix.lower()
    if own in SUFFIXES:
        return own
    for name in container.split(","):
        if name in _FORMATS:
            return _FORMATS[name]
    return ".media"


_DECK_SUFFIXES = {".pdf", ".pptx"}
_DECK_MB = 100
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _deck_file(settings: Any, account: Account, token: str) -> Path | None:
    """The deck behind ``token`` if it is this account's, else None."""
    if not _TOKEN.match(token):
        return None
    for suffix in _DECK_SUFFIXES:
        p = settings.uploads / "decks" / f"{account.id}-{token}{suffix}"
        if p.is_file():
            return p  # type: ignore[no-any-return]
    return None


@router.post("/decks", dependencies=[Depends(check_csrf)])
async def upload_deck(request: Request, account: CurrentAccount) -> Response:
    """The body is a deck (``X-Filename``: its name). 201 with ``{"deck": token, "title", "slides"}``; the
    recording's upload then names the token in ``X-Deck``."""
    return await _as_api(_upload_deck(request, account))


async def _upload_deck(request: Request, account: Account) -> Response:
    settings = settings_of(request)
    title = title_from(request.headers.get("x-filename", ""))
    suffix = Path(title).suffix.lower()
    if suffix not in _DECK_SUFFIXES:
        raise Problem(415, f"“{title}” is not a deck Podium reads: give the slides as a PDF or a PowerPoint .pptx.")
    _refuse_declared_over(request, title, _DECK_MB)
    folder = settings.uploads / "decks"
    folder.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex
    tmp = folder / f".upload-{token}"
    final = folder / f"{account.id}-{token}{suffix}"
    try:
        _, size = await _receive(request, tmp, title, _DECK_MB)
        if size == 0:
            raise Problem(400, f"“{title}” is empty (0 bytes): nothing was uploaded.")
        os.replace(tmp, final)
        n = await run_in_threadpool(_check_deck, final, title)
    except BaseException:
        final.unlink(missing_ok=True)
        raise
    finally:
        tmp.unlink(missing_ok=True)
    return JSONResponse({"deck": token, "title": title, "slides": n}, status_code=201)


def _check_deck(path: Path, title: str) -> int:
    from ..slides import read_deck

    try:
        return len(read_deck(path).slides)
    except InputError as e:
        reason = str(e).split(": ", 1)[-1]
        raise Problem(415, f"“{title}” cannot be used: {reason}") from None


@router.post("/recordings", dependencies=[Depends(check_csrf)])
async def upload(request: Request, account: CurrentAccount) -> Response:
    """The request body is the recording (``X-Filename``: its name). 201 with the new recording's URL.

    An API route: its errors are JSON (``{"error": ...}``) whatever the client accepts.
    """
    return await _as_api(_upload(request, account))


async def _as_api(answer: Awaitable[Response]) -> Response:
    """An API route's answer: its errors as JSON (``{"error", "status"}``) whatever the client accepts."""
    try:
        return await answer
    except Problem as e:
        return JSONResponse({"error": e.message, "status": e.status}, status_code=e.status, headers=e.headers)


def _refuse_declared_over(request: Request, title: str, max_mb: int) -> None:
    """A body whose declared length is over ``max_mb`` is refused before a byte of it is read."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_mb * 1024 * 1024:
        raise _too_big(title, max_mb)


async def _upload(request: Request, account: Account) -> Response:
    settings = settings_of(request)
    title = title_from(request.headers.get("x-filename", ""))
    _refuse_declared_over(request, title, settings.max_upload_mb)
    deck: tuple[Path, str] | None = None
    token = request.headers.get("x-deck", "").strip()
    if token:
        found = _deck_file(settings, account, token)
        if found is None:
            raise Problem(400, "The slides sent with this recording are not on the server; upload them again.")
        deck = (found, title_from(request.headers.get("x-deck-name", "")) or found.name)
    talk = _talk(request.headers.get("x-talk", ""))
    tmp = settings.uploads / f".upload-{uuid.uuid4().hex}"
    try:
        digest, size = await _receive(request, tmp, title, settings.max_upload_mb)
        if size == 0:
            raise Problem(400, f"“{title}” is empty (0 bytes): nothing was uploaded.")
        info = await run_in_threadpool(check_media, tmp, title, settings.max_duration_s, settings.analyze_face)
        final = settings.uploads / f"{uuid.uuid4().hex}{_suffix(title, info.container)}"
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
    try:
        rec_id = await run_in_threadpool(
            add_recording, store_of(request), account.id, final, digest, title, info, size, deck, talk
        )
    except BaseException:
        final.unlink(missing_ok=True)
        raise
    return JSONResponse({"id": rec_id, "url": f"/recordings/{rec_id}", "title": title}, status_code=201)


def _talk(header: str) -> str | None:
    """The talk a take is of, from ``X-Talk`` (percent-encoded UTF-8, as the page sends it), as
    :func:`podium.options.talk_name` keeps it; empty is none."""
    from urllib.parse import unquote

    from ..options import TALK_MAX, talk_name

    try:
        return talk_name(unquote(header))
    except ParameterError:
        raise Problem(400, f"The talk's name is over {TALK_MAX} characters; shorten it.") from None


def _too_big(title: str, max_mb: int) -> Problem:
    return Problem(413, f"“{title}” is larger than the {max_mb} MB this server accepts.")


async def _receive(request: Request, tmp: Path, title: str, max_mb: int) -> tuple[str, int]:
    """Stream the body to ``tmp``, stopping past ``max_mb``; its sha256 and size."""
    limit = max_mb * 1024 * 1024
    h = hashlib.sha256()
    size = 0
    try:
        with open(tmp, "wb") as fh:
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise _too_big(title, max_mb)
                h.update(chunk)
                fh.write(chunk)
    except ClientDisconnect:
        raise Problem(400, "The upload was interrupted; nothing was kept.") from None
    return h.hexdigest(), size


def check_media(path: Path, title: str, max_duration_s: float, face: bool) -> Any:
    """Decode the whole audio once, keeping none of it: a renamed text file, a truncated or overlong recording is
    refused here, and the server's memory stays flat whatever the length."""
    from .. import media
    from ..options import MediaOptions

    try:
        info = media.check(path, MediaOptions(max_duration_s=max_duration_s))
    except InputError as e:
        reason = str(e).split(": ", 1)[-1]
        raise Problem(415, f"“{title}” cannot be used: {reason}") from None
    if not info.has_audio and not (info.has_video and face):
        raise Problem(415, f"“{title}” has no audio stream, so there is no speech to analyse.")
    return info


def add_recording(
    store: Store,
    owner_id: int,
    path: Path,
    digest: str,
    title: str,
    info: Any,
    size: int,
    deck: tuple[Path, str] | None = None,
    talk: str | None = None,
) -> int:
    """A recording of ``owner_id`` and its queued job; the recording's id."""
    now = datetime.now(UTC)
    with store.session.begin() as s:
        rec = Recording(
            owner_id=owner_id,
            path=str(path),
            sha256=digest,
            title=title,
            duration_s=info.duration_s,
            created_at=now,
            has_video=info.has_video,
            size_bytes=size,
            talk=talk,
            deck_path=str(deck[0]) if deck else None,
            deck_title=deck[1] if deck else None,
        )
        s.add(rec)
        s.flush()
        s.add(Job(recording_id=rec.id, status="queued", attempts=0, created_at=now, updated_at=now))
        return int(rec.id)


def _rows(s: Any, account: Account, *, rec_id: int | None = None, owner_id: int | None = None) -> list[dict[str, Any]]:
    """Recordings ``account`` may see (newest first), each with its job and latest analysis."""
    from sqlalchemy import func, select
    from sqlalchemy.orm import defer

    latest = (
        select(Analysis.recording_id, func.max(Analysis.id).label("aid")).group_by(Analysis.recording_id).subquery()
    )
    q = (
        select(Recording, Job, Analysis, User)
        .join(Job, Job.recording_id == Recording.id)
        .join(User, User.id == Recording.owner_id)
        .outerjoin(latest, latest.c.recording_id == Recording.id)
        .outerjoin(Analysis, Analysis.id == latest.c.aid)
        .order_by(Recording.id.desc())
    )
    owners = visible_owner_ids(s, account)
    if owners is not None:
        q = q.where(Recording.owner_id.in_(owners))
    if rec_id is not None:
        q = q.where(Recording.id == rec_id)
    if owner_id is not None:
        q = q.where(Recording.owner_id == owner_id)
    q = q.options(defer(Analysis.report_json))  # hundreds of kilobytes each; the list needs only the scores
    found = s.execute(q.limit(1000)).all()
    rows = [_public(r, j, a, u) for r, j, a, u in found]
    if rec_id is not None:  # one recording's page: a live take's figures, read from beside it (not for every row)
        from .rehearse import live_seen

        for row, (rec, *_) in zip(rows, found, strict=True):
            row["live"] = live_seen(rec.path)
    return rows


def _public(rec: Recording, job: Job, analysis: Analysis | None, owner: User) -> dict[str, Any]:
    from ..store import scores_of

    shown = analysis if job.status == "done" else None  # scores only once the job is done
    return {
        "id": rec.id,
        "talk": rec.talk,
        "url": f"/recordings/{rec.id}",
        "title": rec.title,
        "owner": {"id": owner.id, "name": owner.name},
        "created_at": rec.created_at,
        "duration_s": rec.duration_s,
        "has_video": rec.has_video,
        "status": job.status,
        "stage": job.stage,
        "progress": job.progress,
        "attempts": job.attempts,
        "error": job.error,
        "note": job.note,
        "report_url": f"/recordings/{rec.id}/report/" if shown else None,
        "overall": shown.overall if shown else None,
        "wpm": shown.wpm if shown else None,
        "fillers_per_min": shown.fillers_per_min if shown else None,
        "scores": scores_of(shown) if shown else None,
        "live": None,  # a take recorded on the Rehearse page: what its speaker saw live (one recording's page)
    }


def _one(request: Request, account: Account, rec_id: int) -> dict[str, Any]:
    with store_of(request).session() as s:
        rows = _rows(s, account, rec_id=rec_id)
    if not rows:
        raise not_found()
    return rows[0]


@router.get("/recordings")
@router.get("/recordings.json")
def list_recordings(request: Request, account: CurrentAccount) -> Response:
    with store_of(request).session() as s:
        rows = _rows(s, account)
    settings = settings_of(request)
    # the talks this speaker named before, offered again so that the takes of one talk share its name exactly
    talks = sorted({r["talk"] for r in rows if r["talk"] and r["owner"]["id"] == account.id}, key=str.casefold)
    data = {"recordings": rows, "max_upload_mb": settings.max_upload_mb, "talks": talks}
    return render(request, "recordings.html", data, account)


@router.get("/recordings/{rec_id:int}")
@router.get("/recordings/{rec_id:int}.json")
def show_recording(request: Request, rec_id: int, account: CurrentAccount) -> Response:
    """A finished recording is its report (the same page, under the app's bar); until then, its status. The JSON
    answer carries the scores and moments for programs."""
    row = _one(request, account, rec_id)
    if row["report_url"] and not answers_json(request):
        return RedirectResponse(row["report_url"], status_code=303)
    row["feedback"] = _feedback(request, rec_id) if row["report_url"] else None
    return render(request, "recording.html", {"recording": row}, account)


def _latest(request: Request, rec_id: int, column: Any) -> Any:
    """``column`` of the recording's newest analysis (a retried recording can have several); None if none.

    One column only: the report's files are served on every seek of the player, and need just the folder.
    """
    from sqlalchemy import select

    with store_of(request).session() as s:
        return s.scalar(select(column).where(Analysis.recording_id == rec_id).order_by(Analysis.id.desc()).limit(1))


def _feedback(request: Request, rec_id: int) -> dict[str, Any] | None:
    """The report's coaching part (scores with their evidence, tips), for the status page and its JSON."""
    import json

    text = _latest(request, rec_id, Analysis.report_json)
    if text is None:
        return None
    data = json.loads(text)
    fb = data.get("feedback") or {}
    keys = ("dimensions", "priorities", "strengths", "moments")
    return {"summary": data.get("summary", {}), **{k: fb.get(k, []) for k in keys}}


def _owned(request: Request, account: Account, rec_id: int) -> dict[str, Any]:
    """A recording its owner (or an admin) may change; coaches may look but not change."""
    row = _one(request, account, rec_id)
    if account.role != "admin" and row["owner"]["id"] != account.id:
        raise Problem(403, "Only the speaker who uploaded this recording (or an admin) can change it.")
    return row


@router.post("/recordings/{rec_id:int}/retry", dependencies=[Depends(check_csrf)])
def retry(request: Request, rec_id: int, account: CurrentAccount) -> Response:
    row = _owned(request, account, rec_id)
    if row["status"] != "failed":
        raise Problem(409, f"Only a failed analysis can be retried; this one is {row['status']}.")
    with store_of(request).session() as s:
        job = s.query(Job).filter(Job.recording_id == rec_id).one()
        job_id = job.id
    enqueue_retry(store_of(request), job_id)
    return _after(request, rec_id)


@router.post("/recordings/{rec_id:int}/delete", dependencies=[Depends(check_csrf)])
def delete(request: Request, rec_id: int, account: CurrentAccount) -> Response:
    """The recording, its analyses and report folders, gone from disk and database."""
    row = _owned(request, account, rec_id)
    if row["status"] == "running":
        raise Problem(409, "This recording is being analysed; delete it when the analysis has finished.")
    settings = settings_of(request)
    with store_of(request).session.begin() as s:
        rec = s.get(Recording, rec_id)
        assert rec is not None
        folders = [a.report_dir for a in s.query(Analysis).filter(Analysis.recording_id == rec_id)]
        s.query(Analysis).filter(Analysis.recording_id == rec_id).delete()
        s.query(Job).filter(Job.recording_id == rec_id).delete()
        uploads = [Path(rec.path)] + ([Path(rec.deck_path)] if rec.deck_path else [])
        s.delete(rec)
    for folder in folders:
        if folder and _inside(Path(folder), settings.reports):
            shutil.rmtree(folder, ignore_errors=True)
    for upload in uploads:  # the recording and its deck
        if _inside(upload, settings.uploads):
            upload.unlink(missing_ok=True)
    if answers_json(request):
        return JSONResponse({"deleted": rec_id})
    return RedirectResponse("/recordings", status_code=303)


def _after(request: Request, rec_id: int) -> Response:
    if answers_json(request):
        return JSONResponse({"id": rec_id, "url": f"/recordings/{rec_id}"})
    return RedirectResponse(f"/recordings/{rec_id}", status_code=303)


def _inside(path: Path, root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(root.resolve())
    except OSError:
        return False


@router.get("/recordings/{rec_id:int}/report")
def report_root(request: Request, rec_id: int, account: CurrentAccount) -> Response:
    _one(request, account, rec_id)
    return RedirectResponse(f"/recordings/{rec_id}/report/", status_code=307)


@router.get("/recordings/{rec_id:int}/report/")
@router.get("/recordings/{rec_id:int}/report/{name:path}")
def report_file(request: Request, rec_id: int, account: CurrentAccount, name: str = "report.html") -> Response:
    """A file of the report folder (report.html, report.json, subtitles, the media), for those who may see it."""
    row = _one(request, account, rec_id)
    if not row["report_url"]:
        raise not_found()
    folder = _latest(request, rec_id, Analysis.report_dir)
    if not folder:
        raise not_found()
    root = Path(folder).resolve()
    target = (root / (name or "report.html")).resolve()
    if not target.is_relative_to(root) or not target.is_file() or target.name.startswith("."):
        raise not_found()
    if target == root / "report.html":  # the same page as on disk, under the app's bar with the way back
        may_delete = account.role == "admin" or row["owner"]["id"] == account.id
        bar = _app_bar(row, csrf_token(request) if may_delete else None, _live_against_full(row, root))
        return HTMLResponse(target.read_text(encoding="utf-8").replace("<body>", "<body>" + bar, 1))
    return FileResponse(target)


def _live_against_full(row: dict[str, Any], report_dir: Path) -> str:
    """For a take rehearsed live: what the speaker saw live against what the full analysis found."""
    import json

    live = row.get("live")
    if not live:
        return ""
    try:
        full = json.loads((report_dir / "report.json").read_text(encoding="utf-8"))["summary"]["fillers"]
    except (OSError, ValueError, KeyError, TypeError):
        return ""

    def n(k: int) -> str:
        return f"{k} filler{'s' * (k != 1)}"

    return f"Live you saw {n(int(live['fillers']))}; the full analysis found {n(int(full))}."


def _app_bar(row: dict[str, Any], csrf: str | None, note: str = "") -> str:
    """The app's bar over a report: the way back, whose take it is, a live take's note, and (for its speaker or an
    admin) delete."""
    from html import escape

    link = "color:#fff;text-decoration:underline;text-underline-offset:2px"
    delete = (
        f"<form method='post' action='/recordings/{row['id']}/delete' style='margin:0 0 0 auto' "
        "onsubmit=\"return confirm('Delete this recording and its report for good?')\">"
        f"<input type='hidden' name='csrf' value='{escape(csrf)}'>"
        "<button type='submit' style='font:inherit;font-size:.85rem;background:none;color:#fff;border:1px solid "
        "#dfe3ee;border-radius:.4rem;padding:.1rem .6rem;cursor:pointer'>Delete</button></form>"
        if csrf
        else ""
    )
    return (
        "<nav aria-label='Podium' style='display:flex;flex-wrap:wrap;gap:.3rem 1rem;align-items:center;"
        "padding:.5rem 1.25rem;background:#1d2330;color:#fff;font:15px/1.4 system-ui,sans-serif'>"
        "<a href='/recordings' style='color:#fff;text-decoration:none;font-weight:600'>Podium</a>"
        f"<a href='/recordings' style='{link}'>← Recordings</a>"
        f"<span>{escape(row['owner']['name'])} · {escape(row['title'])}</span>"
        + (f"<span style='color:#dfe3ee'>{escape(note)}</span>" if note else "")
        + f"{delete}</nav>"
    )
