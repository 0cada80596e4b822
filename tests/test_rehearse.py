"""Live rehearsal: the streaming session on real speech, the take's routes, the WebSocket, and a crash mid-take.

The real browser (fake microphone fed a real recording) is in test_rehearse_browser.py.
"""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

import numpy as np
import pytest

from podium import fillers, live, media, speech
from podium.eval.text import normalize, wer
from podium.store import Job, Recording, open_store
from podium.testing import sign_in
from podium.types import Word
from podium.web import Settings, create_app
from podium.web.jobs import run_worker

from .media_fixtures import encode

PASSWORD = "a long enough passphrase"
SECRET = "k" * 40
CLIP = "speech_disfluent/mfa_acoustic_corpus.wav"  # 27 s, read fast then slow, 3 filled pauses and "you know"


def _clip(samples: Path) -> np.ndarray:
    return media.load(samples / CLIP).audio.samples


def _reference(samples: Path) -> str:
    return (samples / CLIP).with_suffix(".txt").read_text(encoding="utf-8")


def _wer(ref: str, words: list[Word]) -> float:
    r = wer(normalize(ref), normalize(" ".join(w.text for w in words)))
    return r.errors / r.ref_words


def test_live_words_come_while_the_speaker_talks_and_match_the_file_analysis(samples):
    """Fed a quarter second at a time, as the page sends it: words are shown before the clip ends, the final words
    are as accurate as the analysis of the whole file, and the fillers counted live are within 1 of it."""
    x = _clip(samples)
    session = live.LiveSession()
    first_word_at = None
    step = live.SR // 4
    final_fillers = [0]
    for k in range(0, len(x), step):
        session.feed((x[k : k + step] * 32767).astype(np.int16))
        state = session.update()
        if first_word_at is None and (state.final or state.partial):
            first_word_at = session.heard_s
        final_fillers.append(state.final_fillers)
    last = session.update(final=True)
    final_fillers.append(last.final_fillers)
    assert final_fillers == sorted(final_fillers) and last.final_fillers == last.fillers  # never revised down
    assert last.partial == ()
    said = session.words()
    full = speech.transcribe(media.load(samples / CLIP).audio).words
    ref = _reference(samples)
    assert first_word_at is not None and first_word_at < 8.0, first_word_at  # the first phrase ends near 6 s
    assert _wer(ref, said) <= _wer(ref, list(full)) + 0.05, (" ".join(w.text for w in said), _wer(ref, list(full)))
    live_fillers = len(fillers.occurrences(said))
    assert abs(live_fillers - len(fillers.occurrences(full))) <= 1
    assert [w.start for w in said] == sorted(w.start for w in said)  # in order, none said twice
    assert last.fillers == live_fillers and last.words == sum(not w.filler for w in said)


def test_a_word_decoded_again_is_kept_once():
    """A phrase's last words, decoded again as context of the next one (their times a little off), are not
    repeated, even when the same words come again later in the decode; without a match of the text, the words
    that start before the last final word's middle are the repeated ones (one heard otherwise this time and
    stretched over the next word's time, "liner" as "Learner", too)."""
    final = [Word("we're", 1.0, 1.2, 1), Word("just", 1.2, 1.5, 1), Word("saying", 1.5, 1.9, 1)]
    again = [Word("just", 1.25, 1.6, 1), Word("saying", 1.6, 2.2, 1), Word("some", 2.4, 2.6, 1)]
    assert live._already_final(again, final) == 2
    later = [Word("saying", 1.55, 1.95, 1), Word("we're", 6.0, 6.2, 1), Word("just", 6.2, 6.5, 1)]
    assert live._already_final([*later, Word("saying", 6.5, 6.9, 1)], final) == 1
    other = [Word("hello", 1.4, 1.65, 1), Word("there", 2.1, 2.4, 1)]
    assert live._already_final(other, final) == 1
    assert live._already_final(other, []) == 0
    misheard = [Word("Learner.", 1.5, 2.5, 1), Word("Mr.", 2.6, 2.9, 1)]
    assert live._already_final(misheard, final) == 1


