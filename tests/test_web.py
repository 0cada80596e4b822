"""The web app through FastAPI's test client: every route, every role, the denials, bad uploads.

The queue is worked in this process (``run_worker(once=True)``) with the real models on real samples;
test_web_server.py runs the real server with its worker processes.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from podium.errors import ParameterError
from podium.store import Job, open_store
from podium.testing import sign_in
from podium.web import Settings, create_app
from podium.web.jobs import run_worker

from .media_fixtures import read_speech, write_wav

PASSWORD = "a long enough passphrase"
SECRET = "k" * 40


def _settings(tmp: Path, db: str = "", **kw) -> Settings:
    return Settings(data=tmp, db=db, secret_key=SECRET, workers=0, analyze_face=False, **kw).checked()


def _queue(store, owner: int, paths: list[str]) -> list[int]:
    """Recordings of ``owner`` at ``paths``, each with a queued job; returns the job ids."""
    from datetime import UTC, datetime

    from podium.store import Recording

    now, ids = datetime.now(UTC), []
    with store.session.begin() as s:
        for k, path in enumerate(paths):
            rec = Recording(owner_id=owner, path=path, sha256="0" * 64, title=f"t{k}", created_at=now)
            s.add(rec)
            s.flush()
            job = Job(recording_id=rec.id, status="queued", attempts=0, created_at=now, updated_at=now)
            s.add(job)
            s.flush()
            ids.append(job.id)
    return ids


@pytest.fixture()
def site(tmp_path):
    """A site with four people: an admin, a coach and a speaker of team A, and a speaker of team B."""
    from fastapi.testclient import TestClient

    settings = _settings(tmp_path / "data", max_upload_mb=8)
    store = open_store(settings.db_url)
    ids = {
        "admin": store.add_user("admin@example.org", "Ada", "admin", PASSWORD),
        "coach": store.add_user("coach@example.org", "Cole", "coach", PASSWORD, "A"),
        "s1": store.add_user("s1@example.org", "Sam", "speaker", PASSWORD, "A"),
        "s2": store.add_user("s2@example.org", "Tess", "speaker", PASSWORD, "B"),
    }
    store.close()
    app = create_app(settings, start_workers=False)
    with TestClient(app) as anon:
        clients = {}
        for who in ids:
            c = TestClient(app)
            sign_in(c, f"{who}@example.org", PASSWORD)
            clients[who] = c
        yield {"settings": settings, "app": app, "anon": anon, "ids": ids, **clients}


def _csrf(client) -> str:
    return client.get("/login.json").json()["csrf_token"]


def _upload(client, data: bytes, name: str = "talk.wav", csrf: str | None = None, talk: str | None = None):
    headers = {"X-Filename": name, "X-CSRF-Token": _csrf(client) if csrf is None else csrf}
    if talk is not None:
        headers["X-Talk"] = quote(talk)
    return client.post("/recordings", content=data, headers=headers)


@pytest.fixture()
def analysed(site, samples):
    """Sam's recording, uploaded and analysed by a worker (the real models)."""
    r = _upload(site["s1"], (samples / "speech_clean" / "jfk.flac").read_bytes(), "Inaugural take 1.flac")
    assert r.status_code == 201, r.text
    assert run_worker(site["settings"], once=True) == 1
    return r.json()["id"]


# ---------------------------------------------------------------- settings


def test_no_secret_key_beyond_loopback_is_refused(tmp_path):
    with pytest.raises(ParameterError, match="PODIUM_SECRET_KEY"):
        Settings(host="0.0.0.0", data=tmp_path).checked()
    with pytest.raises(ParameterError, match="at least 32"):
        Settings(host="0.0.0.0", data=tmp_path, secret_key="short").checked()
    s = Settings(host="0.0.0.0", data=tmp_path, secret_key=SECRET).checked()
    assert s.cookies_secure and not s.loopback


def test_loopback_makes_a_private_key_once(tmp_path):
    a = Settings(data=tmp_path).checked()
    b = Settings(data=tmp_path).checked()
    assert a.secret_key == b.secret_key and len(a.secret_key) >= 32
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
    assert not a.cookies_secure


def test_settings_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("PODIUM_DATA", str(tmp_path))
    monkeypatch.setenv("PODIUM_WORKERS", "3")
    assert Settings.from_env().workers == 3
    assert Settings.from_env(workers=1).workers == 1  # flags win
    monkeypatch.setenv("PODIUM_WORKERS", "many")
    with pytest.raises(ParameterError, match="PODIUM_WORKERS='many'"):
        Settings.from_env()


# ---------------------------------------------------------------- sign-in


def test_signed_out_pages_redirect_and_json_says_401(site):
    anon = site["anon"]
    for path in ("/recordings", "/recordings/1", "/history", "/team", "/admin/users", "/recordings/1/report/"):
        r = anon.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login?next="), path
    for path in ("/recordings.json", "/recordings/1.json", "/history.json", "/team.json", "/admin/users.json"):
        r = anon.get(path)
        assert r.status_code == 401 and "sign in" in r.json()["error"], path
    headers = {"X-CSRF-Token": _csrf(anon), "Accept": "application/json"}
    assert anon.post("/recordings", content=b"x", headers=headers).status_code == 401
    assert list((site["settings"].uploads).iterdir()) == []


