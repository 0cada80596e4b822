"""Which slide was up when: from the video, from a timing file, or from the words alone.

Each source returns ``[(slide number, start s), ...]`` in time order; a slide
shown twice appears twice, a skipped slide not at all.

* **video** (a screen recording, or a talk filmed with its slides): frames four
  times a second, made small and grey, each compared with every page rendered
  from the deck (correlation of 64x36 thumbnails); a page counts when it
  matches at r >= 0.8 for half a second running. Keyframes are looked at first,
  so a video that never shows the deck costs a few decoded frames, not a pass.
* **file**: one start time per line (``75``, ``1:15``, ``0:01:15.5``), in slide
  order, or ``slide,time`` pairs (comma, tab or spaces) in any order; or a
  PowerPoint deck whose timings were rehearsed (Slide Show > Rehearse Timings
  keeps each slide's time in the .pptx itself, as its transition's "advance
  after"): the slides start one after another at those times.
* **speech**: the transcript's words aligned to the slides' words in order: a
  Viterbi path over the slides that may stay on a slide or move forward (never
  back), paying for each move and more for each slide it skips, and earning,
  for each content word said, its inverse document frequency over the deck when
  the slide holds it. The confidence is the share of shown slides whose stretch
  holds at least two words found on that slide alone.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..types import Deck

__all__ = ["from_file", "from_speech", "from_video", "parse_time"]

Times = list[tuple[int, float]]

_FPS = 4.0
_THUMB = (64, 36)
_MATCH_R = 0.8
_STABLE = 2  # samples (0.5 s at 4 a second) a page must hold to count as shown


def parse_time(text: str) -> float:
    """``75``, ``1:15``, ``0:01:15.5`` -> seconds (ValueError otherwise)."""
    parts = text.strip().split(":")
    if not 1 <= len(parts) <= 3 or any(not re.fullmatch(r"\d+(\.\d+)?", p) for p in parts):
        raise ValueError(text)
    seconds = 0.0
    for p in parts:
        seconds = seconds * 60 + float(p)
    return seconds


def from_file(path: str | os.PathLike[str], n_slides: int, duration_s: float) -> Times:
    """Read a timing file (see the module docstring).

    Raises:
        InputError: unreadable, a bad line (named), a slide the deck lacks, or times past the recording's end.
    """
    p = Path(path)
    if p.suffix.lower() == ".pptx" and p.is_file():
        return _rehearsed(p, n_slides, duration_s)
    try:
        lines = p.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{p}: cannot read the slide times ({getattr(e, 'strerror', None) or e})", p) from None
    out: Times = []
    for i, line in enumerate(lines, 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        fields = [f for f in re.split(r"[,\t ]+", line) if f]
        try:
            if len(fields) == 1:
                slide, t = len(out) + 1, parse_time(fields[0])
            elif len(fields) == 2:
                slide, t = int(fields[0]), parse_time(fields[1])
            else:
                raise ValueError(line)
        except ValueError:
            raise InputError(f"{p}: line {i}: {line!r} is not a start time (75, 1:15) or 'slide, time'", p) from None
        if not 1 <= slide <= n_slides:
            raise InputError(f"{p}: line {i}: slide {slide}, but the deck has {n_slides}", p)
        if t > duration_s + 1:
            raise InputError(f"{p}: line {i}: {t:g} s is past the end of the recording ({duration_s:.0f} s)", p)
        out.append((slide, t))
    if not out:
        raise InputError(f"{p}: holds no slide times", p)
    return sorted(out, key=lambda x: x[1])


def _rehearsed(p: Path, n_slides: int, duration_s: float) -> Times:
    """Start times from a deck's rehearsed timings (each slide's transition ``advTm``, in milliseconds)."""
    try:
        from pptx import Presentation

        prs = Presentation(str(p))
    except Exception as e:  # python-pptx raises several kinds for a file that is not a deck
        raise InputError(f"{p}: cannot read the rehearsed timings ({type(e).__name__})", p) from None
    out: Times = []
    t = 0.0
    for i, slide in enumerate(prs.slides, 1):
        if i > n_slides:
            break
        advance = [x.get("advTm") for x in slide._element.iter() if str(x.tag).endswith("}transition")]
        ms = next((a for a in advance if a is not None), None)
        if ms is None:
            if i < len(prs.slides):
                raise InputError(f"{p}: slide {i} has no rehearsed time (Slide Show > Rehearse Timings)", p)
            out.append((i, t))  # the last slide stays up to the end
            break
        if t <= duration_s + 1:
            out.append((i, t))
        t += int(ms) / 1000
    if not out:
        raise InputError(f"{p}: holds no rehearsed timings (Slide Show > Rehearse Timings)", p)
    return out


def _thumbs(pages: Sequence[np.ndarray]) -> np.ndarray:
    from PIL import Image

    out = []
    for rgb in pages:
        g = np.asarray(Image.fromarray(rgb).convert("L").resize(_THUMB, Image.Resampling.BILINEAR), np.float32)
        out.append(_standardise(g))
    return np.stack(out)


def _standardise(g: np.ndarray) -> np.ndarray:
    v = g.reshape(-1).astype(np.float32)
    v = v - v.mean()
    n = float(np.linalg.norm(v))
    out: np.ndarray = v / n if n > 1e-6 else v
    return out


def _match(frame_thumb: np.ndarray, pages: np.ndarray) -> tuple[int, float]:
    r = pages @ frame_thumb
    best = int(np.argmax(r))
    return best, float(r[best])


def from_video(path: str | os.PathLike[str], pages: Sequence[np.ndarray]) -> Times | None:
    """Slide changes seen in the video, or ``None`` when the video does not show the deck."""
    import av

    thumbs = _thumbs(pages)
    with av.open(str(path)) as c:
        if not c.streams.video:
            return None
        v = c.streams.video[0]
        v.codec_context.skip_frame = "NONKEY"  # a look at the keyframes first: cheap
        seen = [_match(_frame_thumb(f), thumbs)[1] for f in c.decode(v)]
    if not seen or np.mean(np.array(seen) >= _MATCH_R) < 0.5:
        return None
    samples: list[tuple[float, int | None]] = []
    with av.open(str(path)) as c:
        v = c.streams.video[0]
        v.thread_type = "AUTO"
        next_t = 0.0
        for f in c.decode(v):
            if f.time is None or f.time + 1e-6 < next_t:
                continue
            next_t = f.time + 1 / _FPS
            best, r = _match(_frame_thumb(f), thumbs)
            samples.append((float(f.time), best + 1 if r >= _MATCH_R else None))
    out: Times = []
    run_page: int | None = None
    run_start, run_n = 0.0, 0
    for t, shown in samples:
        if shown is not None and shown == run_page:
            run_n += 1
        else:
            run_page, run_start, run_n = shown, t, 1
        if run_page is not None and run_n == _STABLE and (not out or out[-1][0] != run_page):
            out.append((run_page, run_start))
    if out:
        out[0] = (out[0][0], 0.0) if out[0][1] < 1.0 else out[0]
    return out or None


def _frame_thumb(frame: object) -> np.ndarray:
    g = frame.reformat(width=_THUMB[0], height=_THUMB[1], format="gray").to_ndarray()  # type: ignore[attr-defined]
    return _standardise(np.asarray(g, np.float32))


def from_speech(
    tokens: Sequence[tuple[str, float]], slide_words: Sequence[set[str]], deck: Deck
) -> tuple[Times, float]:
    """Align content words said (token, start time) to the slides in order; returns the times and a confidence."""
    n = len(slide_words)
    if not tokens or n == 0:
        return [(1, 0.0)], 0.0
    df: dict[str, int] = {}
    for ws in slide_words:
        for w in ws:
            df[w] = df.get(w, 0) + 1
    move, skip = 2.0, 2.0
    idx = np.arange(n)
    score = -skip * idx.astype(float)  # starting past slide 1 skips the ones before
    back = np.zeros((len(tokens), n), dtype=np.int32)
    for k, (tok, _) in enumerate(tokens):
        gain = np.array([math.log(1 + n / df[tok]) if tok in ws else 0.0 for ws in slide_words])
        if k > 0:
            # best earlier slide to come from: max over s' < s of score[s'] + skip*s', less move and the skips
            lifted = score + skip * idx
            run = np.maximum.accumulate(lifted)
            prev_best = np.concatenate([[-np.inf], run[:-1]])
            prev_arg = np.concatenate([[0], _argmax_accumulate(lifted)[:-1]])
            come = prev_best - move - skip * (idx - 1)
            stay = score
            take = come > stay
            back[k] = np.where(take, prev_arg, idx)
            score = np.where(take, come, stay)
        score = score + gain
    path = np.zeros(len(tokens), dtype=np.int64)
    path[-1] = int(np.argmax(score))
    for k in range(len(tokens) - 1, 0, -1):
        path[k - 1] = back[k, path[k]]
    times: Times = []
    for k, s in enumerate(path.tolist()):
        if not times or times[-1][0] != s + 1:
            times.append((s + 1, 0.0 if not times else tokens[k][1]))
    shown = {s for s, _ in times}
    distinct = [0] * n
    for k, (tok, _) in enumerate(tokens):
        s = int(path[k])
        if tok in slide_words[s] and df.get(tok) == 1:
            distinct[s] += 1
    confidence = sum(1 for s in shown if distinct[s - 1] >= 2) / len(shown)
    return times, round(confidence, 2)


def _argmax_accumulate(x: np.ndarray) -> np.ndarray:
    out = np.zeros(len(x), dtype=np.int64)
    best = 0
    for i in range(len(x)):
        if x[i] > x[best]:
            best = i
        out[i] = best
    return out
