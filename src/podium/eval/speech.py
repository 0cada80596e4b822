"""``podium eval speech DIR``: word error rate and filler accuracy on a folder.

Layout (as in ``shared/samples/speech_clean`` and ``speech_disfluent``): each
recording ``NAME.ext`` has its reference transcript in ``NAME.txt``. Fillers
in the reference are counted per file by kind: from ``fillers.csv`` when the
folder has one (columns ``n_um``, ``n_uh``, ``n_hm``, ``n_er_filler``,
``n_yknow`` + ``n_you_know``, ``n_like_as_filler``), otherwise from the
non-lexical fillers written in the reference ("um", "uh", "hmm"; "er" and "erm" are the British spellings of "uh"
and "um" and count as those).

Fillers are scored as timed events when a recording has filler times
(``NAME.fillers.tsv``: start, end, word per line after a header; or a
``NAME.TextGrid`` whose word tier marks them): a detection within 1 s of a
reference filler of its kind (overlap or gap; the references' automatic
alignments are that loose) is a hit, each matched once (``podium.eval.events``).
Fillers the reference counts but does not time (a TextGrid that leaves one
out) are matched by count to the detections left over; a recording with no
times is matched by count per file and kind (true positives =
``min(found, reference)``).
"""

from __future__ import annotations

import csv
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .. import fillers, media, speech
from ..errors import InputError, ParameterError
from ..options import AnalysisOptions
from ..types import Audio, Word
from . import textgrid
from .events import UNTIMED, Event, Matches, match_partly_timed, times_fit
from .text import WerResult, normalize, wer

log = logging.getLogger(__name__)

__all__ = ["MEDIA_SUFFIXES", "FileResult", "SpeechEval", "evaluate", "filler_table", "reference_fillers"]

MEDIA_SUFFIXES = {
    ".wav",
    ".flac",
    ".mp3",
    ".m4a",
    ".ogg",
    ".opus",
    ".mp4",
    ".mov",
    ".mkv",
    ".webm",
    ".avi",
    ".mpg",
    ".mpeg",
}
_CSV_KINDS = {
    "um": ("n_um",),
    "uh": ("n_uh", "n_er_filler"),  # "er" is the British spelling of "uh" (``podium.fillers.NON_LEXICAL``)
    "hm": ("n_hm",),
    "you know": ("n_yknow", "n_you_know"),
    "like": ("n_like_as_filler",),
}
UM_UH = ("um", "uh")
FILLED_PAUSES = tuple(sorted(set(fillers.NON_LEXICAL.values())))  # um, uh (er), hm: fillers that are never words
TOLERANCE_S = 1.0


@dataclass(frozen=True)
class FileResult:
    """One recording's scores."""

    name: str
    reference: str
    hypothesis: str
    wer: WerResult
    ref_fillers: dict[str, int]
    hyp_fillers: dict[str, int]
    events: Matches | None = None  # when the reference times its fillers

    def tally(self, kind: str) -> tuple[int, int, int]:
        """(hits, false alarms, misses) of one kind: by time when timed, else by count."""
        if self.events is not None and kind in FILLED_PAUSES:
            s = self.events.scores(kind)
            return int(s["tp"]), int(s["fp"]), int(s["fn"])
        ref, hyp = self.ref_fillers.get(kind, 0), self.hyp_fillers.get(kind, 0)
        return min(ref, hyp), max(0, hyp - ref), max(0, ref - hyp)