def test_wrong_password_and_missing_csrf(site):
    anon = site["anon"]
    page = anon.get("/login?next=/history")
    assert page.status_code == 200 and 'name="password"' in page.text and 'value="/history"' in page.text
    r = anon.post("/login", data={"email": "s1@example.org", "password": "nope nope nope", "csrf": _csrf(anon)})
    assert r.status_code == 401 and "do not match" in r.text
    assert 'value="s1@example.org"' in r.text and "nope nope" not in r.text  # the email stays, the password does not
    r = anon.post("/login", data={"email": "s1@example.org", "password": PASSWORD})
    assert r.status_code == 403 and "reload the page" in r.text
    r = anon.post("/login", data={"email": "s1@example.org", "password": PASSWORD, "csrf": "forged"})
    assert r.status_code == 403


def test_sign_in_is_rate_limited(site):
    anon = site["anon"]
    for _ in range(5):
        anon.post("/login", data={"email": "s2@example.org", "password": "wrong password", "csrf": _csrf(anon)})
    r = anon.post("/login", data={"email": "s2@example.org", "password": PASSWORD, "csrf": _csrf(anon)})
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0 and "Try again in" in r.text


def test_no_open_redirect_after_sign_in(site):
    anon = site["anon"]
    data = {"email": "s2@example.org", "password": PASSWORD, "csrf": _csrf(anon), "next": "//evil.example/x"}
    r = anon.post("/login", data=data, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/recordings"


def test_forged_session_and_changed_password_end_the_session(site):
    from fastapi.testclient import TestClient

    c = TestClient(site["app"])
    sign_in(c, "s2@example.org", PASSWORD)
    token = c.cookies["podium_session"]
    bare = TestClient(site["app"])

    def status(session: str) -> int:
        return bare.get("/recordings.json", headers={"Cookie": f"podium_session={session}"}).status_code

    assert status(token) == 200
    assert status(token[:-1] + ("A" if token[-1] != "A" else "B")) == 401  # one character off: no such session
    assert status(f"{site['ids']['admin']}.{token}") == 401
    assert status("garbage") == 401
    store = open_store(site["settings"].db_url)
    store.set_password("s2@example.org", "another long passphrase")
    store.close()
    assert status(token) == 401


def test_a_speaker_changes_their_password_in_the_browser(site):
    """Admins hand out first passwords; the speaker changes theirs on /account. Every other session ends; this one
    goes on; wrong current passwords count as failed sign-ins."""
    from fastapi.testclient import TestClient

    me, elsewhere = site["s2"], TestClient(site["app"])
    sign_in(elsewhere, "s2@example.org", PASSWORD)
    page = me.get("/account")
    assert page.status_code == 200 and "Change your password" in page.text and "s2@example.org" in page.text
    assert me.get("/account.json").json()["account"]["email"] == "s2@example.org"
    new = "a brand new passphrase"

    def change(current: str, new: str, repeat: str, csrf: str | None = None):
        form = {"current": current, "new": new, "repeat": repeat, "csrf": _csrf(me) if csrf is None else csrf}
        return me.post("/account/password", data=form, follow_redirects=False)

    assert change(PASSWORD, new, new, csrf="forged").status_code == 403
    bad = change("not my password", new, new)
    assert bad.status_code == 400 and "current password" in bad.text
    assert "differ" in change(PASSWORD, new, new + "!").text
    assert "at least 10 characters" in change(PASSWORD, "short", "short").text
    assert "the one you have" in change(PASSWORD, PASSWORD, PASSWORD).text
    form = {"current": PASSWORD, "new": "short", "repeat": "short", "csrf": _csrf(me)}
    refused = me.post("/account/password", data=form, headers={"Accept": "application/json"})
    assert refused.status_code == 400 and "at least 10 characters" in refused.json()["error"]  # a program gets JSON
    ok = change(PASSWORD, new, new)
    assert ok.status_code == 303 and ok.headers["location"] == "/account?changed=1"
    assert "Your password is changed" in me.get("/account?changed=1").text  # this browser stays signed in
    assert elsewhere.get("/recordings.json").status_code == 401  # the other session ended
    fresh = TestClient(site["app"])
    with pytest.raises(RuntimeError, match="refused: 401"):
        sign_in(fresh, "s2@example.org", PASSWORD)
    sign_in(fresh, "s2@example.org", new)
    # guessing the current password is rate-limited like signing in
    codes = [change(f"wrong guess number {k}", new + "2", new + "2").status_code for k in range(6)]
    assert codes == [400] * 5 + [429], codes


def test_an_admin_sets_a_new_password_and_every_session_of_that_user_ends(site):
    a, sam = site["admin"], site["s1"]
    assert sam.get("/recordings.json").status_code == 200
    r = a.post(f"/admin/users/{site['ids']['s1']}/password", data={"password": "short", "csrf": _csrf(a)})
    assert r.status_code == 400
    r = a.post(
        f"/admin/users/{site['ids']['s1']}/password",
        data={"password": "handed over in person", "csrf": _csrf(a)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert sam.get("/recordings.json").status_code == 401
    sign_in(sam, "s1@example.org", "handed over in person")
    # only an admin may, and a missing user is 404
    coach = site["coach"]
    r = coach.post(f"/admin/users/{site['ids']['s1']}/password", data={"password": "x" * 12, "csrf": _csrf(coach)})
    assert r.status_code == 404
    assert a.post("/admin/users/999/password", data={"password": "x" * 12, "csrf": _csrf(a)}).status_code == 404
    assert "new password for Sam" in a.get("/admin/users").text


def test_logout_needs_csrf_and_ends_the_session(site):
    c = site["s2"]
    assert c.post("/logout", data={}).status_code == 403
    r = c.post("/logout", data={"csrf": _csrf(c)}, follow_redirects=False)
    assert r.status_code == 303
    assert c.get("/recordings.json").status_code == 401


def test_security_headers(site):
    r = site["s1"].get("/recordings")
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["cache-control"] == "no-store"


# ---------------------------------------------------------------- uploads


def _left_in(settings: Settings) -> list[str]:
    return sorted(p.name for p in settings.uploads.iterdir())


def test_bad_uploads_are_refused_and_leave_nothing(site, samples, tmp_path):
    c, settings = site["s1"], site["settings"]
    video = (samples / "video_talking" / "pyfeat_single_face.mp4").read_bytes()
    cases = [
        (b"This is a text file, not a talk.\n" * 50, "notes.mp4", 415, "cannot be used"),
        (b"", "empty.wav", 400, "empty (0 bytes)"),
        (b"\0" * (9 * 1024 * 1024), "huge.wav", 413, "larger than the 8 MB"),
        (video[: len(video) // 2], "cut.mp4", 415, "cannot be used"),
        (b"root:x:0:0:root:/root:/bin/bash\n", "../../etc/passwd.mp4", 415, "“passwd.mp4” cannot be used"),
    ]
    for data, name, status, words in cases:
        r = _upload(c, data, name)
        assert r.status_code == status, (name, r.text)
        assert words in r.json()["error"], (name, r.json())
        assert _left_in(settings) == [], name
    assert not (settings.data / "etc").exists() and not (settings.data.parent / "etc").exists()
    r = _upload(c, video, "talk.mp4", csrf="forged")
    assert r.status_code == 403 and _left_in(settings) == []
    assert c.get("/recordings.json").json()["recordings"] == []


def test_hostile_name_with_real_content_is_kept_under_a_generated_name(site, samples):
    c, settings = site["s1"], site["settings"]
    r = _upload(c, (samples / "speech_clean" / "jfk.flac").read_bytes(), "..%2F..%2Fetc%2Fpasswd.flac")
    assert r.status_code == 201
    assert r.json()["title"] == "passwd.flac"
    (kept,) = _left_in(settings)
    assert kept.endswith(".flac") and kept != "passwd.flac" and len(kept) == 32 + len(".flac")


def test_declared_size_over_the_limit_is_refused_before_reading(site):
    c = site["s1"]
    r = c.post(
        "/recordings",
        content=b"x" * 10,
        headers={"X-Filename": "a.wav", "X-CSRF-Token": _csrf(c), "Content-Length": str(50 * 1024 * 1024)},
    )
    assert r.status_code == 413


# ---------------------------------------------------------------- the analysis, and who sees it


def test_upload_is_analysed_and_reported(site, analysed):
    c = site["s1"]
    j = c.get(f"/recordings/{analysed}.json").json()["recording"]
    assert j["status"] == "done" and j["attempts"] == 1 and j["title"] == "Inaugural take 1.flac"
    assert j["report_url"] == f"/recordings/{analysed}/report/"
    assert j["feedback"]["summary"]["words"] >= 20
    page = c.get(j["report_url"])
    assert page.status_code == 200 and "Podium report" in page.text
    assert "href='/recordings'" in page.text and "Inaugural take 1.flac</span>" in page.text  # the way back, the take
    assert f"action='/recordings/{analysed}/delete'" in page.text  # its speaker may delete it from there
    report = c.get(j["report_url"] + "report.json").json()
    assert report["source"]["path"] == "Inaugural take 1.flac"  # the title, not a server path
    from podium.store import Analysis

    store = open_store(site["settings"].db_url)
    with store.session() as s:  # the copy the store keeps names no server path either
        kept = json.loads(s.query(Analysis).one().report_json)
    store.close()
    assert kept["source"]["path"] == "Inaugural take 1.flac"
    assert "ask not what your country" in " ".join(w["text"].lower() for w in report["transcript"]["words"])
    media = c.get(j["report_url"] + "media/Inaugural take 1.flac", headers={"Range": "bytes=0-99"})
    assert media.status_code == 206 and len(media.content) == 100
    assert c.get(j["report_url"] + "transcript.vtt").text.startswith("WEBVTT")
    listed = c.get("/recordings.json").json()["recordings"]
    assert [r["id"] for r in listed] == [analysed]
    r = c.get(f"/recordings/{analysed}", follow_redirects=False)  # a finished recording is its report
    assert r.status_code == 303 and r.headers["location"] == j["report_url"]
    coach = site["coach"].get(j["report_url"]).text
    assert "Inaugural take 1.flac</span>" in coach and "/delete" not in coach  # a coach looks, and cannot delete


ROUTES = [
    "/recordings/{id}",
    "/recordings/{id}.json",
    "/recordings/{id}/report/",
    "/recordings/{id}/report/report.json",
    "/recordings/{id}/report/transcript.srt",
    "/speakers/{owner}/history",
    "/speakers/{owner}/history.json",
]


def test_who_sees_a_recording(site, analysed):
    owner = site["ids"]["s1"]
    for who, expected in (("s1", 200), ("coach", 200), ("admin", 200), ("s2", 404)):
        for route in ROUTES:
            r = site[who].get(route.format(id=analysed, owner=owner))
            assert r.status_code == expected, (who, route, r.status_code)
        listed = [x["id"] for x in site[who].get("/recordings.json").json()["recordings"]]
        assert (analysed in listed) == (expected == 200), who
    # a recording id that does not exist reads exactly like one that is not yours
    missing = site["s2"].get("/recordings/999.json")
    assert missing.status_code == 404 and missing.json() == site["s2"].get(f"/recordings/{analysed}.json").json()


def test_report_files_cannot_escape_the_report_folder(site, analysed):
    c = site["s1"]
    for name in ("../../secret_key", "..%2F..%2Fsecret_key", "%2e%2e/%2e%2e/podium.db", "media/../../../secret_key"):
        assert c.get(f"/recordings/{analysed}/report/{name}").status_code == 404, name


def test_only_the_owner_or_an_admin_changes_a_recording(site, analysed):
    for who, expected in (("coach", 403), ("s2", 404)):
        c = site[who]
        assert c.post(f"/recordings/{analysed}/delete", headers={"X-CSRF-Token": _csrf(c)}).status_code == expected
        assert c.post(f"/recordings/{analysed}/retry", headers={"X-CSRF-Token": _csrf(c)}).status_code == expected
    c = site["s1"]
    r = c.post(f"/recordings/{analysed}/retry", headers={"X-CSRF-Token": _csrf(c), "Accept": "application/json"})
    assert r.status_code == 409  # done: nothing to retry
    assert c.post(f"/recordings/{analysed}/delete", headers={"Accept": "application/json"}).status_code == 403  # csrf
    settings = site["settings"]
    assert _left_in(settings) and list(settings.reports.iterdir())
    r = c.post(f"/recordings/{analysed}/delete", headers={"X-CSRF-Token": _csrf(c), "Accept": "application/json"})
    assert r.status_code == 200
    assert c.get(f"/recordings/{analysed}.json").status_code == 404
    assert _left_in(settings) == [] and [p for p in settings.reports.iterdir()] == []


def test_a_failed_job_says_why_and_can_be_retried(site, samples):
    c, settings = site["s1"], site["settings"]
    rid = _upload(c, (samples / "speech_clean" / "jfk.flac").read_bytes(), "jfk.flac").json()["id"]
    (upload,) = settings.uploads.iterdir()
    moved = upload.with_name("elsewhere")
    upload.rename(moved)  # the file vanishes before a worker gets to it
    run_worker(settings, once=True)
    j = c.get(f"/recordings/{rid}.json").json()["recording"]
    assert j["status"] == "failed" and "no such file" in j["error"]
    assert "The analysis failed" in c.get(f"/recordings/{rid}").text
    moved.rename(upload)
    r = c.post(f"/recordings/{rid}/retry", headers={"X-CSRF-Token": _csrf(c), "Accept": "application/json"})
    assert r.status_code == 200
    assert c.get(f"/recordings/{rid}.json").json()["recording"]["status"] == "queued"
    run_worker(settings, once=True)
    j = c.get(f"/recordings/{rid}.json").json()["recording"]
    assert j["status"] == "done" and j["error"] is None


def test_history_and_team(site, analysed, samples, tmp_path):
    c = site["s1"]
    wav = (samples / "speech_disfluent" / "mfa_acoustic_corpus.wav").read_bytes()
    assert _upload(c, wav, "take 2.wav").status_code == 201
    write_wav(tmp_path / "take3.wav", read_speech(samples)[: 16000 * 40])
    assert _upload(c, (tmp_path / "take3.wav").read_bytes(), "take 3.wav").status_code == 201
    # another talk's take, named so (percent-encoded, as the page sends it): it gets a trend of its own
    other = _upload(c, (tmp_path / "take3.wav").read_bytes(), "job talk.wav", talk="  Job   talk – Zürich ")
    assert other.status_code == 201
    assert run_worker(site["settings"], once=True) == 3
    h = c.get("/history.json").json()
    titles = ["Inaugural take 1.flac", "take 2.wav", "take 3.wav", "job talk.wav"]
    assert [r["title"] for r in h["rehearsals"]] == titles
    assert [g["talk"] for g in h["talks"]] == ["Job talk – Zürich", None]  # the talk practised last first
    assert [r["title"] for r in h["talks"][1]["rehearsals"]] == titles[:3]
    report = c.get(f"/recordings/{other.json()['id']}/report/report.json").json()
    assert report["talk"] == "Job talk – Zürich"  # the analysis carries it too
    # take 1 (11 s) is too short to score pace: its wpm is listed but stays out of the trend
    assert h["rehearsals"][0]["pace"] is None and h["rehearsals"][0]["wpm"] > 0
    wpm = next(t for t in h["talks"][1]["trends"] if t["metric"] == "wpm")
    assert wpm["values"][0] is None and None not in wpm["values"][1:]
    assert wpm["change"] == pytest.approx(wpm["values"][2] - wpm["values"][1], abs=0.11)
    page = c.get("/history").text
    assert "<svg" in page and "Progress of Sam" in page and "<h2>Job talk – Zürich</h2>" in page
    assert "Job talk – Zürich" in c.get("/recordings").text  # listed under its recording, and offered again
    # each point opens its take, and two takes of one day are told apart by their time
    assert "<a href='/recordings/" in page and re.search(r"\d+ [A-Z][a-z]{2} \d\d:\d\d UTC", page)
    team = site["coach"].get("/team.json").json()
    assert team["team"] == "A" and {m["name"] for m in team["members"]} == {"Cole", "Sam"}
    sam = next(m for m in team["members"] if m["name"] == "Sam")
    assert sam["rehearsals"] == 4 and sam["history_url"] == f"/speakers/{site['ids']['s1']}/history"
    everyone = site["admin"].get("/team.json").json()
    assert {m["name"] for m in everyone["members"]} == {"Ada", "Cole", "Sam", "Tess"}
    assert site["s1"].get("/team.json").status_code == 404
    assert site["coach"].get(f"/speakers/{site['ids']['s2']}/history.json").status_code == 404


def test_admin_manages_users_and_teams(site):
    a = site["admin"]
    users = a.get("/admin/users.json").json()["users"]
    assert {u["email"] for u in users} >= {"s1@example.org", "s2@example.org"}
    r = a.post(
        "/admin/users",
        data={"csrf": _csrf(a), "email": "new@example.org", "password": PASSWORD, "role": "coach", "team": "B"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    short = a.post("/admin/users", data={"csrf": _csrf(a), "email": "x@example.org", "password": "short"})
    assert short.status_code == 400 and "at least 10" in short.text
    s2 = site["ids"]["s2"]
    r = a.post(f"/admin/users/{s2}", data={"csrf": _csrf(a), "role": "speaker", "team": "A"}, follow_redirects=False)
    assert r.status_code == 303
    assert "Tess" in {m["name"] for m in site["coach"].get("/team.json").json()["members"]}
    own = a.post(f"/admin/users/{site['ids']['admin']}", data={"csrf": _csrf(a), "role": "speaker"})
    assert own.status_code == 400
    for who in ("s1", "coach"):
        assert site[who].get("/admin/users.json").status_code == 404
        form = {"csrf": _csrf(site[who]), "email": "z@example.org", "password": PASSWORD}
        r = site[who].post("/admin/users", data=form)
        assert r.status_code == 404


def test_unknown_paths_are_404_in_html_and_json(site):
    assert site["s1"].get("/nowhere").status_code == 404
    r = site["s1"].get("/recordings/abc.json")
    assert r.status_code == 404 and r.json()["error"] == "Not found."


# ---------------------------------------------------------------- the queue, on SQLite and PostgreSQL


def test_queue_claims_once_releases_and_recovers(db_url, tmp_path):
    from datetime import UTC, datetime, timedelta

    from podium.web import jobs

    store = open_store(db_url)
    owner = store.add_user("q@example.org", "Q", "speaker", PASSWORD)
    now = datetime.now(UTC)
    _queue(store, owner, [f"/x/{k}.wav" for k in range(3)])
    gone = subprocess.Popen(["true"])
    gone.wait()  # a pid that surely has no process now
    a, b, c = (jobs.claim(store, f"{jobs.socket.gethostname()}:{gone.pid}") for _ in range(3))
    assert a and b and c and len({a.job_id, b.job_id, c.job_id}) == 3
    assert jobs.claim(store, "h:1") is None
    # a dead worker on this host: its job goes back to the queue (attempt 1 of 2), then fails on the second death
    assert jobs.recover(store, max_attempts=2) == 3
    with store.session() as s:
        assert {j.status for j in s.query(Job)} == {"queued"}
    again = jobs.claim(store, "elsewhere:5")
    assert again is not None and again.attempt == 2
    with store.session.begin() as s:  # a worker on another machine that went silent
        s.get(Job, again.job_id).heartbeat_at = now - timedelta(seconds=jobs.STALE_S + 5)
    assert jobs.recover(store, max_attempts=2) == 1
    with store.session() as s:
        failed = s.get(Job, again.job_id)
        assert failed.status == "failed" and "no word from its worker" in failed.error
        assert "tried 2 times" in failed.error
    store.close()


def test_every_new_stage_reaches_the_job_row_at_once(tmp_path):
    """Progress within a stage is throttled to once a second, but a page must never miss a stage: a short stage
    (speech on a short clip) used to be swallowed by the throttle when it began less than a second after the last."""
    from podium.store import default_url
    from podium.web import jobs

    store = open_store(default_url(tmp_path / "data"))
    _queue(store, store.add_user("h@example.org", "H", "speaker", PASSWORD), ["/x/a.wav"])
    claim = jobs.claim(store, "h:1")
    assert claim is not None

    def row() -> tuple[str | None, float | None]:
        with store.session() as s:
            j = s.get(Job, claim.job_id)
            return j.stage, j.progress

    beat = jobs._Heartbeat(store, claim.job_id, "h:1")
    try:
        beat.progress("media", 0, 1)
        beat.progress("media", 1, 1)
        beat.progress("speech", 0, 60)  # within the same second: a new stage, written
        assert row()[0] == "speech"
        beat.progress("speech", 10, 60)  # progress within the stage, within the second: skipped
        assert row() == ("speech", pytest.approx(jobs._STAGE_START["speech"]))
        beat.progress("speech", 60, 60)  # the end of a stage is always written
        assert row()[1] > jobs._STAGE_START["speech"]
    finally:
        beat.stop()
        store.close()


@pytest.mark.parametrize("interrupted", ["turned into an ImportError", "swallowed"])
def test_a_stop_that_lands_inside_other_code_hands_the_job_back(tmp_path, monkeypatch, interrupted):
    """SIGTERM raises wherever the worker is. An extension module interrupted while it initialises turns that into
    "ImportError: initialization failed" (seen in CI, during faster-whisper's first import); other code may swallow
    it. Either way the job goes back to the queue, uncounted, instead of failing with a false reason."""
    import os
    import signal

    settings = _settings(tmp_path / "data")
    store = open_store(settings.db_url)
    wav = tmp_path / "a.wav"
    wav.write_bytes(b"RIFF")  # never read: the stand-in analysis below stops first
    (job_id,) = _queue(store, store.add_user("w@example.org", "W", "speaker", PASSWORD), [str(wav)])

    def analysis(path, options, progress):
        try:
            progress("speech", 0, 10)
            os.kill(os.getpid(), signal.SIGTERM)  # the server stops its workers
            time.sleep(1)  # the handler runs here
        except BaseException as e:
            if interrupted == "swallowed":
                progress("speech", 5, 10)  # carries on as if nothing happened, until its next progress report
            raise ImportError("initialization failed") from e
        raise AssertionError("the stop never came")

    monkeypatch.setattr("podium.folder.analyze", analysis)  # the one analyse-into-a-folder calls it
    assert run_worker(settings, once=True) == 0
    with store.session() as s:
        job = s.get(Job, job_id)
        assert (job.status, job.attempts, job.error, job.worker) == ("queued", 0, None, None), job.error
        assert "stopped" in job.note
    store.close()


def test_a_stop_during_a_database_write_waits_for_the_write():
    from podium.web import jobs

    stop = jobs._StopRequest()
    wrote = False
    with pytest.raises(jobs._Stop), stop.deferred():
        stop(15, None)  # inside the write: noted, not raised
        wrote = True  # so the write goes on to its end; the stop comes after it
    assert wrote and stop.requested
    with pytest.raises(jobs._Stop):
        stop.check()


def test_run_worker_restores_signal_handlers(tmp_path):
    import signal

    before = signal.getsignal(signal.SIGTERM)
    assert run_worker(_settings(tmp_path), once=True) == 0
    assert signal.getsignal(signal.SIGTERM) is before


def test_json_pages_are_json(site, analysed):
    for path in ("/recordings.json", f"/recordings/{analysed}.json", "/history.json"):
        r = site["s1"].get(path)
        assert r.headers["content-type"].startswith("application/json")
        assert json.loads(r.text) == r.json()


# ---------------------------------------------------------------- the commands


def test_serve_beyond_loopback_without_a_key_is_one_clear_line(tmp_path, monkeypatch, capsys):
    from podium.cli import main

    monkeypatch.delenv("PODIUM_SECRET_KEY", raising=False)
    assert main(["serve", "--host", "0.0.0.0", "--data", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("Error: --host 0.0.0.0 lets other machines connect") and "\n" not in err


def test_worker_once_on_an_empty_queue(tmp_path, capsys):
    from podium.cli import main

    assert main(["worker", "--once", "--data", str(tmp_path), "--no-face"]) == 0
    assert "0 jobs finished" in capsys.readouterr().err
    assert (tmp_path / "podium.db").is_file()


def test_docs_name_every_route_and_every_serve_option(tmp_path):
    import re

    from podium.cli.parser import parser as _parser

    doc = (Path(__file__).resolve().parents[1] / "docs" / "web.md").read_text()
    app = create_app(_settings(tmp_path), start_workers=False)
    names = {"rec_id": "ID", "user_id": "ID", "name": "FILE", "token": "TOKEN"}

    def paths(routes):
        for r in routes:
            if hasattr(r, "original_router"):  # FastAPI keeps included routers as one entry each
                yield from paths(r.original_router.routes)
            elif getattr(r, "path", None) is not None:
                yield r.path

    found = [p for p in paths(app.routes) if not p.startswith("/static")]
    assert len(found) >= 20
    for path in found:
        shown = re.sub(r"\{(\w+)(:\w+)?\}", lambda m: names[m.group(1)], path).removesuffix(".json")
        assert re.search(re.escape(shown) + r"(?!\w)", doc.replace("[.json]", "")), f"docs/web.md lacks {path}"
    serve = next(a for a in _parser()._subparsers._group_actions[0].choices.items() if a[0] == "serve")[1]
    for action in serve._actions:
        for flag in action.option_strings:
            if flag.startswith("--") and flag != "--help":
                assert f"`{flag}" in doc, f"docs/web.md does not document {flag}"


def test_user_add_into_the_data_folder_that_serve_uses(tmp_path, monkeypatch, capsys):
    import io

    from podium.cli import main
    from podium.store import default_url

    monkeypatch.delenv("PODIUM_DB", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    data = tmp_path / "srv"
    assert main(["user", "add", "boss@example.org", "--role", "admin", "--data", str(data), "--password-stdin"]) == 0
    store = open_store(_settings(data).db_url)
    assert _settings(data).db_url == default_url(data)
    assert store.check_password("boss@example.org", PASSWORD)
    store.close()


def test_home_and_the_report_folder_redirect(site, analysed):
    assert site["s1"].get("/", follow_redirects=False).headers["location"] == "/recordings"
    r = site["coach"].get(f"/recordings/{analysed}/report", follow_redirects=False)
    assert r.status_code == 307 and r.headers["location"] == f"/recordings/{analysed}/report/"
    assert site["s2"].get(f"/recordings/{analysed}/report", follow_redirects=False).status_code == 404


def test_times_are_written_in_utc_for_the_page_to_show_in_the_readers_zone():
    from datetime import datetime, timedelta, timezone

    from podium.web.views import Templates, _jsonable

    when = Templates().env.filters["when"]
    naive = datetime(2026, 11, 30, 13, 5)  # as SQLite hands it back: UTC without the zone
    paris = datetime(2026, 11, 30, 14, 5, tzinfo=timezone(timedelta(hours=1)))  # as PostgreSQL may
    expected = '<time datetime="2026-11-30T13:05:00+00:00">2026-11-30 13:05 UTC</time>'
    assert str(when(naive)) == str(when(paris)) == str(when(naive.isoformat())) == expected
    assert when(None) == ""
    assert _jsonable({"at": [naive, paris]}) == {"at": ["2026-11-30T13:05:00+00:00"] * 2}


def test_numbers_in_tables_are_rounded_alike():
    from podium.web.views import Templates

    num = Templates().env.filters["num"]
    assert [num(121.6, 0), num(143.0, 0), num(9.861, 1), num(87.0), num(None, 0)] == ["122", "143", "9.9", "87", "–"]


def test_lists_and_histories_never_read_report_json(site, analysed):
    """report.json runs to hundreds of kilobytes a rehearsal; the recordings list (polled every few seconds while a
    job runs), the history and the team page read only score columns, each in one query whatever the team's size."""
    from sqlalchemy import event

    engine = site["app"].state.store.engine
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        for who, path in (("s1", "/recordings.json"), ("s1", "/history.json"), ("admin", "/team.json")):
            seen.clear()
            assert site[who].get(path).status_code == 200
            assert not [q for q in seen if "report_json" in q], path
            assert sum("FROM analyses" in q or "JOIN analyses" in q for q in seen) == 1, (path, seen)
    finally:
        event.remove(engine, "before_cursor_execute", record)


# ---------------------------------------------------------------- sessions that end, limits per account


def test_a_cookie_copied_before_logout_is_refused_after(site):
    from fastapi.testclient import TestClient

    me = site["s1"]
    stolen = TestClient(site["app"])
    stolen.cookies.set("podium_session", me.cookies.get("podium_session"))
    assert stolen.get("/recordings.json").status_code == 200  # a copy works while the session lives
    assert me.post("/logout", data={"csrf": _csrf(me)}, follow_redirects=False).status_code == 303
    assert stolen.get("/recordings.json").status_code == 401  # ... and not after it ended


def test_one_accounts_wrong_passwords_do_not_lock_another_account_at_the_same_address(site):
    anon = site["anon"]
    for _ in range(5):
        anon.post("/login", data={"email": "s2@example.org", "password": "wrong password", "csrf": _csrf(anon)})
    r = anon.post("/login", data={"email": "s2@example.org", "password": PASSWORD, "csrf": _csrf(anon)})
    assert r.status_code == 429  # that account waits
    sign_in(anon, "coach@example.org", PASSWORD)  # another account from the same address gets in


def test_limits_survive_a_restart_and_count_per_address_behind_a_trusted_proxy(tmp_path):
    from fastapi.testclient import TestClient

    settings = _settings(tmp_path / "data", forwarded_allow_ips="*")
    store = open_store(settings.db_url)
    for k in range(40):
        store.add_user(f"u{k}@example.org", f"U{k}", "speaker", PASSWORD)
    store.close()

    def attempt(client, email, password, address):
        headers = {"X-Forwarded-For": address}
        token = client.get("/login.json", headers=headers).json()["csrf_token"]
        data = {"email": email, "password": password, "csrf": token}
        return client.post("/login", data=data, headers=headers, follow_redirects=False).status_code

    with TestClient(create_app(settings, start_workers=False)) as c:  # one address sprays many accounts
        codes = [attempt(c, f"u{k}@example.org", "wrong password", "203.0.113.7") for k in range(31)]
    assert codes == [401] * 30 + [429], codes
    with TestClient(create_app(settings, start_workers=False)) as c:  # a restart keeps the count
        assert attempt(c, "u39@example.org", PASSWORD, "203.0.113.7") == 429
        assert attempt(c, "u39@example.org", PASSWORD, "198.51.100.2") == 303  # another client behind the proxy
    untrusting = _settings(tmp_path / "data")  # without --forwarded-allow-ips the header is ignored: one peer
    with TestClient(create_app(untrusting, start_workers=False)) as c:
        assert attempt(c, "u38@example.org", PASSWORD, "203.0.113.7") == 303


def test_an_id_beyond_any_row_is_not_found(site):
    c = site["s1"]
    for path in ("/recordings/99999999999999999999999", "/recordings/99999999999999999999999.json"):
        r = c.get(path)
        assert r.status_code == 404, path
    assert c.get("/recordings/99999999999999999999999.json").json()["error"] == "Not found."


def test_a_long_non_latin_title_makes_a_short_file_name_and_errors_name_no_server_path(tmp_path):
    from podium.web.jobs import Claim, _file_name, public_error

    name = _file_name("日" * 120 + ".flac", ".flac")
    assert name.endswith(".flac") and len(name.encode()) <= 130 and name.startswith("日")
    settings = _settings(tmp_path / "data")
    job = Claim(1, 1, str(settings.uploads / "ab12.flac"), "My talk", 1)
    raw = f"{settings.reports}/.7-abc.partial-9-1: cannot write ({settings.uploads}/ab12.flac)"
    said = public_error(raw, job, settings)
    assert str(tmp_path) not in said and "the reports folder" in said


def test_a_deck_uploaded_with_a_recording_is_scored_and_named_as_the_speaker_named_it(site, samples, tmp_path):
    from .media_fixtures import pdf_deck

    c, settings = site["s1"], site["settings"]
    talk = (samples / "speech_clean" / "jfk.flac").read_bytes()
    deck = pdf_deck(tmp_path / "d.pdf", [(samples / "speech_clean" / "jfk.txt").read_text().strip()]).read_bytes()

    def send(client, data, name):
        return client.post("/decks", content=data, headers={"X-Filename": name, "X-CSRF-Token": _csrf(client)})

    for data, name, status, words in [
        (b"my notes, not slides\n", "notes.pdf", 415, "“notes.pdf” cannot be used: is not a deck"),
        (deck, "slides.key", 415, "a PDF or a PowerPoint .pptx"),
        (b"", "empty.pdf", 400, "empty (0 bytes)"),
    ]:
        r = send(c, data, name)
        assert r.status_code == status and words in r.json()["error"], (name, r.text)
        assert str(settings.data) not in r.text
        assert list((settings.uploads / "decks").iterdir()) == [], name
    r = send(c, deck, "My slides.pdf")
    assert r.status_code == 201 and r.json()["slides"] == 1, r.text
    token = r.json()["deck"]
    other = site["s2"]  # a token is its owner's only
    r = other.post(
        "/recordings", content=talk, headers={"X-Filename": "t.flac", "X-CSRF-Token": _csrf(other), "X-Deck": token}
    )
    assert r.status_code == 400 and "not on the server" in r.json()["error"]
    headers = {"X-Filename": "take.flac", "X-CSRF-Token": _csrf(c), "X-Deck": token, "X-Deck-Name": "My%20slides.pdf"}
    r = c.post("/recordings", content=talk, headers=headers)
    assert r.status_code == 201, r.text
    rec = r.json()["id"]
    assert run_worker(settings, once=True) == 1
    url = c.get(f"/recordings/{rec}.json").json()["recording"]["report_url"]
    text = c.get(url + "report.json").text
    assert str(settings.data) not in text  # neither the recording's nor the deck's server path
    report = json.loads(text)
    assert report["slides"]["deck"] == "My slides.pdf" and report["options"]["slides"]["deck"] == "My slides.pdf"
    assert report["slides"]["slides"][0]["read_share"] >= 0.8
    assert "data:image/jpeg;base64," in c.get(url).text  # the slide strip's thumbnail
    r = c.post(f"/recordings/{rec}/delete", headers={"X-CSRF-Token": _csrf(c), "Accept": "application/json"})
    assert r.status_code == 200
    assert list((settings.uploads / "decks").iterdir()) == []


def test_decks_no_recording_names_are_cleared_after_a_day(site, samples, tmp_path):
    from podium.web.jobs import clean_decks

    from .media_fixtures import pdf_deck

    c, settings = site["s1"], site["settings"]
    deck = pdf_deck(tmp_path / "d.pdf", ["Ask not what your country can do for you"]).read_bytes()

    def send():
        r = c.post("/decks", content=deck, headers={"X-Filename": "d.pdf", "X-CSRF-Token": _csrf(c)})
        assert r.status_code == 201
        return r.json()["deck"]

    kept, orphan, fresh = send(), send(), send()
    talk = (samples / "speech_clean" / "jfk.flac").read_bytes()
    r = c.post("/recordings", content=talk, headers={"X-Filename": "t.flac", "X-CSRF-Token": _csrf(c), "X-Deck": kept})
    assert r.status_code == 201
    folder = settings.uploads / "decks"
    day_ago = time.time() - 2 * 24 * 3600
    for token in (kept, orphan):
        os.utime(next(folder.glob(f"*-{token}.pdf")), (day_ago, day_ago))
    store = open_store(settings.db_url)
    try:
        assert clean_decks(store, settings.uploads) == 1
    finally:
        store.close()
    left = sorted(p.name.split("-", 1)[1].removesuffix(".pdf") for p in folder.iterdir())
    assert left == sorted([kept, fresh])  # the one a recording names stays, and the one that may still be wanted