def test_a_filler_timed_otherwise_when_decoded_again_is_kept_once():
    """Seen in the browser test: one decode wrote "Uh," as the recogniser squeezed it in after "intensity.", the next
    found it in the sound (later and longer, its end 1.06 s after the first one's); it was shown twice."""
    final = [Word("lower", 12.86, 13.92, 1), Word("in", 13.92, 14.16, 1), Word("intensity.", 14.16, 14.62, 1),
             Word("Uh,", 15.025, 15.145, 1, True, "uh")]  # fmt: skip
    again = [Word("lower", 13.36, 13.86, 1), Word("in", 13.86, 14.18, 1), Word("intensity.", 14.18, 14.92, 1),
             Word("uh", 15.565, 16.205, 1, True, "uh"), Word("We're", 16.12, 16.36, 1)]  # fmt: skip
    assert live._already_final(again, final) == 4
    # the same filler said again later, after a word, is a new one
    later = [*again[:4], Word("we're", 16.3, 16.5, 1), Word("uh", 17.9, 18.3, 1, True, "uh")]
    assert live._already_final(later, final) == 4


def test_a_decode_starts_before_a_word_not_inside_it():
    """The context before a decode starts ``CONTEXT_S`` before the cut, moved back to the start of a word there
    (half a word is heard as another word, which then shows twice)."""
    session = live.LiveSession()
    session._final = [Word("forced", 4.0, 4.6, 1), Word("a", 4.65, 4.7, 1), Word("liner", 4.7, 5.3, 1)]

    def start(cut_s: float) -> float:
        return session._context_start(int(cut_s * live.SR)) / live.SR

    assert start(7.5) == pytest.approx(3.9, abs=1e-3)  # 4.5 s is inside "forced": 0.1 s before it
    assert start(7.68) == pytest.approx(4.6, abs=1e-3)  # inside "a": from where the word before it ends
    assert start(8.0) == pytest.approx(4.7, abs=1e-3)  # inside "liner", right after "a"
    assert start(9.0) == pytest.approx(6.0, abs=1e-3)  # after the last word: as it is
    assert session._context_start(int(2.0 * live.SR)) == 0


def test_silence_makes_no_words_and_the_level_is_low():
    session = live.LiveSession()
    session.feed(np.zeros(live.SR * 3, np.float32))
    state = session.update(final=True)
    assert (state.final, state.partial, state.words, state.fillers) == ((), (), 0, 0)
    assert state.level_db < -60 and state.wpm is None


# --- the take's routes ---------------------------------------------------------------------------------------------


def _settings(tmp: Path, **kw) -> Settings:
    return Settings(data=tmp, secret_key=SECRET, workers=0, analyze_face=False, **kw).checked()


@pytest.fixture()
def site(tmp_path):
    from fastapi.testclient import TestClient

    settings = _settings(tmp_path / "data")
    store = open_store(settings.db_url)
    ids = {
        "s1": store.add_user("s1@example.org", "Sam", "speaker", PASSWORD, "A"),
        "s2": store.add_user("s2@example.org", "Tess", "speaker", PASSWORD, "B"),
    }
    store.close()
    app = create_app(settings, start_workers=False)
    with TestClient(app) as anon:
        out = {"settings": settings, "app": app, "anon": anon, "ids": ids}
        for who in ids:
            c = TestClient(app)
            out[f"{who}_csrf"] = sign_in(c, f"{who}@example.org", PASSWORD)
            out[who] = c
        yield out


def _webm(tmp: Path, samples: Path, seconds: float) -> bytes:
    """A browser-like take: Opus in WebM, the clip's first ``seconds``."""
    x = _clip(samples)[: int(seconds * 16000)]
    return encode(tmp / "take.webm", audio=x, acodec="libopus").read_bytes()