@dataclass(frozen=True)
class SpeechEval:
    """A folder's scores."""

    files: list[FileResult] = field(default_factory=list)
    tolerance_s: float = TOLERANCE_S  # how far from a timed reference filler a detection may lie and still be a hit

    @property
    def wer(self) -> float:
        errors = sum(f.wer.errors for f in self.files)
        words = sum(f.wer.ref_words for f in self.files)
        return errors / words if words else 0.0

    def filler_scores(self, kinds: tuple[str, ...] | None = None) -> dict[str, float]:
        """Precision, recall and F1 over ``kinds`` together (all kinds when ``None``)."""
        tp = fp = fn = 0
        for f in self.files:
            ks = kinds or tuple(set(f.ref_fillers) | set(f.hyp_fillers))
            for k in ks:
                hit, fa, miss = f.tally(k)
                tp += hit
                fp += fa
                fn += miss
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": p, "recall": r, "f1": f1, "tp": tp, "fp": fp, "fn": fn}

    def kinds(self) -> list[str]:
        ks: set[str] = set()
        for f in self.files:
            ks |= set(f.ref_fillers) | set(f.hyp_fillers)
        return sorted(ks)

    def to_dict(self) -> dict[str, object]:
        return {
            "wer": self.wer,
            "tolerance_s": self.tolerance_s,
            "files": [
                {
                    "name": f.name,
                    "wer": f.wer.wer,
                    "errors": f.wer.errors,
                    "ref_words": f.wer.ref_words,
                    "reference": f.reference,
                    "hypothesis": f.hypothesis,
                    "ref_fillers": f.ref_fillers,
                    "hyp_fillers": f.hyp_fillers,
                    **(
                        {
                            # a filler the reference counts but does not time: [kind, null, null]
                            "filler_misses": [
                                [e.kind, *((None, None) if e.start == UNTIMED else (e.start, e.end))]
                                for _, e in f.events.misses
                            ],
                            "filler_false_alarms": [[e.kind, e.start, e.end] for _, e in f.events.false_alarms],
                        }
                        if f.events is not None
                        else {}
                    ),
                }
                for f in self.files
            ],
            "fillers": {
                "um+uh": self.filler_scores(UM_UH),
                "um/uh/hm": self.filler_scores(FILLED_PAUSES),
                "all": self.filler_scores(),
                **{k: self.filler_scores((k,)) for k in self.kinds()},
            },
        }


def evaluate(
    folder: str | Path,
    options: AnalysisOptions | None = None,
    on_file: Callable[[FileResult], None] | None = None,
    words_of: Callable[[Audio], Sequence[Word]] | None = None,
    tolerance_s: float = TOLERANCE_S,
) -> SpeechEval:
    """Transcribe every recording in ``folder`` that has a ``NAME.txt`` and score it.

    ``words_of`` scores another recogniser the same way (its words, fillers marked as ``podium.fillers.mark`` marks
    them); Podium's own transcript when ``None``. A detected filler overlapping a timed reference filler, or within
    ``tolerance_s`` of it, is a hit (``TOLERANCE_S``: forced alignments are that loose).

    Raises:
        InputError: the folder is missing or holds no recording with a reference.
        ParameterError: ``tolerance_s`` is negative or not a number.
    """
    if not tolerance_s >= 0:
        raise ParameterError(f"tolerance_s={tolerance_s!r}: must be 0 or more (seconds)")
    options = options or AnalysisOptions()
    root = Path(folder)
    if not root.is_dir():
        raise InputError(f"{root}: not a folder", root)
    pairs = [
        (p, p.with_suffix(".txt"))
        for p in sorted(root.iterdir())
        if p.suffix.lower() in MEDIA_SUFFIXES and p.with_suffix(".txt").is_file()
    ]
    if not pairs:
        raise InputError(f"{root}: no recording with a NAME.txt reference next to it", root)
    table = filler_table(root / "fillers.csv")
    result = SpeechEval(tolerance_s=tolerance_s)
    for audio_path, ref_path in pairs:
        rec = media.load(audio_path, options.media)
        if rec.audio is None:
            raise InputError(f"{audio_path}: no audio stream to evaluate", audio_path)
        words = speech.transcribe(rec.audio, options.speech).words if words_of is None else words_of(rec.audio)
        reference = ref_path.read_text(encoding="utf-8").strip()
        hyp_text = " ".join(w.text for w in words)
        ref_fillers, timed = reference_fillers(audio_path, reference, table)
        events = None
        if timed is not None:
            found = [Event(w.filler_kind or "", w.start, w.end) for w in words if _non_lexical(w.filler_kind)]
            events = match_partly_timed(audio_path.name, timed, found, _counted(ref_fillers), tolerance_s=tolerance_s)
        fr = FileResult(
            name=audio_path.name,
            reference=reference,
            hypothesis=hyp_text,
            wer=wer(normalize(reference), normalize(hyp_text)),
            ref_fillers=ref_fillers,
            hyp_fillers=dict(fillers.count(words)),
            events=events,
        )
        result.files.append(fr)
        if on_file is not None:
            on_file(fr)
    return result


