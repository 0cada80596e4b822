"""Does the recogniser's own likelihood say where a filler was said? (measured and not adopted; docs/how-it-works.md)

For every boundary between two recognised words of a recording (tiny.en, plain decode), Whisper scores the transcript
with ", uh," and with ", um," inserted there against the transcript as written (the sum of the token log
probabilities from ``ctranslate2``'s ``Whisper.align``, one encoder pass per recording). If the recogniser heard a
filler it did not write, the boundary where it sits should score higher than the boundaries where none was said.
Boundaries within 0.3 s of a spliced filler are the positives; every other boundary of the spliced clips and of the
hard negatives is a negative.

    python bench/filler_likelihood.py --samples ../shared/samples --out bench/results/filler-likelihood.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fillers_bench import plain_model, plain_words
from speech_bench import machine

from podium.eval import devset
from podium.types import Word

SR = 16000


class Scorer:
    def __init__(self) -> None:
        from faster_whisper.tokenizer import Tokenizer

        self.model = plain_model()
        self.tokenizer = Tokenizer(self.model.hf_tokenizer, False, task="transcribe", language="en")

    def words(self, x: np.ndarray) -> list[Word]:
        """The recording's words as the plain peer of ``fillers_bench`` decodes them."""
        return plain_words(self.model, x)

    def gains(self, x: np.ndarray, words: Sequence[Word]) -> np.ndarray:
        """Log-likelihood gained by a filler at each boundary (before word k, k = 0..n), the better of uh and um."""
        import ctranslate2

        x = x.astype(np.float32)[: 30 * SR]
        feats = self.model.feature_extractor(x)
        frames = min(3000, feats.shape[-1])
        padded = np.zeros((feats.shape[0], 3000), np.float32)
        padded[:, :frames] = feats[:, :frames]
        encoded = np.array(self.model.model.encode(ctranslate2.StorageView.from_array(padded[None]), to_cpu=True))
        texts = [w.text for w in words]

        def tokens(ws: list[str]) -> list[int]:
            return list(self.tokenizer.encode(" " + " ".join(ws)))

        variants = [tokens(texts)] + [
            tokens([*texts[:k], f, *texts[k:]]) for k in range(len(texts) + 1) for f in ("uh,", "um,")
        ]
        batch = ctranslate2.StorageView.from_array(np.repeat(encoded, len(variants), axis=0))
        results = self.model.model.align(batch, self.tokenizer.sot_sequence, variants, frames)
        logp = np.array([np.log(np.maximum(r.text_token_probs, 1e-12)).sum() for r in results])
        out: np.ndarray = (logp[1:] - logp[0]).reshape(len(texts) + 1, 2).max(axis=1)
        return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--samples", default="../shared/samples", type=Path)
    ap.add_argument("--out", type=Path, default=Path("bench/results/filler-likelihood.json"))
    args = ap.parse_args()
    scorer = Scorer()
    t0 = time.perf_counter()
    clips = devset.spliced(args.samples, scorer.words) + devset.negatives(args.samples, scorer.words)
    positives: list[dict[str, object]] = []
    negatives: list[float] = []
    for c in clips:
        words = scorer.words(c.samples)
        gain = scorer.gains(c.samples, words)
        # boundary k spans from the end of word k-1 to the start of word k
        spans = [
            (words[k - 1].end if k else 0.0, words[k].start if k < len(words) else len(c.samples) / SR)
            for k in range(len(words) + 1)
        ]
        near_any: set[int] = set()
        for e in c.fillers:
            near = [k for k, (a, b) in enumerate(spans) if a - 0.3 <= e.end and b + 0.3 >= e.start]
            near_any.update(near)
            best = max((float(gain[k]) for k in near), default=float("-inf"))
            positives.append({"clip": c.name, "kind": e.kind, "seconds": round(e.end - e.start, 2), "gain": best})
        negatives += [float(g) for k, g in enumerate(gain) if k not in near_any]
    pos = np.array([float(p["gain"]) for p in positives])  # type: ignore[arg-type]
    neg = np.array(negatives)
    rows = [
        {"threshold": thr, "recall": float((pos > thr).mean()), "false_alarms": int((neg > thr).sum())}
        for thr in np.percentile(neg, [90, 99, 99.9, 100])
    ]
    result = {
        "machine": machine(),
        "seconds": time.perf_counter() - t0,
        "positives": len(pos),
        "negatives": len(neg),
        "positive_percentiles_10_50_90": np.percentile(pos, [10, 50, 90]).round(2).tolist(),
        "negative_percentiles_50_90_99": np.percentile(neg, [50, 90, 99]).round(2).tolist(),
        "at_thresholds": rows,
        "by_filler": sorted(positives, key=lambda p: float(p["gain"])),  # type: ignore[arg-type]
    }
    for r in rows:
        print(f"gain > {r['threshold']:.2f}: recall {r['recall']:.2f}, {r['false_alarms']} false alarms of {len(neg)}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
