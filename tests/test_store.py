"""The store on SQLite and on a real PostgreSQL (.ci/run starts one on loopback and sets PODIUM_TEST_PG_URL)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from podium.store import Analysis, Job, Recording, User, open_store, scores_of
from podium.types import Feedback, MediaInfo, Report, Score


def _score(dim: str, score: int | None) -> Score:
    return Score(dim, score, "good", "", "", "", "")


REPORT = Report(
    source=MediaInfo(path="/talks/a.mp4", sha256="a" * 64, duration_s=12.5, has_audio=True, has_video=False),
    transcript=None,
    voice=None,
    feedback=Feedback(81, (_score("pace", 100), _score("fillers", 74), _score("uptalk", None)), (), (), ()),
)


def test_record_and_query_history(db_url):
    url = db_url
    store = open_store(url)
    a = store.record(
        path="/talks/a.mp4",
        sha256="a" * 64,
        report=REPORT,
        report_dir="/r/a",
        status="done",
        speaker="Ann",
        title="Week 1",
    )
    store.record(
        path="/talks/b.mp4",
        sha256="b" * 64,
        report=None,
        report_dir=None,
        status="failed",
        error="file is empty (0 bytes)",
        speaker="Ann",
    )
    store.close()
    store = open_store(url)  # migrating again is a no-op
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(User)) == 1
        assert s.scalar(select(func.count()).select_from(Recording)) == 2
        statuses = dict(s.execute(select(Recording.path, Job.status).join(Job, Job.recording_id == Recording.id)).all())
        assert statuses == {"/talks/a.mp4": "done", "/talks/b.mp4": "failed"}
        analysis = s.scalar(select(Analysis).where(Analysis.recording_id == a))
        assert analysis.overall == 81 and analysis.wpm is None
        scores = scores_of(analysis)
        assert scores["pace"] == 100 and scores["fillers"] == 74 and scores["pauses"] is None
        user = s.scalar(select(User))
        assert user.password_hash is None and user.role == "speaker"
    store.close()


def test_bad_url_is_a_clear_error():
    from podium.errors import ParameterError

    with pytest.raises(ParameterError, match="cannot open the database"):
        open_store("postgresql://nobody@127.0.0.1:1/none")
    with pytest.raises(ParameterError, match="--db"):
        open_store("not a url")


def test_user_add_and_passwd_from_the_cli(tmp_path, capsys, monkeypatch):
    import io

    from podium.cli import main
    from podium.store import open_store

    db = f"sqlite:///{tmp_path / 'p.db'}"

    def run(args, password):
        monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
        return main(["user", *args, "--db", db, "--password-stdin"])

    assert run(["add", "Admin@Example.org", "--role", "admin", "--team", "Coaches"], "correct horse battery") == 0
    store = open_store(db)
    assert store.check_password("admin@example.org", "correct horse battery")
    assert not store.check_password("admin@example.org", "wrong password!!")
    with store.session() as s:
        user = s.scalar(select(User))
        assert user.role == "admin" and user.password_hash.startswith("$argon2id$")
        assert "correct horse" not in user.password_hash
    store.close()
    capsys.readouterr()
    assert run(["add", "admin@example.org"], "another long password") == 1  # taken
    assert run(["add", "x@example.org"], "short") == 1  # too short
    assert run(["passwd", "nobody@example.org"], "a long enough one") == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("Error:")]
    assert len(errors) == 3 and "exists" in errors[0] and "10 characters" in errors[1] and "no user" in errors[2]
    assert run(["passwd", "admin@example.org"], "a brand new passphrase") == 0
    store = open_store(db)
    assert store.check_password("admin@example.org", "a brand new passphrase")
    store.close()
