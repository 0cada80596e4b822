"""Fuzzing: mutated real recordings into ``media.load``, and random names, titles and bodies into the upload
endpoint. No traceback and no 500 may escape; a refused upload leaves nothing in the uploads folder.

Hypothesis runs derandomized (the same examples every run), so a failure here is reproducible, never flaky.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import podium  # noqa: E402
from podium import media  # noqa: E402

FUZZ = settings(
    max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
SOURCES = ("speech_clean/jfk.flac", "speech_clean/ljspeech_LJ001-0002.wav", "video_talking/grid_bbaf2n.mpg")

mutations = st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=12)


@pytest.mark.samples
@FUZZ
@given(source=st.sampled_from(SOURCES), cut=st.floats(0.0, 1.0), flips=mutations, head=st.booleans())
def test_mutated_recordings_load_or_fail_with_an_input_error(samples, tmp_path_factory, source, cut, flips, head):
    data = bytearray((samples / source).read_bytes())
    region = 512 if head else len(data)  # headers are where decoders are most fragile
    for where, byte in flips:
        data[min(len(data) - 1, int(where * region))] = byte
    data = data[: max(1, int(cut * len(data)))] if cut < 0.98 else data
    path = tmp_path_factory.mktemp("fuzz") / ("x" + source[source.rindex(".") :])
    path.write_bytes(bytes(data))
    try:
        rec = media.load(path)
    except podium.InputError as e:
        assert str(e) and "\n" not in str(e).strip()
    else:
        assert rec.audio is None or rec.audio.samples.dtype.name == "float32"


names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300)
bodies = st.one_of(st.binary(max_size=4000), st.just(b""), st.just(b"RIFF\x00\x00\x00\x00WAVEfmt "))


@FUZZ
@given(name=names, body=bodies)
def test_the_upload_endpoint_never_answers_500_and_keeps_nothing_it_refuses(web_site, name, body):
    client, uploads = web_site
    token = client.get("/login.json").json()["csrf_token"]
    before = set(uploads.iterdir())
    # the page sends encodeURIComponent(name); a hand-made client may send anything, raw bytes included
    for header in (quote(name, safe=""), name.encode("utf-8")):
        r = client.post("/recordings", content=body, headers={"X-Filename": header, "X-CSRF-Token": token})
        assert r.status_code < 500, (r.status_code, r.text[:200])
    if r.status_code != 201:
        assert set(uploads.iterdir()) == before, "a refused upload left a file behind"


@pytest.fixture(scope="module")
def web_site(tmp_path_factory):
    from fastapi.testclient import TestClient

    from podium.store import open_store
    from podium.testing import sign_in
    from podium.web import Settings, create_app

    data = tmp_path_factory.mktemp("site")
    settings = Settings(data=data, secret_key="k" * 40, workers=0, analyze_face=False, max_upload_mb=1).checked()
    store = open_store(settings.db_url)
    store.add_user("fuzz@example.org", "Fuzz", "speaker", "a long enough passphrase")
    store.close()
    with TestClient(create_app(settings, start_workers=False)) as client:
        sign_in(client, "fuzz@example.org", "a long enough passphrase")
        yield client, settings.uploads
