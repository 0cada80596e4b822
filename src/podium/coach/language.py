"""Language: hedges, restarts, sensitive phrases, profanity, long sentences, undercutting openings, readability.

Its thresholds are the ``[language]`` section, which the language stage reads too
(:class:`podium.config.LanguageRules`).
"""

from __future__ import annotations

from collections import Counter

from ..config import LanguageRules
from ..types import Finding, Language, Score
from .base import Dimension, Evidence, Moments, clamp, clock, clusters, plural, short_of_aim

__all__ = ["LANGUAGE"]

TIPS = (
    "say it plainly; if you are unsure, say of what and why, once.",
    "drop 'just', 'maybe' and 'I think' here: your point is stronger without them.",
)
_WHAT = {
    "repetition": "repeated",
    "sensitive": "sensitive phrase",
    "profanity": "profanity",
    "long_sentence": "long sentence",
    "undercut_opening": "weak opening",
    "undercut_closing": "weak closing",
}


def _evidence(f: Finding) -> str:
    text = f.text if len(f.text) <= 80 else f.text[:77] + "..."
    detail = f" ({f.note})" if f.note and f.kind in ("long_sentence", "sensitive") else ""
    return f"{_WHAT.get(f.kind, f.kind)} at {clock(f.start)}: \u201c{text}\u201d{detail}"


def _moments(lang: Language, th: LanguageRules, moments: Moments) -> None:
    hedge_times = [(f.start, f.end, f.text) for f in lang.hedges]
    for group in clusters(hedge_times, th.hedge_cluster_min, th.hedge_cluster_window_s):
        said = ", ".join(sorted({t.lower().strip(",.?!") for _, _, t in group}))
        evidence = f"{len(group)} hedges ({said}) between {clock(group[0][0])} and {clock(group[-1][1])}"
        moments.add(group[0][0], group[-1][1], "hedges", "language", "minor", evidence, tips=TIPS)
    for f in (*lang.repetitions, *lang.sensitive, *lang.profanity, *lang.long_sentences, *lang.undercuts):
        severity = "major" if f.kind == "profanity" else "minor"
        moments.add(f.start, f.end, f.kind, "language", severity, _evidence(f), f.suggestion)


def _assess(ev: Evidence, th: LanguageRules, moments: Moments) -> Score:
    assert ev.language is not None and ev.voice is not None
    lang = ev.language
    target = f"few hedges, no restarts, sentences under {th.long_sentence_words} words"
    _moments(lang, th, moments)
    if not ev.enough or lang.skipped_reason:
        why = "Record a longer stretch to score language."
        return Score("language", None, "", "–", target, ev.basis, why, lang.skipped_reason or ev.short)
    hedge_rate = len(lang.hedges) / max(ev.voice.speaking_time_s / 60, 1e-6)
    hard = lang.flesch_reading_ease is not None and lang.flesch_reading_ease < th.hard_reading_ease
    score = 100.0 - max(0.0, hedge_rate - th.hedges_ok_per_min) * th.hedge_penalty
    for items, penalty in (
        (lang.repetitions, th.repetition_penalty),
        (lang.sensitive, th.sensitive_penalty),
        (lang.profanity, th.profanity_penalty),
        (lang.long_sentences, th.long_sentence_penalty),
        (lang.undercuts, th.undercut_penalty),
    ):
        score -= len(items) * penalty
    score -= th.hard_reading_penalty if hard else 0
    parts = [f"{plural(len(lang.hedges), 'hedge')} ({hedge_rate:.1f}/min)", plural(len(lang.repetitions), "restart")]
    for label, items in (
        ("sensitive phrase", lang.sensitive),
        ("profanity", lang.profanity),
        ("long sentence", lang.long_sentences),
        ("weak opening or closing", lang.undercuts),
    ):
        if items:
            parts.append(plural(len(items), label))
    if lang.flesch_reading_ease is not None:
        parts.append(f"reading ease {min(100.0, max(0.0, lang.flesch_reading_ease)):.0f}")  # on its 0-100 scale
    if lang.sensitive or hedge_rate > th.hedges_ok_per_min:
        score = short_of_aim(score, ev)  # the tip below asks for a change
    if lang.sensitive:
        first = lang.sensitive[0]
        tip = f"Swap '{first.text}' for words everyone hears as meant for them. {first.suggestion}."
    elif hedge_rate > th.hedges_ok_per_min:
        common = Counter(f.text.lower().strip(",.?!") for f in lang.hedges).most_common(3)
        tip = "Cut the hedges (" + ", ".join(f"'{t}' ×{n}" for t, n in common) + "): say your point as a point."
    elif lang.repetitions:
        tip = "When you restart a phrase, pause instead and say it once."
    elif hard or lang.long_sentences:
        tip = "Use shorter sentences: one idea each, easier to follow by ear."
    else:
        tip = "Your wording is direct; keep sentences short and concrete."
    return Score("language", clamp(score), "", ", ".join(parts), target, ev.basis, tip)


LANGUAGE = Dimension("language", "Language", "speech", LanguageRules, _assess)