def _open(client, csrf: str, talk: str = "") -> str:
    r = client.post("/rehearsals", headers={"X-CSRF-Token": csrf, "X-Talk": talk})
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def _send(client, csrf: str, token: str, data: bytes, pieces: int) -> None:
    step = -(-len(data) // pieces)
    for k in range(0, len(data), step):
        r = client.post(f"/rehearsals/{token}/media", content=data[k : k + step], headers={"X-CSRF-Token": csrf})
        assert r.status_code == 200, r.text


def test_a_take_sent_in_pieces_becomes_a_recording_and_is_analysed(site, samples, tmp_path):
    c, csrf = site["s1"], site["s1_csrf"]
    page = c.get("/rehearse")
    assert page.status_code == 200 and 'id="record"' in page.text and "/static/rehearse.js" in page.text
    token = _open(c, csrf, talk="Keynote")
    _send(c, csrf, token, _webm(tmp_path, samples, 12.0), pieces=12)
    r = c.post(f"/rehearsals/{token}/finish", headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201, r.text
    rec_id = r.json()["id"]
    store = site["app"].state.store
    with store.session() as s:
        rec = s.get(Recording, rec_id)
        assert rec is not None and rec.owner_id == site["ids"]["s1"] and rec.talk == "Keynote"
        assert rec.title.startswith("Rehearsal ") and abs(rec.duration_s - 12.0) < 0.2
        assert s.query(Job).filter_by(recording_id=rec_id).one().status == "queued"
    assert run_worker(site["settings"], once=True) == 1
    shown = c.get(f"/recordings/{rec_id}.json").json()["recording"]
    assert shown["status"] == "done" and shown["wpm"] > 0
    assert not list((Path(site["settings"].uploads) / "takes").iterdir())  # nothing left open
    # the same token is spent
    assert c.post(f"/rehearsals/{token}/finish", headers={"X-CSRF-Token": csrf}).status_code == 404


def test_a_take_is_its_owners_alone_and_needs_the_csrf_token(site, samples, tmp_path):
    token = _open(site["s1"], site["s1_csrf"])
    other = site["s2"]
    assert (
        other.post(f"/rehearsals/{token}/media", content=b"x", headers={"X-CSRF-Token": site["s2_csrf"]}).status_code
        == 404
    )
    assert other.post(f"/rehearsals/{token}/finish", headers={"X-CSRF-Token": site["s2_csrf"]}).status_code == 404
    assert site["s1"].post(f"/rehearsals/{token}/media", content=b"x").status_code == 403
    assert site["anon"].get("/rehearse", follow_redirects=False).status_code == 303
    assert (
        site["s1"].post("/rehearsals/..%2F..%2Fetc/finish", headers={"X-CSRF-Token": site["s1_csrf"]}).status_code
        == 404
    )


def test_an_empty_take_says_so_and_leaves_nothing(site):
    c, csrf = site["s1"], site["s1_csrf"]
    token = _open(c, csrf)
    r = c.post(f"/rehearsals/{token}/finish", headers={"X-CSRF-Token": csrf, "Accept": "application/json"})
    assert r.status_code == 400 and "Nothing was recorded" in r.json()["error"]
    assert not list((Path(site["settings"].uploads) / "takes").iterdir())


def test_a_piece_waiting_for_the_disk_does_not_hold_up_the_server(site, monkeypatch):
    """The page sends a piece a second and each is synced to disk; a disk kept busy by the queue must not stop
    the same server from answering (its live socket, its pages) meanwhile."""
    import asyncio
    import os
    import threading

    import httpx

    c, csrf = site["s1"], site["s1_csrf"]
    token = _open(c, csrf)
    released = threading.Event()
    real_fsync = os.fsync

    def slow_fsync(fd: int) -> None:  # a disk that answers when released (2 s on)
        released.wait(10)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", slow_fsync)
    released_at: list[float] = []

    def release() -> None:
        released_at.append(time.monotonic())
        released.set()

    async def both() -> tuple[int, float, int]:
        transport = httpx.ASGITransport(app=site["app"])
        cookies = dict(c.cookies.items())
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver", cookies=cookies) as a:
            piece = asyncio.create_task(
                a.post(f"/rehearsals/{token}/media", content=b"x" * 1000, headers={"X-CSRF-Token": csrf})
            )
            await asyncio.sleep(0.3)  # the piece is waiting for the disk now
            page = await a.get("/rehearse")
            answered = time.monotonic()
            return page.status_code, answered, (await piece).status_code

    timer = threading.Timer(2.0, release)
    timer.start()
    try:
        page, answered, piece = asyncio.run(both())
    finally:
        timer.cancel()
        released.set()
    assert page == 200 and piece == 200
    assert released_at and answered < released_at[0], "the page waited for another request's disk write"
    folder = next((Path(site["settings"].uploads) / "takes").iterdir())
    assert (folder / "take.webm").read_bytes() == b"x" * 1000


def test_the_live_socket_answers_words_and_a_second_session_is_told_it_is_busy(site, samples):
    c, csrf = site["s1"], site["s1_csrf"]
    token = _open(c, csrf)
    x = (_clip(samples)[: 16000 * 9] * 32767).astype("<i2")
    with c.websocket_connect(f"/rehearsals/{token}/live") as ws:
        other = _open(site["s2"], site["s2_csrf"])
        with site["s2"].websocket_connect(f"/rehearsals/{other}/live") as busy:
            assert busy.receive_json()["type"] == "busy"
        states = []
        for k in range(0, len(x), 4000):
            ws.send_bytes(b"\x01" + x[k : k + 4000].tobytes())
            if k % 16000 == 0:
                states.append(ws.receive_json())
        ws.send_text("stop")
        last = ws.receive_json()
        while last["type"] != "final":
            states.append(last)
            last = ws.receive_json()
    heard = [w["text"] for s in [*states, last] for w in s["final"]]
    assert last["partial"] == [] and last["heard_s"] == pytest.approx(9.0, abs=0.3)
    assert {"acoustic", "corpus."} & {w.lower() for w in heard}, heard
    # what the speaker saw is kept with the take
    saved = json.loads(
        (Path(site["settings"].uploads) / "takes" / f"{site['ids']['s1']}-{token}" / "live.json").read_text()
    )
    assert saved["stopped"] and saved["words"] == sum(1 for s in [*states, last] for w in s["final"] if not w["filler"])


def test_the_live_socket_refuses_strangers(site):
    from starlette.websockets import WebSocketDisconnect

    token = _open(site["s1"], site["s1_csrf"])
    for client, headers in ((site["anon"], {}), (site["s2"], {}), (site["s1"], {"origin": "http://evil.example"})):
        with (
            pytest.raises(WebSocketDisconnect),
            client.websocket_connect(f"/rehearsals/{token}/live", headers=headers) as ws,
        ):
            ws.receive_json()


def analysed_recordings(url: str, email: str, timeout_s: float = 240) -> list[dict]:
    """``email``'s recordings on the server at ``url`` once the newest one's analysis has ended (or the time is up)."""
    import httpx

    end = time.monotonic() + timeout_s
    with httpx.Client(base_url=url) as c:
        sign_in(c, email, PASSWORD)
        while True:
            rows = c.get("/recordings.json").json()["recordings"]
            if (rows and rows[0]["status"] in ("done", "failed")) or time.monotonic() > end:
                return list(rows)
            time.sleep(1)


@pytest.mark.slow
def test_a_server_killed_mid_take_keeps_what_was_said(tmp_path, samples):
    """SIGKILL 60 s into a take sent from a file: after the restart, those 60 s are a recording, analysed."""
    import httpx

    from podium.store import default_url
    from podium.testing import LiveServer

    data = tmp_path / "data"
    store = open_store(default_url(data))
    store.add_user("sam@example.org", "Sam", "speaker", PASSWORD)
    store.close()
    x = np.concatenate([_clip(samples)] * 3)[: 16000 * 75]  # 75 s of talk
    take = encode(tmp_path / "take.webm", audio=x, acodec="libopus").read_bytes()
    sent_s = 60.0
    srv = LiveServer(data, workers=1).start()
    try:
        with httpx.Client(base_url=srv.url) as c:
            csrf = sign_in(c, "sam@example.org", PASSWORD)
            token = _open(c, csrf)
            # the pieces that carry the first 60 s (Opus in WebM grows evenly with time)
            _send(c, csrf, token, take[: int(len(take) * sent_s / 75)], pieces=60)
        srv.kill()
        srv.start()
        rows = analysed_recordings(srv.url, "sam@example.org")
        assert len(rows) == 1 and rows[0]["status"] == "done", rows
        assert rows[0]["duration_s"] == pytest.approx(sent_s, abs=1.5)
    finally:
        srv.stop()


def test_podium_rehearse_signs_its_one_person_in_on_this_machine_only(tmp_path):
    from fastapi.testclient import TestClient

    from podium.errors import ParameterError

    settings = _settings(tmp_path / "data", single_user=True)
    with TestClient(create_app(settings, start_workers=False), client=("127.0.0.1", 50000)) as c:
        page = c.get("/rehearse")  # signed out: signed in as the local user, no password asked, and back here
        assert page.status_code == 200 and page.url.path == "/rehearse" and 'id="record"' in page.text
        assert c.get("/account.json").json()["account"]["email"] == "you@localhost"
        assert c.get("/local-sign-in?next=//evil.example", follow_redirects=False).headers["location"] == "/rehearse"
    with TestClient(create_app(settings, start_workers=False), client=("10.0.0.5", 50000)) as far:
        assert far.get("/local-sign-in", follow_redirects=False).status_code == 404
    with pytest.raises(ParameterError, match="this machine"):
        Settings(data=tmp_path / "d2", host="0.0.0.0", secret_key=SECRET, single_user=True).checked()
    # an ordinary server has no such door
    with TestClient(create_app(_settings(tmp_path / "d3"), start_workers=False)) as c:
        assert c.get("/local-sign-in", follow_redirects=False).status_code == 404
        assert c.get("/rehearse", follow_redirects=False).headers["location"].startswith("/login")


def test_podium_rehearse_help_teaches():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "podium", "rehearse", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "Record" in out.stdout and "127.0.0.1" in out.stdout and "--no-browser" in out.stdout


def _jpeg(rgb: np.ndarray) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.fromarray(rgb).save(out, format="JPEG", quality=80)
    return out.getvalue()


def _frame(samples: Path, name: str, width: int = 320) -> bytes:
    """A shared face image as the page sends a camera frame: a 320 px wide JPEG."""
    from PIL import Image

    with Image.open(samples / "faces" / name) as im:
        im = im.convert("RGB")
        return _jpeg(np.asarray(im.resize((width, round(width * im.height / im.width)))))


def test_the_camera_frame_says_whether_a_face_is_in_frame_and_looking(samples):
    pytest.importorskip("ai_edge_litert")
    cam = live.LiveCamera()
    seen = cam.look(_frame(samples, "faceapi_neutral.jpg"))
    assert seen == live.LiveFace(True, "camera"), seen
    assert cam.look(_jpeg(np.full((240, 320, 3), 90, np.uint8))) == live.LiveFace(False, None)
    assert cam.look(b"not an image") == live.LiveFace(False, None)
    # the face lower in its own frame, pitched down: once the speaker's usual pose is known, "down"
    for _ in range(10):
        cam.look(_frame(samples, "faceapi_neutral.jpg"))
    cam._pitches[:] = [30.0] * 10  # as if they had held their head high until now
    assert cam.look(_frame(samples, "faceapi_neutral.jpg")).looking == "down"


def test_camera_frames_over_the_socket_answer_where_the_face_looks(site, samples):
    from starlette.websockets import WebSocketDisconnect

    pytest.importorskip("ai_edge_litert")
    c, csrf = site["s1"], site["s1_csrf"]
    # a server that does not analyse faces (--no-face) says so for the live feedback too, and its page does
    assert "this server does not analyse faces" in c.get("/rehearse").text
    with c.websocket_connect(f"/rehearsals/{_open(c, csrf)}/live") as ws:
        ws.send_bytes(b"\x02" + _frame(samples, "faceapi_neutral.jpg"))
        answer = ws.receive_json()
        assert answer["available"] is False and "--no-face" in answer["message"]
    site["app"].state.settings = dataclasses.replace(site["settings"], analyze_face=True)
    assert "eye contact and framing in the full report" in c.get("/rehearse").text
    token = _open(c, csrf)
    with c.websocket_connect(f"/rehearsals/{token}/live") as ws:
        ws.send_bytes(b"\x02" + _frame(samples, "faceapi_neutral.jpg"))
        assert ws.receive_json() == {"type": "face", "present": True, "looking": "camera"}
        ws.send_bytes(b"\x07junk")  # an unknown kind of message ends the socket, not the server
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
        assert closed.value.code == 1003
