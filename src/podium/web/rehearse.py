"""Rehearse in the browser: record, see live feedback, and get the full report of the take.

A take lives in ``uploads/takes/<owner>-<token>/`` while it is recorded:

* ``POST /rehearsals`` opens one (``{"id": token}``);
* ``POST /rehearsals/<token>/media`` appends the next piece of the browser's
  recording (MediaRecorder, a piece a second) to ``take.webm``, written to disk
  as it comes, so a closed tab, a lost connection or a server crash keeps
  everything said until then;
* ``WS /rehearsals/<token>/live`` takes binary messages, a first byte saying
  what follows: ``PCM`` (16 kHz 16-bit mono samples) or ``IMAGE`` (a camera
  frame); it answers with live states (JSON, :class:`podium.live.LiveState`)
  and, for frames, where the face looks (:class:`podium.live.LiveFace`); the
  text message ``stop`` makes every word final and closes. At most
  ``LIVE_SESSIONS`` at once per server: another gets ``{"type": "busy"}``;
* ``POST /rehearsals/<token>/finish`` makes the take an ordinary recording,
  queued for the full analysis; the live figures stay beside it
  (``<upload>.live.json``).

A take left unfinished (the server was killed, the browser closed) is finished
when the server next starts (:func:`recover_takes`).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import secrets
import shutil
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from fastapi import APIRouter, Depends, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from ..store import Store, access
from .auth import SESSION_COOKIE, Account
from .recordings import add_recording, check_media
from .views import CurrentAccount, Problem, check_csrf, not_found, render, settings_of, store_of

__all__ = ["IMAGE", "LIVE_SESSIONS", "PCM", "live_seen", "recover_takes", "router"]

log = logging.getLogger(__name__)
router = APIRouter()

LIVE_SESSIONS = 1  # live sessions at once: each takes one core; a 2-core server keeps the other for the queue
PCM = b"\x01"  # a binary message's first byte: 16 kHz 16-bit little-endian mono samples follow
IMAGE = b"\x02"  # ... or one camera frame (JPEG or PNG)
_MAX_PCM_MESSAGE = 16000 * 2 * 5  # bytes: at most 5 s of audio in one message
_NO_FACE = "This server does not analyse faces (it was started with --no-face); the video is kept with the take."
_MAX_IMAGE_MESSAGE = 512 * 1024  # a small frame (the page sends 320 px JPEGs)
_TAKE_FILE = "take.webm"
_META = "take.json"
_LIVE = "live.json"


def _takes(settings: Any) -> Path:
    return Path(settings.uploads) / "takes"


def _take(settings: Any, owner_id: int, token: str) -> Path | None:
    """The take's folder when ``owner_id`` opened it: anyone else's token, or a made-up one, is None."""
    if not token.isalnum() or len(token) > 64:
        return None
    folder = _takes(settings) / f"{owner_id}-{token}"
    return folder if (folder / _META).is_file() else None


def _folder(settings: Any, account: Account, token: str) -> Path:
    """:func:`_take`, answered 404 when it is not theirs."""
    folder = _take(settings, account.id, token)
    if folder is None:
        raise not_found()
    return folder


@router.get("/rehearse")
def rehearse_page(request: Request, account: CurrentAccount) -> Response:
    from ..coach import fillers, pace
    from ..config import CoachConfig
    from ..face.summary import FACE_LOST_S, LOOKING_DOWN_S

    # the nudges use the report's thresholds: a speaker is nudged live about what the report would flag
    config = CoachConfig.load()
    band, cluster = config.of(pace.PACE), config.of(fillers.FILLERS)
    data = {
        "pace": {"low": band.min_wpm, "high": band.max_wpm},
        "fillers": {"count": cluster.cluster_min, "window_s": cluster.cluster_window_s},
        "camera": {"down_s": LOOKING_DOWN_S, "lost_s": FACE_LOST_S},
        "face": settings_of(request).analyze_face,
    }
    return render(request, "rehearse.html", data, account)


@router.post("/rehearsals", dependencies=[Depends(check_csrf)])
async def open_take(request: Request, account: CurrentAccount) -> Response:
    from .recordings import _talk

    token = secrets.token_hex(16)
    folder = _takes(settings_of(request)) / f"{account.id}-{token}"
    folder.mkdir(parents=True)
    now = datetime.now(UTC)
    meta = {
        "owner_id": account.id,
        "started_at": now.isoformat(timespec="seconds"),
        "title": f"Rehearsal {now:%Y-%m-%d %H.%M} UTC",  # no colon: the report names its file after it
        "talk": _talk(request.headers.get("x-talk", "")),
    }
    (folder / _META).write_text(json.dumps(meta), encoding="utf-8")
    (folder / _TAKE_FILE).touch()
    return JSONResponse({"id": token, "title": meta["title"]}, status_code=201)


@router.post("/rehearsals/{token}/media", dependencies=[Depends(check_csrf)])
async def append_media(request: Request, token: str, account: CurrentAccount) -> Response:
    settings = settings_of(request)
    path = _folder(settings, account, token) / _TAKE_FILE
    limit = settings.max_upload_mb * 1024 * 1024
    size = path.stat().st_size
    # the disk is written from a thread: an fsync waits for the disk, which the queue may keep busy, and the
    # event loop meanwhile serves the live socket
    with open(path, "ab") as fh:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise Problem(413, f"This take is now larger than the {settings.max_upload_mb} MB this server keeps.")
            await run_in_threadpool(fh.write, chunk)
        await run_in_threadpool(_sync, fh)  # on disk before the page sends the next piece
    return JSONResponse({"bytes": size})


def _sync(fh: Any) -> None:
    fh.flush()
    os.fsync(fh.fileno())


@router.post("/rehearsals/{token}/finish", dependencies=[Depends(check_csrf)])
async def finish(request: Request, token: str, account: CurrentAccount) -> Response:
    folder = _folder(settings_of(request), account, token)
    rec_id = await run_in_threadpool(_finish, settings_of(request), store_of(request), folder)
    if rec_id is None:
        raise Problem(400, "Nothing was recorded in this take (no sound reached the server).")
    return JSONResponse({"id": rec_id, "url": f"/recordings/{rec_id}"}, status_code=201)


_finishing = threading.Lock()  # a take is finished once, whether by the page or by a restart


def _finish(settings: Any, store: Store, folder: Path) -> int | None:
    """The take as a queued recording (its id), or None when it holds nothing usable; its folder is removed."""
    with _finishing:
        if not (folder / _META).is_file():  # finished already
            return None
        meta = json.loads((folder / _META).read_text(encoding="utf-8"))
        take = folder / _TAKE_FILE
        rec_id: int | None = None
        if take.is_file() and take.stat().st_size > 0:
            take = _remux(take, folder / "whole.webm")
            try:
                info = check_media(take, meta["title"], settings.max_duration_s, settings.analyze_face)
            except Problem as e:
                log.warning("take %s cannot be analysed: %s", folder.name, e.message)
                info = None
            if info is not None:
                final = Path(settings.uploads) / f"{uuid.uuid4().hex}.webm"
                digest, size = _sha256(take), take.stat().st_size
                shutil.move(take, final)
                if (folder / _LIVE).is_file():
                    shutil.move(folder / _LIVE, final.with_suffix(".live.json"))
                owner = int(meta["owner_id"])
                rec_id = add_recording(store, owner, final, digest, meta["title"], info, size, None, meta.get("talk"))
        shutil.rmtree(folder, ignore_errors=True)
        return rec_id


def _remux(src: Path, dst: Path) -> Path:
    """The take's packets, copied into a file of their own (``dst``) that says how long it is and can be sought in.

    The browser's recording is a stream: it has no duration and no index, and a take cut short (a crash, a
    closed tab) ends inside a packet. Copying every whole packet, without decoding, keeps all that was said and
    makes a file that players and the analysis read like any other. A take that cannot be read at all is left
    as it came (the check that follows says why).
    """
    import av

    try:
        with av.open(str(src)) as inp, av.open(str(dst), "w", format="webm") as out:
            streams = {}
            for st in inp.streams:
                if st.type in ("audio", "video"):
                    streams[st.index] = out.add_stream_from_template(st)
            if not streams:
                raise ValueError("no audio or video")
            try:
                for packet in inp.demux(*[inp.streams[i] for i in streams]):
                    if packet.dts is None or packet.size == 0:
                        continue
                    packet.stream = streams[packet.stream.index]
                    out.mux(packet)
            except (av.error.InvalidDataError, av.error.EOFError):  # the cut-off end of a take
                pass
    except Exception as e:
        log.warning("take %s could not be copied whole (%s); checking it as it came", src.parent.name, e)
        dst.unlink(missing_ok=True)
        return src
    return dst


def live_seen(upload: str | Path) -> dict[str, Any] | None:
    """What the speaker saw live during the take stored at ``upload`` (None for an upload, or when unreadable)."""
    try:
        seen = json.loads(Path(upload).with_suffix(".live.json").read_text(encoding="utf-8"))
        return {k: seen[k] for k in ("heard_s", "words", "fillers")}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def recover_takes(settings: Any, store: Store) -> list[int]:
    """Finish every take left open (the server stopped or was killed while someone rehearsed); their ids."""
    root = _takes(settings)
    if not root.is_dir():
        return []
    found = []
    for folder in sorted(root.iterdir()):
        if (folder / _META).is_file():
            try:
                rec_id = _finish(settings, store, folder)
            except Exception:  # one damaged take must not stop the server from starting
                log.exception("take %s could not be recovered", folder.name)
                continue
            if rec_id is not None:
                found.append(rec_id)
                log.info("take %s recovered as recording %d", folder.name, rec_id)
    return found


@router.websocket("/rehearsals/{token}/live")
async def live(ws: WebSocket, token: str) -> None:
    """Live feedback for one take: PCM in, states out, one decode at a time on a thread of its own."""
    settings = ws.app.state.settings
    origin = ws.headers.get("origin", "")
    host = ws.headers.get("host", "")
    if origin and origin.split("://", 1)[-1] != host:  # a page on another site cannot listen in
        await ws.close(code=1008)
        return
    user = await run_in_threadpool(access.session_user, ws.app.state.store, ws.cookies.get(SESSION_COOKIE, ""))
    if user is None:
        await ws.close(code=1008)
        return
    folder = _take(settings, user.id, token)
    if folder is None:
        await ws.close(code=1008)
        return
    await ws.accept()
    slots: asyncio.Semaphore = ws.app.state.live_slots
    if slots.locked():
        await ws.send_json(
            {"type": "busy", "message": "Live feedback is in use by someone else on this server. Your take is still "
             "recorded and fully analysed when you stop."}
        )  # fmt: skip
        await ws.close()
        return
    async with slots:
        await _serve_live(ws, folder)


async def _serve_live(ws: WebSocket, folder: Path) -> None:
    from ..errors import MissingDependency, ModelNotFound
    from ..live import LiveCamera, LiveSession

    session = LiveSession()
    busy = asyncio.Lock()
    stopping = False
    camera: LiveCamera | None = None
    camera_off = False
    looking: asyncio.Task[None] | None = None

    async def step(final: bool = False) -> None:
        async with busy:
            state = await run_in_threadpool(session.update, final=final)
        await ws.send_json({"type": "final" if final else "state", **state.public()})

    async def look(image: bytes) -> None:
        assert camera is not None
        face = await run_in_threadpool(camera.look, image)
        await ws.send_json(face.public())

    pending: asyncio.Task[None] | None = None
    try:
        while True:
            msg = await ws.receive()
            if msg["type"] == "websocket.disconnect":
                break
            data = msg.get("bytes")
            if data is not None:
                kind, body = data[:1], data[1:]
                if kind == PCM and len(body) <= _MAX_PCM_MESSAGE and len(body) % 2 == 0:
                    session.feed(np.frombuffer(body, dtype="<i2"))
                    if pending is None or pending.done():  # one decode at a time; audio keeps arriving meanwhile
                        pending = asyncio.create_task(step())
                elif kind == IMAGE and len(body) <= _MAX_IMAGE_MESSAGE:
                    if camera is None and not camera_off:
                        camera_off = True  # until the landmarker is there
                        if not ws.app.state.settings.analyze_face:  # as for the take's full analysis
                            await ws.send_json({"type": "face", "available": False, "message": _NO_FACE})
                        else:
                            try:
                                camera = await run_in_threadpool(LiveCamera)
                                camera_off = False
                            except (MissingDependency, ModelNotFound) as e:
                                await ws.send_json({"type": "face", "available": False, "message": str(e)})
                    if camera is not None and (looking is None or looking.done()):  # frames that come while
                        looking = asyncio.create_task(look(body))  # one is analysed are dropped: only now counts
                else:
                    await ws.close(code=1003 if kind not in (PCM, IMAGE) else 1009)
                    break
            elif (msg.get("text") or "").strip() == "stop":
                stopping = True
                if pending is not None:
                    await pending
                await step(final=True)
                _keep_summary(folder, session, stopped=True)  # before the page hears the close and finishes the take
                await ws.close()
                break
    except WebSocketDisconnect:
        pass
    finally:
        for task in (pending, looking):
            if task is not None and not task.done():
                with contextlib.suppress(Exception):
                    await task
        if not stopping:
            _keep_summary(folder, session, stopped=False)


def _keep_summary(folder: Path, session: Any, *, stopped: bool) -> None:
    """What the speaker saw live, kept beside the take: the report can set it against the full analysis."""
    from ..fillers import occurrences

    words = session.words()
    summary = {
        "heard_s": round(session.heard_s, 2),
        "stopped": stopped,
        "words": sum(1 for w in words if not w.filler),
        "fillers": len(occurrences(words)),
        "transcript": " ".join(w.text for w in words),
    }
    with contextlib.suppress(OSError):
        if folder.is_dir():
            (folder / _LIVE).write_text(json.dumps(summary), encoding="utf-8")
