"""Face analysis on real images and videos, and on generated edge cases."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("ai_edge_litert")

from podium import face, media
from podium.types import FaceSample

from .media_fixtures import encode, speechlike
from .procs import alive, children


def _img(path: Path) -> np.ndarray:
    import av

    with av.open(str(path)) as c:
        return next(c.decode(video=0)).to_ndarray(format="rgb24")


@pytest.fixture(scope="module")
def stills(samples):
    out = {}
    for p in sorted((samples / "faces").iterdir()):
        if p.suffix in (".gif", ".jpg"):
            out[p.name] = face.observe_image(_img(p))
    return out


def test_smiling_vs_not(stills, samples):
    with open(samples / "faces" / "labels.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    judged = [
        (r["file"], r["expression"])
        for r in rows
        if r["expression"] in ("happy", "neutral") and (r["file"].startswith("yale") or r["file"].startswith("faceapi"))
    ]
    right = [f for f, e in judged if stills[f].present and ((stills[f].smile >= 0.35) == (e == "happy"))]
    print(f"\nsmiling vs not: {len(right)} of {len(judged)} right")
    assert len(judged) >= 10 and len(right) >= 0.9 * len(judged)


def test_eyes_closed_when_sleepy_open_when_normal(stills):
    sleepy = [s for k, s in stills.items() if k.endswith("_sleepy.gif")]
    normal = [s for k, s in stills.items() if k.endswith("_normal.gif")]
    assert len(sleepy) == 5 and len(normal) == 5
    assert sum(not s.eyes_open for s in sleepy) >= 4
    assert sum(bool(s.eyes_open) for s in normal) >= 4


def test_eye_contact_on_frontal_faces_never_with_eyes_closed(stills):
    normal = [s for k, s in stills.items() if k.endswith("_normal.gif")]
    sleepy = [s for k, s in stills.items() if k.endswith("_sleepy.gif")]
    share = sum(s.eye_contact for s in normal) / len(normal)
    print(f"\neye contact on Yale 'normal': {share:.0%}")
    assert share >= 0.8
    assert not any(s.eye_contact for s in sleepy)


def test_mirror_flips_yaw_and_rotation_moves_roll(samples):
    import cv2

    img = _img(samples / "faces" / "faceapi_happy.jpg")
    base = face.observe_image(img)
    mirrored = face.observe_image(np.ascontiguousarray(img[:, ::-1]))
    assert base.present and mirrored.present and abs(base.yaw) >= 5
    assert np.sign(mirrored.yaw) == -np.sign(base.yaw)
    h, w = img.shape[:2]
    big = cv2.copyMakeBorder(img, h // 3, h // 3, w // 3, w // 3, cv2.BORDER_REPLICATE)
    hh, ww = big.shape[:2]
    rot = cv2.warpAffine(
        big, cv2.getRotationMatrix2D((ww / 2, hh / 2), -20, 1.0), (ww, hh), borderMode=cv2.BORDER_REPLICATE
    )
    turned = face.observe_image(rot)
    unturned = face.observe_image(big)
    assert turned.present
    print(f"\nroll {unturned.roll:+.1f} -> {turned.roll:+.1f} after a 20 degree clockwise turn")
    assert abs(abs(turned.roll - unturned.roll) - 20) <= 5


def test_grid_clips_face_present(samples):
    shares, contact = [], []
    for p in sorted((samples / "video_talking").glob("grid_*.mpg")):
        f = face.observe(media.probe(p))
        shares.append(f.present_ratio)
        contact.append(f.eye_contact_ratio)
    mean = sum(shares) / len(shares)
    print(
        f"\nGRID face presence: {mean:.1%} of samples; eye contact {sum(contact) / len(contact):.0%} of them "
        f"(per clip {', '.join(f'{c:.0%}' for c in contact)})"
    )
    assert mean >= 0.98


def test_face_then_no_face_agrees_with_labels(samples):
    f = face.observe(media.probe(samples / "video_talking" / "pyfeat_face_noface.mov"))
    visible_until = 2.40
    agree = sum(s.present == (s.t < visible_until) for s in f.timeline)
    print(f"\nface/no-face agreement: {agree} of {len(f.timeline)}")
    assert agree >= 0.95 * len(f.timeline)
    assert f.face_lost and abs(f.face_lost[0].start - 2.4) <= 0.25


def _face_frames(samples, layout: str, n: int = 10, size=(1280, 720)) -> list[np.ndarray]:
    import cv2

    img = _img(samples / "faces" / "faceapi_neutral.jpg")
    frames = []
    for _ in range(n):
        canvas = np.full((size[1], size[0], 3), 90, np.uint8)
        if layout == "tiny":  # a ~60 px face once the frame is downscaled to 640 px: the landmarker alone misses it
            yale = _img(samples / "faces" / "yale_subject01_normal.gif")
            small = cv2.resize(yale, (120, int(120 * yale.shape[0] / yale.shape[1])))
            canvas[300 : 300 + small.shape[0], 600 : 600 + small.shape[1]] = small
        elif layout == "several":
            for k, width in enumerate((380, 220, 200)):
                f = cv2.resize(img, (width, int(width * img.shape[0] / img.shape[1])))
                x = [420, 40, 1000][k]
                canvas[100 : 100 + f.shape[0], x : x + f.shape[1]] = f
        elif layout == "black":
            canvas[:] = 0
        frames.append(canvas)
    return frames


def _write_video(
    path: Path,
    frames: list[np.ndarray],
    fps: int = 5,
    rotate: int | None = None,
    times: list[float] | None = None,
    gop: int | None = None,
) -> Path:
    from fractions import Fraction

    import av

    with av.open(str(path), "w") as out:
        s = out.add_stream("libx264", rate=fps)
        s.height, s.width = frames[0].shape[:2]
        s.pix_fmt = "yuv420p"
        s.codec_context.time_base = Fraction(1, 1000)
        if gop is not None:  # a keyframe every gop frames
            s.codec_context.gop_size = gop
        if rotate is not None:
            s.set_display_rotation(rotate)
        for i, img in enumerate(frames):
            fr = av.VideoFrame.from_ndarray(img, format="rgb24")
            fr.pts = int(1000 * (times[i] if times else i / fps))
            fr.time_base = Fraction(1, 1000)
            for pkt in s.encode(fr):
                out.mux(pkt)
        for pkt in s.encode():
            out.mux(pkt)
    return path


@pytest.mark.parametrize("layout", ["tiny", "several", "black"])
def test_hard_layouts(samples, tmp_path, layout):
    f = face.observe(media.probe(_write_video(tmp_path / f"{layout}.mp4", _face_frames(samples, layout))))
    if layout == "black":
        assert f.skipped_reason == "no face visible" and f.present_ratio == 0
    else:
        assert f.skipped_reason is None and f.present_ratio >= 0.8, layout
    if layout == "several":
        assert f.other_faces_max >= 1
        xs = [s.box[0] + s.box[2] / 2 for s in f.timeline if s.present]
        assert all(0.35 < x < 0.65 for x in xs)  # the large central face is the speaker


@pytest.mark.parametrize("turn", [90, -90])
def test_rotated_phone_video_is_turned_upright(samples, tmp_path, turn):
    img = _img(samples / "faces" / "faceapi_neutral.jpg")
    portrait = np.full((640, 360, 3), 90, np.uint8)
    portrait[150 : 150 + img.shape[0] * 300 // img.shape[1], 30:330] = __import__("cv2").resize(
        img, (300, img.shape[0] * 300 // img.shape[1])
    )
    # stored sideways, as phones do; the display matrix turns it upright (counter-clockwise by ``turn`` degrees, as
    # FFmpeg reads it)
    stored = np.ascontiguousarray(np.rot90(portrait, k=-turn // 90))
    path = _write_video(tmp_path / "phone.mp4", [stored] * 8, rotate=turn)
    info = media.probe(path)
    assert info.rotation in (90, 270) and (info.width, info.height) == (360, 640)
    f = face.observe(info)
    assert f.present_ratio >= 0.8 and abs(f.head_pose.roll_median) < 20
    assert f.framing.centre_y < 0.5  # the face is in the upper half: not a false find in a picture upside down


def test_variable_frame_rate(samples, tmp_path):
    frames = _face_frames(samples, "several", n=12)
    times = [0.0, 0.05, 0.1, 0.5, 0.55, 1.4, 1.45, 1.5, 2.3, 2.9, 3.0, 3.6]
    f = face.observe(media.probe(_write_video(tmp_path / "vfr.mp4", frames, times=times)))
    ts = [s.t for s in f.timeline]
    cells = [int(t / 0.2 + 1e-6) for t in ts]  # at most one sample per 0.2 s, at the first frame in it
    assert ts == sorted(ts) and cells == sorted(set(cells)) and len(ts) == len(set(cells))
    assert f.present_ratio >= 0.8


@pytest.mark.parametrize("size", [(1280, 720), (1918, 1080), (640, 360)])
def test_frames_are_scaled_and_converted_as_ffmpeg_does(size):
    """Planar 4:2:0 frames are scaled plane by plane before their colours are converted: the picture must come out as
    FFmpeg's own scaler makes it, colours included (swapped chroma planes would still show a face)."""
    import av

    w, h = size
    rng = np.random.default_rng(7)
    rgb = np.zeros((h, w, 3), np.uint8)
    rgb[: h // 2, : w // 2] = (220, 30, 40)  # red, green, blue and grey quarters, and a noisy band across them
    rgb[: h // 2, w // 2 :] = (30, 200, 60)
    rgb[h // 2 :, : w // 2] = (40, 50, 210)
    rgb[h // 2 :, w // 2 :] = (128, 128, 128)
    rgb[h // 3 : h // 3 + 40] = rng.integers(0, 256, (40, w, 3), dtype=np.uint8)
    frame = av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuv420p")
    scale = min(1.0, 640 / max(w, h))
    out_size = (int(w * scale) // 2 * 2, int(h * scale) // 2 * 2)
    got = face._rgb(frame, out_size).astype(int)
    want = frame.reformat(width=out_size[0], height=out_size[1], format="rgb24").to_ndarray().astype(int)
    assert got.shape == want.shape == (out_size[1], out_size[0], 3)
    assert np.abs(got - want).mean() < 3  # scalers differ at edges and in the noise; colours may not
    qh, qw = out_size[1] // 4, out_size[0] // 4
    for (y, x), colour in {(0, 0): (220, 30, 40), (0, 3): (30, 200, 60), (3, 0): (40, 50, 210)}.items():
        patch = got[y * qh + qh // 4 : y * qh + qh // 2, x * qw + qw // 4 : x * qw + qw // 2].reshape(-1, 3)
        assert np.abs(patch.mean(axis=0) - colour).max() < 8, (y, x, patch.mean(axis=0))


def test_audio_only_is_skipped_as_no_video(tmp_path):
    from .media_fixtures import speechlike, write_wav

    f = face.observe(media.probe(write_wav(tmp_path / "a.wav", speechlike(1.0))))
    assert f.skipped_reason == "no video" and f.timeline == ()


def test_model_file_is_pinned():
    path = face._task_path()
    assert Path(path).stat().st_size == 3_758_596


def test_opt_in_expression_accuracy_as_measured(samples):
    from podium.expression import LABELS, model_path

    if not model_path().is_file():
        import os

        if os.environ.get("CI"):
            pytest.fail("CI sets up the expression model (make test runs 'python -m podium.expression --setup')")
        pytest.skip("expression model not set up: python -m podium.expression --setup")
    with open(samples / "faces" / "labels.csv", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["expression"] in LABELS]
    opts = face.FaceOptions(expressions=True)
    right = sum(
        face.observe_image(_img(samples / "faces" / r["file"]), opts).expression == r["expression"] for r in rows
    )
    print(f"\napparent expression (opt-in): {right} of {len(rows)} labelled images ({right / len(rows):.0%})")
    assert right / len(rows) >= 0.4  # 7 classes: chance is 14 %; far above it means the conversion is right


SNIPPET = """
import podium
report = podium.analyze({path!r})
print(report.face.present_ratio if report.face else report.notes)
"""


@pytest.mark.parametrize("how", ["script", "stdin"])
def test_the_readme_snippet_gets_its_face_analysis_without_a_main_guard(samples, tmp_path, how):
    """multiprocessing's spawn re-runs the caller's script in the child: without an ``if __name__ == "__main__"``
    guard, or fed on stdin, the face analysis was lost to a traceback. The face child never imports the caller."""
    import subprocess
    import sys

    code = SNIPPET.format(path=str(samples / "video_talking" / "grid_bbaf2n.mpg"))
    script = tmp_path / "mine.py"
    script.write_text(code)
    run = subprocess.run(
        [sys.executable, str(script)] if how == "script" else [sys.executable, "-"],
        input=None if how == "script" else code,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr[-2000:]
    assert float(run.stdout.strip().splitlines()[-1]) > 0.9, run.stdout


def test_a_failed_analysis_stops_its_face_process(samples):
    """Speech fails (or the web worker is told to stop) while the face still runs: the face process goes too. And a
    face process that dies does not take the speech analysis with it."""
    import signal

    from podium import StageError, analyze
    from podium.testing import FakeRecognizer
    from podium.types import Word

    def face_children() -> set[int]:
        return set(children(os.getpid()))

    seen: set[int] = set()
    # a face process killed meanwhile (out of memory, say): the speech analysis is kept, with a note
    words = [Word("hello", 0.5, 0.9, 0.95), Word("there", 1.0, 1.4, 0.95)]

    class Killer(FakeRecognizer):
        def recognize(self, audio, options, progress=None, prompt_where=None):
            for pid in face_children():
                os.kill(pid, signal.SIGKILL)
            return super().recognize(audio, options, progress)

    report = analyze(samples / "video_talking" / "pyfeat_face_noface.mov", recognizer=Killer(words))
    assert report.face is None and [w.text for w in report.transcript.words] == ["hello", "there"]
    assert any("face process stopped: signal 9" in n for n in report.notes), report.notes

    class Broken(FakeRecognizer):
        def recognize(self, audio, options, progress=None, prompt_where=None):
            seen.update(face_children())
            raise StageError("speech", "the recogniser broke")

    with pytest.raises(StageError):
        analyze(samples / "video_talking" / "pyfeat_face_noface.mov", recognizer=Broken())
    assert seen, "no face process was running during speech"
    assert not (seen & face_children()), "the face process outlived the analysis"


def test_the_face_processes_start_before_the_audio_is_decoded(samples, monkeypatch):
    """The second core has face work from the start: the face processes are started from the file's metadata,
    and the audio decoded after (half a second of one core on an 11-minute talk)."""
    from podium import analyze, media, pipeline
    from podium.testing import FakeRecognizer
    from podium.types import Word

    order: list[str] = []
    real_load, real_job = media.load, pipeline._FaceJob

    def load(*args, **kwargs):
        order.append("audio")
        return real_load(*args, **kwargs)

    def job(*args, **kwargs):
        order.append("face")
        return real_job(*args, **kwargs)

    monkeypatch.setattr(media, "load", load)
    monkeypatch.setattr(pipeline, "_FaceJob", job)
    report = analyze(
        samples / "video_talking" / "pyfeat_face_noface.mov", recognizer=FakeRecognizer([Word("hello", 0.5, 0.9, 0.95)])
    )
    assert order == ["face", "audio"]
    assert report.face is not None and report.face.samples > 0


def test_the_face_process_yields_the_cores_to_the_speech(samples):
    """The face process runs at the lowest priority (niceness 19): the speech gets a core whenever it asks, so it is
    done as fast as alone, and the face fills the time it leaves (docs/face.md: 30.4 s against 28.6 s for a talk)."""
    import time

    from podium import analyze
    from podium.testing import FakeRecognizer
    from podium.types import Word

    seen: list[int] = []

    class Watch(FakeRecognizer):
        def recognize(self, audio, options, progress=None, prompt_where=None):
            end = time.monotonic() + 10
            while not seen and time.monotonic() < end:  # the child sets it once it has read its task
                for pid in children(os.getpid()):
                    try:
                        if os.getpriority(os.PRIO_PROCESS, pid) == 19:
                            seen.append(pid)
                    except ProcessLookupError:
                        pass
                time.sleep(0.02)
            return super().recognize(audio, options, progress)

    report = analyze(
        samples / "video_talking" / "pyfeat_face_noface.mov", recognizer=Watch([Word("hello", 0.5, 0.9, 0.95)])
    )
    assert seen, "no face process at the lowest priority during the speech"
    assert os.getpriority(os.PRIO_PROCESS, 0) < 19  # this process, the speech's, keeps its own
    assert report.face is not None and report.face.samples > 0  # and the face was analysed all the same


ORPHAN = """
import sys, time
from podium import analyze
from podium.testing import FakeRecognizer

class Slow(FakeRecognizer):
    def recognize(self, audio, options, progress=None, prompt_where=None):
        print("speech", flush=True)
        time.sleep(120)

analyze(sys.argv[1], recognizer=Slow())
"""


def test_the_face_process_dies_with_an_analysis_killed_outright(tmp_path):
    """SIGKILL (the OOM killer, a killed web or batch worker) gives the analysis no chance to stop its face process;
    the kernel does (PR_SET_PDEATHSIG), so a long video is not left to be watched by nobody."""
    import signal
    import subprocess
    import sys
    import time

    video = encode(tmp_path / "long.mp4", audio=speechlike(240.0), video_s=240.0)  # the face needs ~15 s for it
    proc = subprocess.Popen([sys.executable, "-c", ORPHAN, str(video)], stdout=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        assert proc.stdout.readline().strip() == "speech"
        kids = children(proc.pid)
        assert kids, "no face process"
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()
    end = time.monotonic() + 2  # the kernel's kill is at once; the face would run on for many seconds
    while any(alive(k) for k in kids) and time.monotonic() < end:
        time.sleep(0.1)
    left = [k for k in kids if alive(k)]
    for k in left:  # do not leave it running whatever the outcome
        os.kill(k, signal.SIGKILL)
    assert not left, "the face process outlived the killed analysis"


def test_threads_split_the_video_and_give_the_same_samples(samples, tmp_path):
    """Two faces nearly as large: which one is the speaker's depends on where the speaker was before, so a stretch
    that starts mid-video must wait for that before choosing. Threads must give exactly one thread's answer."""
    import cv2

    from podium.face import _cuts

    img = _img(samples / "faces" / "faceapi_neutral.jpg")
    left, right = (cv2.resize(img, (w, int(w * img.shape[0] / img.shape[1]))) for w in (240, 270))
    frames = []
    for i in range(200):  # 40 s at 5 fps: the speaker alone for 8 s, then a slightly larger face beside them
        canvas = np.full((720, 1280, 3), 90, np.uint8)
        x = 150 + (i % 10) * 4  # the speaker moves a little
        canvas[150 : 150 + left.shape[0], x : x + left.shape[1]] = left
        if i >= 40:
            canvas[120 : 120 + right.shape[0], 820 : 820 + right.shape[1]] = right
        frames.append(canvas)
    path = _write_video(tmp_path / "two.mp4", frames, gop=10)
    info = media.probe(path)
    assert len(_cuts(path, info.duration_s, 3)) == 3  # the test needs real cuts
    one = face.observe(info)
    assert one.other_faces_max == 1 and one.present_ratio == 1.0
    assert all(s.box[0] < 0.4 for s in one.timeline)  # the speaker is followed, not the larger newcomer
    for threads in (2, 3):
        assert face.observe(info, threads=threads) == one, threads
    from podium import analyze  # the analysis runs the stretches in processes of their own: the same answer
    from podium.options import AnalysisOptions, SpeechOptions

    for cores in (2, 3):
        assert analyze(path, AnalysisOptions(speech=SpeechOptions(cpu_threads=cores))).face == one, cores


def _count_cascade_runs(monkeypatch) -> list[int]:
    """A list that grows by one each time the small-face cascade searches a frame."""
    import cv2

    runs: list[int] = []
    real = cv2.CascadeClassifier

    class Counted:
        def __init__(self, *args):
            self.cascade = real(*args)

        def detectMultiScale(self, *args, **kwargs):
            runs.append(1)
            return self.cascade.detectMultiScale(*args, **kwargs)

    monkeypatch.setattr(cv2, "CascadeClassifier", Counted)
    return runs


def _screen_share(samples, path: Path, gop: int, seconds: float = 34.0) -> Path:
    """A screen recording at 25 fps: a slide, and the speaker in a webcam thumbnail too small for the landmarker's
    own detector (a ~40 px face in a 640 px frame), drifting a little; a keyframe every ``gop`` frames."""
    import cv2

    img = _img(samples / "faces" / "yale_subject01_normal.gif")
    thumb = cv2.resize(img, (100, int(100 * img.shape[0] / img.shape[1])))
    slide = np.full((360, 640, 3), 235, np.uint8)
    for k in range(8):
        cv2.putText(
            slide, f"Results and outlook, point {k}", (20, 30 + 30 * k), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (30,) * 3
        )
    frames = []
    for i in range(int(seconds * 25)):
        canvas = slide.copy()
        x, y = 500 + int(8 * np.sin(i / 40)), 250 + int(5 * np.cos(i / 55))
        canvas[y : y + thumb.shape[0], x : x + thumb.shape[1]] = thumb
        frames.append(canvas)
    return _write_video(path, frames, fps=25, gop=gop)


@pytest.mark.parametrize("gop", [35, 37])  # keyframes on sampled frames only; and mostly between them
def test_small_faces_are_followed_between_keyframes(samples, tmp_path, monkeypatch, gop):
    """The cascade that finds small faces costs twenty landmarker runs: between keyframes the face is looked for
    where the last sample found it, so the cascade runs about once a keyframe, not on every sample; the answer
    stays near a cascade on every sample, and threads that start at keyframes give exactly one thread's."""

    from podium.face import _cuts, _frames
    from podium.face.landmarks import Engine
    from podium.options import FaceOptions

    path = _screen_share(samples, tmp_path / "share.mp4", gop)
    info = media.probe(path)
    assert len(_cuts(path, info.duration_s, 3)) == 3  # the test needs real cuts
    runs = _count_cascade_runs(monkeypatch)
    one = face.observe(info)
    assert one.present_ratio >= 0.95 and one.samples == 170
    keyframes = int(np.ceil(info.duration_s * 25 / gop))
    assert 0 < len(runs) <= keyframes + 2 < one.samples / 4, (len(runs), keyframes)  # one look a keyframe
    for threads in (2, 3):
        assert face.observe(info, threads=threads) == one, threads
    # the first 10 s against the cascade on every sample
    options = FaceOptions()
    followed, anew = Engine(options), Engine(options)
    apart = []
    for t, rgb, cue in _frames(path, options, 0, 0.0, 10.0):
        a, b = followed.sample(t, rgb, cue), anew.sample(t, rgb)
        assert isinstance(a, FaceSample) and isinstance(b, FaceSample) and a.present and b.present
        assert a.eyes_open == b.eyes_open
        apart.append([max(abs(p - q) for p, q in zip(a.box or (), b.box or (), strict=True)),
                      abs((a.yaw or 0) - (b.yaw or 0)), abs((a.pitch or 0) - (b.pitch or 0)),
                      abs(a.blink - b.blink), abs(a.smile - b.smile)])  # fmt: skip
    median, most = np.median(apart, axis=0), np.max(apart, axis=0)
    print(
        f"\nfollowed against the cascade on every sample (box, yaw, pitch, blink, smile): median {median}, max {most}"
    )
    assert np.all(median <= [0.005, 1.0, 1.0, 0.03, 0.03]) and np.all(most <= [0.01, 3.0, 3.0, 0.1, 0.1])


def test_where_no_small_face_was_one_is_looked_for_every_2_s(samples, tmp_path, monkeypatch):
    """A scrolling slide with no face (the frames change, so each is looked at): the cascade runs at the keyframe
    and every 2 s, not on every sample; a webcam thumbnail that appears between keyframes is found at the next
    look, within 2 s."""
    import cv2

    img = _img(samples / "faces" / "yale_subject01_normal.gif")
    thumb = cv2.resize(img, (100, int(100 * img.shape[0] / img.shape[1])))
    page = np.full((600, 640, 3), 235, np.uint8)
    for k in range(18):
        cv2.putText(page, f"Results, point {k}", (20, 30 + 30 * k), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (30,) * 3)
    frames = []
    for i in range(250):  # 10 s at 25 fps, one keyframe; the thumbnail from 4.6 s
        canvas = np.ascontiguousarray(page[i // 2 : i // 2 + 360])
        if i >= 115:
            canvas[250 : 250 + thumb.shape[0], 500 : 500 + thumb.shape[1]] = thumb
        frames.append(canvas)
    path = _write_video(tmp_path / "scroll.mp4", frames, fps=25, gop=300)
    runs = _count_cascade_runs(monkeypatch)
    f = face.observe(media.probe(path))
    seen = [s.t for s in f.timeline if s.present]
    print(f"\nfirst seen at {seen[:1]}, {len(runs)} cascade runs for {f.samples} samples")
    assert seen and 4.6 <= seen[0] <= 6.0 and all(s.present for s in f.timeline if s.t >= 6.0)
    assert f.samples == 50 and len(runs) <= 6  # the keyframe's two samples, and 2 s, 4 s, 6 s


def test_a_still_picture_is_looked_at_once(samples, tmp_path, monkeypatch):
    """A slide held on screen: the same picture sample after sample gives the same answer without the landmarker
    (without its cascade, 180 ms a sample on a slide)."""
    from podium.face.landmarks import Engine

    frames = _face_frames(samples, "black", n=1) * 20
    path = _write_video(tmp_path / "still.mp4", frames, fps=5, gop=100)
    looked = []
    real = Engine._sample
    monkeypatch.setattr(Engine, "_sample", lambda self, *a: looked.append(a[0]) or real(self, *a))
    f = face.observe(media.probe(path))
    assert f.samples == 20 and f.present_ratio == 0
    assert len(looked) == 2  # the keyframe and the sample after it (Cue.settled); then none


def test_engines_made_at_once_leave_stderr_where_it_was():
    """Each engine hides LiteRT's setup chatter by pointing file descriptor 2 at /dev/null for a moment; made on
    several threads at once (the face stage's stretches), they once left the whole process writing errors nowhere."""
    from concurrent.futures import ThreadPoolExecutor

    from podium.face import Engine
    from podium.options import FaceOptions

    before = os.fstat(2)
    for _ in range(3):
        with ThreadPoolExecutor(4) as pool:
            engines = list(pool.map(lambda _: Engine(FaceOptions()), range(4)))
        assert len(engines) == 4
        after = os.fstat(2)
        assert (after.st_dev, after.st_ino) == (before.st_dev, before.st_ino)
