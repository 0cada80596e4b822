"""Small recordings made by the tests themselves: tones, silence, video, damaged files."""

from __future__ import annotations

import functools
import wave
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from podium.testing import tone

SR = 16000


@functools.lru_cache(maxsize=2)
def read_speech(samples: Path) -> np.ndarray:
    """One reader's LJSpeech clips from ``samples/speech_clean``, back to back: about 2 minutes at 16 kHz."""
    from podium import media

    return np.concatenate(
        [media.load(p).audio.samples for p in sorted((samples / "speech_clean").glob("ljspeech_*.wav"))]
    )


def write_wav(path: Path, samples: np.ndarray, sr: int = SR) -> Path:
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sr)
        w.writeframes(pcm.tobytes())
    return path


def encode(
    path: Path,
    *,
    audio: np.ndarray | None = None,
    video_s: float = 0.0,
    size=(320, 240),
    fps: int = 25,
    vcodec: str = "libx264",
    acodec: str = "aac",
    sr: int = SR,
    rotate: int | None = None,
) -> Path:
    """Write a container with optional generated video frames and optional mono audio."""
    with av.open(str(path), "w") as out:
        vs = as_ = None
        if video_s:
            vs = out.add_stream(vcodec, rate=fps)
            vs.width, vs.height = size
            vs.pix_fmt = "yuv420p"
            if rotate is not None:
                vs.set_display_rotation(rotate)
        if audio is not None:
            as_ = out.add_stream(acodec, rate=sr if acodec != "libopus" else 48000)
            as_.layout = "mono"
        if vs is not None:
            for i in range(int(video_s * fps)):
                img = np.zeros((size[1], size[0], 3), dtype=np.uint8)
                img[:, :, 0] = (i * 7) % 255
                img[size[1] // 4 : size[1] // 2, (i * 3) % size[0] :, 1] = 200
                frame = av.VideoFrame.from_ndarray(img, format="rgb24")
                for pkt in vs.encode(frame):
                    out.mux(pkt)
            for pkt in vs.encode():
                out.mux(pkt)
        if as_ is not None:
            x = audio.astype(np.float32)
            if as_.rate != sr:
                x = np.interp(np.arange(int(len(x) * as_.rate / sr)) * sr / as_.rate, np.arange(len(x)), x).astype(
                    np.float32
                )
            step = as_.codec_context.frame_size or 1024
            pts = 0
            for i in range(0, len(x), step):
                chunk = x[i : i + step]
                if len(chunk) < step and as_.codec_context.frame_size:
                    chunk = np.pad(chunk, (0, step - len(chunk)))
                frame = av.AudioFrame.from_ndarray(chunk.reshape(1, -1), format="flt", layout="mono")
                frame.sample_rate = as_.rate
                frame.pts = pts
                frame.time_base = Fraction(1, as_.rate)
                pts += len(chunk)
                for pkt in as_.encode(frame):
                    out.mux(pkt)
            for pkt in as_.encode():
                out.mux(pkt)
    return path


def speechlike(seconds: float = 2.0) -> np.ndarray:
    """A voiced tone at a speaking pitch, with a little glide."""
    return tone([120, 150, 110], seconds)


def vowel(formants_hz: tuple[float, ...], f0: float = 110.0, seconds: float = 0.5, level: float = 0.3) -> np.ndarray:
    """A vowel by source and filter: a pulse train at ``f0`` through one resonator per formant (bandwidths 80, 100,
    120 Hz ...), faded in and out over 20 ms."""
    n = int(SR * seconds)
    x = np.zeros(n)
    x[:: int(round(SR / f0))] = 1.0
    for k, f in enumerate(formants_hz):
        r, theta = np.exp(-np.pi * (80 + 20 * k) / SR), 2 * np.pi * f / SR
        a1, a2 = -2 * r * np.cos(theta), r * r
        y = np.zeros(n)
        for i in range(n):
            y[i] = x[i] - a1 * (y[i - 1] if i else 0.0) - a2 * (y[i - 2] if i > 1 else 0.0)
        x = y
    fade = np.minimum(1.0, np.minimum(np.arange(n), np.arange(n)[::-1]) / (0.02 * SR))
    return np.asarray(x / np.abs(x).max() * level * fade, dtype=np.float32)


def pdf_deck(path: Path, texts: list[str], *, font_pt: float = 24, password: str | None = None) -> Path:
    """A 16:9 PDF deck, one page per text (fpdf2, a test-only dependency)."""
    from fpdf import FPDF

    pdf = FPDF(orientation="L", unit="pt", format=(540, 960))
    if password:
        pdf.set_encryption(owner_password=password, user_password=password)
    for i, text in enumerate(texts):
        pdf.add_page()
        pdf.set_fill_color(*[(40 + 53 * i) % 200 + 30, (90 + 31 * i) % 200 + 30, (150 + 71 * i) % 200 + 30])
        pdf.rect(0, 0, 960, 90, style="F")  # a band of its own colour, so that pages differ as pictures too
        pdf.set_xy(40, 120)
        pdf.set_font("Helvetica", size=font_pt)
        pdf.multi_cell(880, font_pt * 1.2, text.encode("latin-1", "replace").decode("latin-1"))
    pdf.output(str(path))
    return path


def pptx_deck(path: Path, slides: list[tuple[str, str, str]], *, font_pt: float = 24) -> Path:
    """A PPTX deck: (title, body, notes) per slide; the body's runs at ``font_pt`` (python-pptx)."""
    from pptx import Presentation
    from pptx.util import Pt

    prs = Presentation()
    for title, body, notes in slides:
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        slide.shapes.title.text = title
        frame = slide.placeholders[1].text_frame
        frame.text = body
        for para in frame.paragraphs:
            for run in para.runs:
                run.font.size = Pt(font_pt)
        if notes:
            slide.notes_slide.notes_text_frame.text = notes
    prs.save(str(path))
    return path


def slides_video(
    path: Path,
    pages: list[np.ndarray],
    changes: list[float],
    seconds: float,
    fps: int = 25,
    audio: np.ndarray | None = None,
) -> Path:
    """A screen recording: ``pages[i]`` (RGB) from ``changes[i]`` seconds on, H.264, with ``audio`` (16 kHz, AAC)
    as its sound when given."""
    h, w = pages[0].shape[:2]
    w, h = w - w % 2, h - h % 2
    with av.open(str(path), "w") as out:
        vs = out.add_stream("libx264", rate=fps)
        vs.width, vs.height, vs.pix_fmt = w, h, "yuv420p"
        if audio is not None:
            sound = out.add_stream("aac", rate=SR)
            sound.layout = "mono"
            step = sound.codec_context.frame_size or 1024
            for i in range(0, len(audio), step):
                chunk = np.pad(audio[i : i + step].astype(np.float32), (0, max(0, step - len(audio[i : i + step]))))
                frame = av.AudioFrame.from_ndarray(chunk.reshape(1, -1), format="flt", layout="mono")
                frame.sample_rate, frame.pts, frame.time_base = SR, i, Fraction(1, SR)
                for pkt in sound.encode(frame):
                    out.mux(pkt)
            for pkt in sound.encode():
                out.mux(pkt)
        for k in range(int(seconds * fps)):
            t = k / fps
            i = max(j for j, c in enumerate(changes) if c <= t + 1e-9)
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(pages[i][:h, :w]), format="rgb24")
            for pkt in vs.encode(frame):
                out.mux(pkt)
        for pkt in vs.encode():
            out.mux(pkt)
    return path
