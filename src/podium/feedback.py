"""The coach: scores, moments and priorities from the measurements.

``assess(transcript, voice, language, face=None, config)`` scores each
dimension 0-100 against the thresholds in ``data/coach.toml`` (each with its
source), marks the moments worth revisiting (start, end, evidence, one thing
to try), and leads with two or three priorities ranked by impact, plus real
strengths. A dimension with too little evidence is unscored, never guessed.
Wording is plain and varied, and the same input always gives the same text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from .config import CoachConfig
from .fillers import is_non_lexical, occurrences
from .types import Feedback, Finding, Language, Moment, Score, Transcript, Voice, Word

__all__ = ["DIMENSION_TITLES", "assess", "assess_face", "clock"]

#: display names of the dimensions
DIMENSION_TITLES = _TITLES = {
    "pace": "Pace",
    "fillers": "Fillers",
    "pauses": "Pauses",
    "vocal_variety": "Vocal variety",
    "language": "Language",
    "eye_contact": "Eye contact",
    "expression": "Expression",
    "framing": "Framing",
}

_TIPS: dict[str, tuple[str, ...]] = {
    "filler_cluster": (
        "try a silent pause instead: silence sounds confident, fillers sound unsure.",
        "when you feel an 'um' coming, close your mouth and breathe; the pause will carry you.",
        "rehearse this part until the next sentence is ready before you need it.",
    ),
    "hesitation": (
        "know where this sentence is going before you start it.",
        "rehearse the transition here so that the pause falls between sentences instead.",
    ),
    "long_pause": (
        "a pause this long can lose the room; if it was deliberate, say what you are doing ('let that sink in').",
        "keep pauses to one or two breaths unless you want a dramatic effect.",
    ),
    "rushed": (
        "slow down here: add a pause after each key point.",
        "breathe at each full stop; your listeners need time to catch up.",
    ),
    "dragging": (
        "pick up the pace here, or cut what you do not need.",
        "lift your energy here: shorter sentences and fewer pauses.",
    ),
    "monotone": (
        "vary your pitch: go up for questions and new ideas, down for conclusions.",
        "stress one key word per sentence; your voice will follow.",
    ),
    "quiet": (
        "project here: speak to the back row.",
        "keep your volume up to the end of each sentence.",
    ),
    "looking_down": (
        "look up from your notes: glance down, then deliver the sentence to the camera.",
        "put your notes at eye level, next to the camera.",
    ),
    "face_lost": (
        "stay in frame: mark your spot, or frame the camera wider.",
        "check your framing before you start; the audience lost your face here.",
    ),
    "too_dark": (
        "add light in front of you (a lamp or a window behind the camera).",
        "turn towards the light; your face is hard to see here.",
    ),
    "hedges": (
        "say it plainly; if you are unsure, say of what and why, once.",
        "drop 'just', 'maybe' and 'I think' here: your point is stronger without them.",
    ),
}


def clock(t: float) -> str:
    """Seconds as m:ss."""
    m, s = divmod(int(round(t)), 60)
    return f"{m}:{s:02d}"


def assess(
    transcript: Transcript,
    voice: Voice,
    language: Language,
    face: Any = None,
    config: CoachConfig | None = None,
) -> Feedback:
    """Score the talk and choose what to say (see the module docstring)."""
    cfg = config or CoachConfig.load()
    words = [w for w in transcript.words if not is_non_lexical(w)]
    speech_s = voice.speaking_time_s
    coverage: dict[str, Any] = {
        "speech_s": round(speech_s, 1),
        "words": len(words),
        "transcript_confidence": round(transcript.mean_confidence, 3) if transcript.mean_confidence else None,
        "video": "analysed" if face is not None else "not analysed",
    }
    conf = transcript.mean_confidence or 0.0
    coverage["low_confidence"] = conf < cfg("coverage.low_confidence")
    enough = speech_s >= cfg("coverage.min_speech_s") and len(words) >= cfg("coverage.min_words")
    basis = f"{speech_s / 60:.1f} min of speech, {len(words)} words" + (
        f", transcript confidence {conf:.2f}" + (" (low)" if coverage["low_confidence"] else "") if words else ""
    )
    short = (
        f"only {speech_s:.0f} s and {len(words)} words of speech; scores need at least "
        f"{cfg('coverage.min_speech_s')} s and {cfg('coverage.min_words')} words"
    )

    moments: list[Moment] = []
    scores = [
        _pace(voice, cfg, enough, basis, short, moments),
        _fillers(transcript.words, language, cfg, enough, basis, short, moments),
        _pauses(voice, cfg, enough, basis, short, moments),
        _vocal_variety(voice, cfg, enough, basis, short, moments),
        _language(language, speech_s, cfg, enough, basis, short, moments),
    ]
    if face is not None and getattr(face, "skipped_reason", None) != "no video":
        scores += _face(face, cfg, moments)
        coverage["face_visible"] = round(face.present_ratio, 3)
    return _feedback(scores, moments, coverage, cfg, voice, language)


def _feedback(
    scores: list[Score],
    moments: list[Moment],
    coverage: dict[str, Any],
    cfg: CoachConfig,
    voice: Voice | None,
    language: Language | None,
) -> Feedback:
    """Bands, the weighted overall score, priorities and strengths: the same for every kind of input."""
    scores = [replace(s, band=_band(s.score, cfg)) for s in scores]
    moments.sort(key=lambda m: (m.start, m.end, m.kind))
    weights = {s.dimension: cfg(f"weights.{s.dimension}") for s in scores}
    scored = [s for s in scores if s.score is not None]
    overall = (
        round(sum(s.score * weights[s.dimension] for s in scored) / sum(weights[s.dimension] for s in scored))
        if scored
        else None
    )
    return Feedback(
        overall=overall,
        scores=tuple(scores),
        moments=tuple(moments),
        priorities=tuple(_priorities(scores, moments, weights, cfg)),
        strengths=tuple(_strengths(scores, voice, language, cfg)),
        coverage=coverage,
    )


def assess_face(face: Any, config: CoachConfig | None = None) -> Feedback:
    """Feedback from the face alone (a video without sound)."""
    cfg = config or CoachConfig.load()
    moments: list[Moment] = []
    scores = _face(face, cfg, moments) if face is not None else []
    coverage = {
        "speech_s": 0.0,
        "words": 0,
        "transcript_confidence": None,
        "low_confidence": False,
        "video": "analysed" if face is not None else "not analysed",
        "face_visible": round(face.present_ratio, 3) if face is not None else None,
    }
    return _feedback(scores, moments, coverage, cfg, None, None)


def _band(score: int | None, cfg: CoachConfig) -> str:
    if score is None:
        return "unscored"
    if score >= cfg("scores.strength_from"):
        return "excellent"
    return "good" if score >= cfg("scores.flag_below") else "needs work"


def _clamp(x: float) -> int:
    return int(round(max(0.0, min(100.0, x))))


def _tip(kind: str, n: int) -> str:
    options = _TIPS[kind]
    return options[n % len(options)]


def _add(
    moments: list[Moment],
    start: float,
    end: float,
    kind: str,
    dim: str,
    severity: str,
    evidence: str,
    tip: str | None = None,
) -> None:
    n = sum(1 for m in moments if m.kind == kind)
    moments.append(
        Moment(round(start, 2), round(end, 2), kind, dim, severity, evidence, tip or _tip(kind, n).capitalize())
    )


def _pace(voice: Voice, cfg: CoachConfig, enough: bool, basis: str, short: str, moments: list[Moment]) -> Score:
    lo, hi = cfg("pace.min_wpm"), cfg("pace.max_wpm")
    target = f"{lo}-{hi} wpm (PowerPoint Speaker Coach, DESIGN.md section 4)"
    # sustained stretches out of range
    sustained = cfg("pace.sustained_s")
    for kind, out in (("rushed", lambda w: w.wpm > hi), ("dragging", lambda w: w.wpm < lo)):
        run: list[Any] = []
        for w in [*voice.pace_timeline, None]:
            if w is not None and out(w):
                run.append(w)
                continue
            if run and run[-1].end - run[0].start >= sustained and len(voice.pace_timeline) > 1:
                peak = max(run, key=lambda x: abs(x.wpm - (hi if kind == "rushed" else lo)))
                _add(
                    moments,
                    run[0].start,
                    run[-1].end,
                    kind,
                    "pace",
                    "major" if len(run) > 3 else "minor",
                    f"{peak.wpm:.0f} wpm between {clock(run[0].start)} and {clock(run[-1].end)} "
                    f"(recommended {lo}-{hi})",
                )
            run = []
    if not enough or voice.wpm is None:
        return Score("pace", None, "", "–", target, basis, "Record a longer stretch of the talk to score pace.", short)
    wpm = voice.wpm
    dist = max(0.0, lo - wpm, wpm - hi)
    score = _clamp(100 - 100 * dist / cfg("pace.zero_margin_wpm"))
    if wpm > hi:
        tip = f"Slow down to under {hi} wpm: pause after each key point and let it land."
    elif wpm < lo:
        tip = f"Speed up to {lo}+ wpm: tighten long sentences and keep pauses for emphasis."
    else:
        tip = "Your pace is in the comfortable range; vary it on purpose to mark what matters."
    return Score("pace", score, "", f"{wpm:.0f} wpm", target, basis, tip)


def _clusters(times: list[tuple[float, float, str]], min_n: int, window: float) -> list[list[tuple[float, float, str]]]:
    clusters: list[list[tuple[float, float, str]]] = []
    i = 0
    while i < len(times):
        j = i
        while j + 1 < len(times) and times[j + 1][0] - times[i][0] <= window:
            j += 1
        if j - i + 1 >= min_n:
            group = times[i : j + 1]
            if clusters and group[0][0] <= clusters[-1][-1][1]:
                clusters[-1] = sorted(set(clusters[-1]) | set(group))
            else:
                clusters.append(list(group))
            i = j + 1
        else:
            i += 1
    return clusters


def _fillers(
    words: Sequence[Word], lang: Language, cfg: CoachConfig, enough: bool, basis: str, short: str, moments: list[Moment]
) -> Score:
    exc, good, zero = cfg("fillers.excellent_ratio"), cfg("fillers.good_ratio"), cfg("fillers.zero_ratio")
    target = f"under {exc:.0%} of words excellent, {exc:.0%}-{good:.0%} good (DESIGN.md section 4)"
    times = occurrences(words)
    for group in _clusters(times, int(cfg("fillers.cluster_min")), cfg("fillers.cluster_window_s")):
        kinds = sorted({k for _, _, k in group})
        _add(
            moments,
            group[0][0],
            group[-1][1],
            "filler_cluster",
            "fillers",
            "major" if len(group) >= 2 * cfg("fillers.cluster_min") else "minor",
            f"{len(group)} fillers ({', '.join(kinds)}) between {clock(group[0][0])} and {clock(group[-1][1])}",
        )
    if not enough or lang.filler_ratio is None:
        return Score(
            "fillers",
            None,
            "",
            _n(lang.filler_count, "filler"),
            target,
            basis,
            "Record a longer stretch of the talk to score fillers.",
            short,
        )
    r = lang.filler_ratio
    if r <= exc:
        score = 90 + 10 * (1 - r / exc)
    elif r <= good:
        score = 70 + 20 * (good - r) / (good - exc)
    else:
        score = 70 * max(0.0, (zero - r) / (zero - good))
    by_kind = ", ".join(f"{k} {n}" for k, n in lang.fillers_by_kind.items())
    value = f"{_n(lang.filler_count, 'filler')}, {r:.1%} of words" + (f" ({by_kind})" if by_kind else "")
    tip = (
        "Replace each filler with a short silent pause; record yourself and count them in the first minute."
        if r > exc
        else "Fillers are rare; keep using silence to think."
    )
    return Score("fillers", _clamp(score), "", value, target, basis, tip)


def _pauses(voice: Voice, cfg: CoachConfig, enough: bool, basis: str, short: str, moments: list[Moment]) -> Score:
    hes_s, long_s = cfg("pauses.hesitation_s"), cfg("pauses.long_s")
    ok, bad = cfg("pauses.ok_per_min"), cfg("pauses.bad_per_min")
    target = (
        f"up to {ok:g} hesitation a minute; pauses at sentence ends are good (Podium's choice, DESIGN.md section 4)"
    )
    hesitations = [p for p in voice.pauses if p.position in ("mid", "filler") and p.duration >= hes_s]
    for p in voice.pauses:
        if p.duration >= long_s:
            where = {
                "sentence": "after a sentence",
                "phrase": "after a comma",
                "mid": "mid-sentence",
                "filler": "next to a filler",
            }[p.position]
            _add(
                moments,
                p.start,
                p.end,
                "long_pause",
                "pauses",
                "minor" if p.position == "sentence" else "major",
                f"{p.duration:.1f} s of silence {where} at {clock(p.start)}",
            )
        elif p in hesitations:
            _add(
                moments,
                p.start,
                p.end,
                "hesitation",
                "pauses",
                "minor",
                f"{p.duration:.1f} s pause {'mid-sentence' if p.position == 'mid' else 'next to a filler'} "
                f"at {clock(p.start)}",
            )
    if not enough:
        return Score(
            "pauses",
            None,
            "",
            _n(len(voice.pauses), "pause"),
            target,
            basis,
            "Record a longer stretch of the talk to score pauses.",
            short,
        )
    rate = len(hesitations) / max(voice.speaking_time_s / 60, 1e-6)
    if rate <= ok:
        score = 100.0
    else:
        score = 100 - 60 * (rate - ok) / (bad - ok)
    at_ends = sum(1 for p in voice.pauses if p.position in ("sentence", "phrase"))
    value = (
        f"{_n(len(hesitations), 'hesitation')} ({rate:.1f}/min), {_n(len(voice.long_pauses), 'long pause')}; "
        f"{at_ends} of {len(voice.pauses)} pauses at sentence or phrase ends"
    )
    tip = (
        "Move your pauses to the ends of sentences: a pause there sounds deliberate, mid-sentence it sounds lost."
        if rate > ok
        else "Your pauses fall where listeners expect them; keep it up."
    )
    return Score("pauses", _clamp(score), "", value, target, basis, tip)


def _vocal_variety(
    voice: Voice, cfg: CoachConfig, enough: bool, basis: str, short: str, moments: list[Moment]
) -> Score:
    good, flat = cfg("vocal_variety.good_st"), cfg("vocal_variety.flat_st")
    target = f"pitch spread of {good:g}+ semitones (readers measure 4.7-5.8 in Praat; DESIGN.md section 3)"
    for n, s in enumerate(voice.pitch.monotone_spans):
        _add(
            moments,
            s.start,
            s.end,
            "monotone",
            "vocal_variety",
            "minor",
            f"flat pitch from {clock(s.start)} to {clock(s.end)}",
            _tip("monotone", n).capitalize(),
        )
    for s in voice.loudness.quiet_spans:
        _add(
            moments,
            s.start,
            s.end,
            "quiet",
            "vocal_variety",
            "minor",
            f"voice drops well below your usual level from {clock(s.start)} to {clock(s.end)}",
        )
    p = voice.pitch
    voiced_s = p.voiced_ratio * voice.speaking_time_s
    min_voiced, penalty, flat_db = (
        cfg("coverage.min_voiced_s"),
        cfg("vocal_variety.monotone_penalty_per_10pct"),
        cfg("vocal_variety.flat_loudness_db"),
    )
    if not enough or p.variation_st is None or voiced_s < min_voiced:
        reason = short if not enough else f"only {voiced_s:.1f} s of voiced speech to measure pitch on"
        return Score(
            "vocal_variety", None, "", "–", target, basis, "Record a longer stretch to score vocal variety.", reason
        )
    st = p.variation_st
    score = 20 + 80 * min(1.0, max(0.0, (st - flat) / (good - flat)))
    mono = sum(s.end - s.start for s in p.monotone_spans) / max(voice.speaking_time_s, 1e-6)
    score -= penalty * (100 * min(mono, 1.0) / 10)
    ld = voice.loudness.variation_db
    flat_loud = ld is not None and ld < flat_db
    value = f"pitch spread {st:.1f} st, loudness spread {ld if ld is not None else 0:.1f} dB" + (
        f", {mono:.0%} monotone" if mono else ""
    )
    if st < good:
        tip = "Let your pitch move: rise on questions and new ideas, fall on conclusions; stress one word per sentence."
    elif flat_loud:
        tip = "Your pitch moves well; vary your volume too: softer to draw listeners in, louder for the key point."
    else:
        tip = "Your voice has life in it; keep using it to mark what matters."
    return Score("vocal_variety", _clamp(score), "", value, target, basis, tip)


def _language(
    lang: Language, speech_s: float, cfg: CoachConfig, enough: bool, basis: str, short: str, moments: list[Moment]
) -> Score:
    target = "few hedges, no restarts, sentences under " + f"{cfg('language.long_sentence_words')} words"
    penalties = {
        k: cfg(f"language.{k}_penalty")
        for k in ("hedge", "repetition", "sensitive", "profanity", "long_sentence", "undercut", "hard_reading")
    }
    ok_rate, hard_ease = cfg("language.hedges_ok_per_min"), cfg("language.hard_reading_ease")
    hedge_times = [(f.start, f.end, f.text) for f in lang.hedges]
    for group in _clusters(hedge_times, int(cfg("language.hedge_cluster_min")), cfg("language.hedge_cluster_window_s")):
        said = ", ".join(sorted({t.lower().strip(",.?!") for _, _, t in group}))
        _add(
            moments,
            group[0][0],
            group[-1][1],
            "hedges",
            "language",
            "minor",
            f"{len(group)} hedges ({said}) between {clock(group[0][0])} and {clock(group[-1][1])}",
        )
    for f in (*lang.repetitions, *lang.sensitive, *lang.profanity, *lang.long_sentences, *lang.undercuts):
        _add(
            moments,
            f.start,
            f.end,
            f.kind,
            "language",
            "major" if f.kind == "profanity" else "minor",
            _evidence(f),
            f.suggestion,
        )
    if not enough or lang.skipped_reason:
        return Score(
            "language",
            None,
            "",
            "–",
            target,
            basis,
            "Record a longer stretch to score language.",
            lang.skipped_reason or short,
        )
    minutes = max(speech_s / 60, 1e-6)
    hedge_rate = len(lang.hedges) / minutes
    hard = lang.flesch_reading_ease is not None and lang.flesch_reading_ease < hard_ease
    score = 100.0 - max(0.0, hedge_rate - ok_rate) * penalties["hedge"]
    for key, items in (
        ("repetition", lang.repetitions),
        ("sensitive", lang.sensitive),
        ("profanity", lang.profanity),
        ("long_sentence", lang.long_sentences),
        ("undercut", lang.undercuts),
    ):
        score -= len(items) * penalties[key]
    score -= penalties["hard_reading"] if hard else 0
    parts = [f"{_n(len(lang.hedges), 'hedge')} ({hedge_rate:.1f}/min)", _n(len(lang.repetitions), "restart")]
    for label, items in (
        ("sensitive phrase", lang.sensitive),
        ("profanity", lang.profanity),
        ("long sentence", lang.long_sentences),
        ("weak opening or closing", lang.undercuts),
    ):
        if items:
            parts.append(_n(len(items), label))
    if lang.flesch_reading_ease is not None:
        parts.append(f"reading ease {lang.flesch_reading_ease:.0f}")
    if lang.sensitive:
        first = lang.sensitive[0]
        tip = f"Swap '{first.text}' for words everyone hears as meant for them. {first.suggestion}."
    elif hedge_rate > ok_rate:
        common = Counter(f.text.lower().strip(",.?!") for f in lang.hedges).most_common(3)
        tip = "Cut the hedges (" + ", ".join(f"'{t}' ×{n}" for t, n in common) + "): say your point as a point."
    elif lang.repetitions:
        tip = "When you restart a phrase, pause instead and say it once."
    elif hard or lang.long_sentences:
        tip = "Use shorter sentences: one idea each, easier to follow by ear."
    else:
        tip = "Your wording is direct; keep sentences short and concrete."
    return Score("language", _clamp(score), "", ", ".join(parts), target, basis, tip)


def _n(n: int, noun: str) -> str:
    if n == 1:
        return f"1 {noun}"
    if noun.endswith("y") and noun[-2] not in "aeiou":
        return f"{n} {noun[:-1]}ies"
    return f"{n} {noun}" + ("es" if noun.endswith(("sh", "ch", "s")) else "s")


def _face(face: Any, cfg: CoachConfig, moments: list[Moment]) -> list[Score]:
    """Eye contact, expression and framing from the face stage (DESIGN.md section 4)."""
    good_ec, poor_ec = cfg("face.eye_contact_good_ratio"), cfg("face.eye_contact_poor_ratio")
    smile_good, expr_good = cfg("face.smile_good_ratio"), cfg("face.expressive_good")
    tol, hmin, hmax = cfg("face.centre_tolerance"), cfg("face.min_height"), cfg("face.max_height")
    dark_pen, min_present = cfg("face.dark_penalty"), cfg("face.min_present_ratio")
    for s in face.looking_down:
        _add(
            moments,
            s.start,
            s.end,
            "looking_down",
            "eye_contact",
            "major" if s.end - s.start > 10 else "minor",
            f"looking down for {s.end - s.start:.0f} s from {clock(s.start)}",
        )
    for s in face.face_lost:
        _add(
            moments,
            s.start,
            s.end,
            "face_lost",
            "framing",
            "minor",
            f"no face in the picture for {s.end - s.start:.0f} s from {clock(s.start)}",
        )
    for s in face.too_dark:
        _add(
            moments,
            s.start,
            s.end,
            "too_dark",
            "framing",
            "minor",
            f"face too dark from {clock(s.start)} to {clock(s.end)}",
        )
    basis = f"face visible in {face.present_ratio:.0%} of {face.samples} samples ({face.sample_fps:g} a second)"
    visible_s, min_visible = face.present_ratio * face.samples / face.sample_fps, cfg("face.min_visible_s")
    if face.skipped_reason or face.present_ratio < min_present or visible_s < min_visible:
        why = face.skipped_reason or (
            f"the face is visible in only {face.present_ratio:.0%} of the video"
            if face.present_ratio < min_present
            else f"the face is visible for only {visible_s:.0f} s (at least {min_visible:g} s are needed to score it)"
        )
        tip = "Face the camera, head and shoulders in the frame, so the face can be read."
        return [Score(d, None, "", "–", "", basis, tip, why) for d in ("eye_contact", "expression", "framing")]
    ec = face.eye_contact_ratio or 0.0
    if ec > poor_ec:
        ec_score = 30 + 70 * min(1.0, (ec - poor_ec) / (good_ec - poor_ec))
    else:
        ec_score = 30 * ec / poor_ec if poor_ec else 30.0
    ec_tip = (
        "Look into the lens, not at the screen: the lens is your audience's eyes."
        if ec < good_ec
        else "You hold the camera's gaze; keep returning to it after each glance at your notes."
    )
    smile, lively = face.smile_ratio or 0.0, face.expressiveness or 0.0
    ex_score = 50 * min(1.0, smile / smile_good) + 50 * min(1.0, lively / expr_good)
    ex_tip = (
        "Let your face move with your words: smile when you welcome people or tell a good story."
        if ex_score < 90
        else "Your face is lively and warm; it carries the message with your voice."
    )
    fr = face.framing
    off = max(abs((fr.get("centre_x") or 0.5) - 0.5), abs((fr.get("centre_y") or 0.5) - 0.5))
    height = fr.get("face_height") or 0.0
    fr_score = 100.0 - 100 * max(0.0, off - tol) - 150 * max(0.0, hmin - height) - 150 * max(0.0, height - hmax)
    dark = bool(face.too_dark)
    fr_score -= dark_pen if dark else 0
    fr_tip = (
        "Centre yourself, head and shoulders in the frame, with light in front of you."
        if fr_score < 90
        else "Good framing and light: the audience sees you clearly."
    )
    return [
        Score(
            "eye_contact",
            _clamp(ec_score),
            "",
            f"{ec:.0%} of the visible time looking at the camera (webcam gaze is approximate)",
            f"{good_ec:.0%}+ of the time (Podium's choice)",
            basis,
            ec_tip,
        ),
        Score(
            "expression",
            _clamp(ex_score),
            "",
            f"smiling {smile:.0%} of the time, expressiveness {lively:.2f}",
            f"smiling {smile_good:.0%}+ of the time, expressiveness {expr_good:g}+ (Podium's choice)",
            basis,
            ex_tip,
        ),
        Score(
            "framing",
            _clamp(fr_score),
            "",
            f"face centre {off:.0%} off the middle, face {height:.0%} of the frame" + (", too dark" if dark else ""),
            f"centred within {tol:.0%}, face {hmin:.0%}-{hmax:.0%} of the frame (Podium's choice)",
            basis,
            fr_tip,
        ),
    ]


def _evidence(f: Finding) -> str:
    what = {
        "repetition": "repeated",
        "sensitive": "sensitive phrase",
        "profanity": "profanity",
        "long_sentence": "long sentence",
        "undercut_opening": "weak opening",
        "undercut_closing": "weak closing",
    }
    text = f.text if len(f.text) <= 80 else f.text[:77] + "..."
    detail = f" ({f.note})" if f.note and f.kind in ("long_sentence", "sensitive") else ""
    return f"{what.get(f.kind, f.kind)} at {clock(f.start)}: \u201c{text}\u201d{detail}"


def _priorities(scores: list[Score], moments: list[Moment], weights: dict[str, float], cfg: CoachConfig) -> list[str]:
    flagged = [s for s in scores if s.score is not None and s.score < cfg("scores.flag_below")]
    if not flagged:
        flagged = [s for s in scores if s.score is not None and s.score < cfg("scores.strength_from")][:2]
    flagged.sort(key=lambda s: (-(100 - (s.score or 0)) * weights[s.dimension], s.dimension))
    out = []
    for s in flagged[: int(cfg("scores.max_priorities"))]:
        mine = [m for m in moments if m.dimension == s.dimension]
        worst = max(mine, key=lambda m: (m.severity == "major", m.end - m.start), default=None)
        where = f" For example: {worst.evidence}." if worst else ""
        out.append(f"{_TITLES[s.dimension]} ({s.score}/100, {s.value}). {s.tip}{where}")
    return out


def _strengths(scores: list[Score], voice: Voice | None, lang: Language | None, cfg: CoachConfig) -> list[str]:
    out = [
        f"{_TITLES[s.dimension]}: {s.value} (aim: {s.target})."
        for s in scores
        if s.score is not None and s.score >= cfg("scores.strength_from")
    ]
    if lang is not None and lang.questions:
        out.append(
            f"You asked the audience {len(lang.questions)} question{'s' if len(lang.questions) > 1 else ''}"
            f" (first at {clock(lang.questions[0].start)}): questions keep listeners with you."
        )
    return out