def reference_fillers(
    media_path: Path, reference: str, table: dict[str, dict[str, int]]
) -> tuple[dict[str, int], list[Event] | None]:
    """A recording's reference fillers: counts by kind (from ``table``, the folder's fillers.csv, else from the
    reference text), and the times a timed reference gives, which may be fewer than the counts (mfa_acoustic_corpus's
    TextGrid omits an "uh"; see ``podium.eval.events.match_partly_timed``). ``None`` when there are no times, or more
    of a kind are timed than counted (the two references disagree: counted only)."""
    counts = table.get(media_path.name)
    if counts is None:
        kinds = (fillers.NON_LEXICAL.get(t) for t in normalize(reference))
        counts = dict(Counter(k for k in kinds if k is not None))
    counts = {k: v for k, v in counts.items() if v}
    timed = _timed_fillers(media_path)
    if timed is not None and not times_fit(timed, counts):
        log.warning("%s: its timed reference marks more fillers than its text counts; scored by count", media_path.name)
        timed = None
    return counts, timed


def _counted(counts: dict[str, int]) -> dict[str, int]:
    """The non-lexical kinds of ``counts`` (the ones scored as events)."""
    return {k: v for k, v in counts.items() if _non_lexical(k)}


def filler_table(path: Path) -> dict[str, dict[str, int]]:
    """Filler counts by file and kind from a fillers.csv (empty when there is none)."""
    if not path.is_file():
        return {}
    out: dict[str, dict[str, int]] = {}
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out[row["file"]] = {k: sum(int(row.get(c) or 0) for c in cols) for k, cols in _CSV_KINDS.items()}
    return out


def _non_lexical(kind: str | None) -> bool:
    return kind is not None and kind in FILLED_PAUSES


def _timed_fillers(media_path: Path) -> list[Event] | None:
    """Filler times from ``NAME.fillers.tsv`` or ``NAME.TextGrid``, or ``None`` when there are none."""
    tsv = media_path.with_name(media_path.stem + ".fillers.tsv")
    if tsv.is_file():
        return _filler_events(_timed_rows(tsv))
    grid = media_path.with_suffix(".TextGrid")
    if grid.is_file():
        try:
            return _filler_events(textgrid.words(grid))
        except ValueError as e:  # no word tier, or not a TextGrid Praat writes as text: no times
            log.warning("%s: no word times read (%s); its fillers are scored by count", grid.name, e)
            return None
    return None


def _timed_rows(path: Path) -> list[tuple[float, float, str]]:
    """``(start, end, word)`` rows of a filler table: a header, then a row per filler, separated by tabs (or by
    commas, as a spreadsheet saves them); the columns by the header's names (start, end, and word, label or text)
    or else in that order. Rows that give no times are left out and named in a warning."""
    lines = [line for line in path.read_text(encoding="utf-8-sig").splitlines() if line.strip()]
    if not lines:
        return []
    sep = "\t" if "\t" in lines[0] else ","
    header = [h.strip().lower() for h in lines[0].split(sep)]
    label = next((header.index(h) for h in ("word", "label", "text") if h in header), 2)
    cols = (header.index("start") if "start" in header else 0, header.index("end") if "end" in header else 1, label)
    out, bad = [], []
    for n, line in enumerate(lines[1:], 2):
        r = [c.strip() for c in line.split(sep)]
        try:
            out.append((float(r[cols[0]]), float(r[cols[1]]), r[cols[2]]))
        except (IndexError, ValueError):
            bad.append(n)
    if bad:
        log.warning("%s: lines %s give no start, end and word; left out", path.name, ", ".join(map(str, bad)))
    return out


#: A filler a reference times shorter than this is a forced aligner's placeholder, not a sound: the aligner gives a
#: word it cannot place one 10 ms frame (cold_corpus's TextGrid has an "uh" at 7.01-7.02 s beside the one said at
#: 7.31-7.86 s, one more than its text has). The quickest "uh"s said here last 0.13 s.
_MIN_TIMED_S = 0.03


def _filler_events(words: Iterable[tuple[float, float, str]]) -> list[Event]:
    """The non-lexical fillers among timed words, as events of their kind (placeholders left out: ``_MIN_TIMED_S``)."""
    out = []
    for a, b, word in words:
        kind = fillers.NON_LEXICAL.get(fillers.normalize(word))
        if kind is not None and b - a >= _MIN_TIMED_S:
            out.append(Event(kind, a, b))
    return out
