"""What the words do: the local replacement for a cloud text-analysis service.

``analyze(transcript, config)`` cuts the talk into sentences and finds fillers
(from the speech stage's flags), hedges, repetitions, overused words,
sensitive and non-inclusive phrases (``data/lexicon.toml``, each entry with
its source), profanity, very long sentences, questions to the audience, and
openings or closings that undercut the speaker; it measures readability
(Flesch, with ``podium.syllables``), vocabulary diversity, sentiment per
sentence and its arc (VADER, lexicon bundled, MIT) and key phrases (YAKE).
Nothing here needs the network.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from .config import CoachConfig, LanguageRules
from .fillers import NON_LEXICAL, count, is_non_lexical
from .syllables import count_syllables
from .types import Finding, KeyPhrase, Language, Sentence, Transcript, Word

__all__ = ["analyze", "flesch"]

_STOPWORDS = set(
    """
a about above after again against all am an and any are as at be because been before being below between both but by
can could did do does doing down during each few for from further had has have having he her here hers herself him
himself his how i if in into is it its itself just let me more most my myself no nor not now of off on once only or
other our ours ourselves out over own same she should so some such than that the their theirs them themselves then
there these they this those through to too under until up very was we were what when where which while who whom why
will with would you your yours yourself yourselves i'm it's that's there's we're they're you're don't can't won't
isn't aren't wasn't weren't i've we've you've i'll we'll you'll i'd we'd you'd also well really one two get got go
going like know think see say said want make way thing things lot yeah okay right oh
""".split()
)
_PAST_IRREGULAR = set(
    """got came left went saw heard did had made found told began bought won lost met sent took ran gave spoke wrote
    woke knew""".split()
)
_JUST_HEDGE_PAST = {"wanted", "needed", "hoped", "wondered", "thought", "felt"}
_JUST_EXACT = {"as", "right", "now", "then", "in", "about", "before", "after", "enough"}
_DETERMINERS = set(
    """what which this that the a any some every one same different another no these those all my your our their his
    her""".split()
)
_REPEAT_OK = {("that",), ("had",), ("very",), ("no",), ("bye",)}


@dataclass(frozen=True)
class _Tok:
    text: str  # normalised
    word: int  # index into the words


@functools.lru_cache(maxsize=1)
def _lexicon() -> dict[str, Any]:
    return tomllib.loads(resources.files("podium").joinpath("data/lexicon.toml").read_text(encoding="utf-8"))


def analyze(transcript: Transcript, rules: LanguageRules | None = None) -> Language:
    """Analyse the wording of ``transcript`` (see the module docstring); ``rules``: coach.toml's ``[language]``."""
    cfg = rules or _default_rules()
    words = list(transcript.words)
    lexical = [w for w in words if not is_non_lexical(w)]
    if not lexical:
        return Language(skipped_reason="no words recognised")
    toks = _tokens(words)
    sentences = _sentences(words, cfg)
    minutes = max(1e-6, (words[-1].end - words[0].start) / 60)
    by_kind = count(words)
    n_fill = sum(by_kind.values())
    fre, grade, wps = flesch(sentences, lexical)
    ttr, mattr = _diversity([t.text for t in toks if t.text not in NON_LEXICAL])
    arc = _arc(sentences, cfg.sentiment_window)
    return Language(
        sentences=tuple(sentences),
        fillers_by_kind=dict(by_kind.most_common()),
        filler_count=n_fill,
        filler_per_min=round(n_fill / minutes, 2),
        filler_ratio=round(n_fill / len(words), 4),
        hedges=tuple(_hedges(toks, words)),
        repetitions=tuple(_repetitions(toks, words, cfg)),
        sensitive=tuple(_sensitive(toks, words)),
        profanity=tuple(_profanity(toks, words)),
        long_sentences=tuple(
            Finding(
                "long_sentence",
                s.start,
                s.end,
                s.text,
                "Split it in two; a listener cannot scroll back.",
                f"{s.words} words",
            )
            for s in sentences
            if s.words > cfg.long_sentence_words
        ),
        questions=tuple(Finding("question", s.start, s.end, s.text) for s in sentences if s.question and s.words >= 3),
        undercuts=tuple(_undercuts(sentences, words)),
        overused=tuple(_overused(toks, cfg)),
        flesch_reading_ease=fre,
        fk_grade=grade,
        words_per_sentence=wps,
        type_token_ratio=ttr,
        mattr=mattr,
        sentiment=round(sum(s.sentiment for s in sentences) / len(sentences), 3) if sentences else None,
        sentiment_arc=arc,
        key_phrases=tuple(_key_phrases(lexical, toks, words, cfg.key_phrases)),
    )


def _tokens(words: Sequence[Word]) -> list[_Tok]:
    """Lower-case tokens ("master/slave" is two), each pointing back to its word."""
    out = []
    for i, w in enumerate(words):
        for t in re.findall(r"[\w'\u2019-]+", w.text.lower().replace("\u2019", "'")):
            t = t.strip("'-")
            if t:
                out.append(_Tok(t, i))
    return out


def _default_rules() -> LanguageRules:
    rules = CoachConfig.load().dimensions["language"]
    assert isinstance(rules, LanguageRules)
    return rules


def _sentences(words: Sequence[Word], cfg: LanguageRules) -> list[Sentence]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    vader = _vader(SentimentIntensityAnalyzer)
    gap = cfg.sentence_pause_s
    out, cur = [], []
    for i, w in enumerate(words):
        cur.append(w)
        nxt = words[i + 1] if i + 1 < len(words) else None
        if nxt is None or re.search(r"[.?!\u2026]['\"\u201d]?$", w.text) or nxt.start - w.end >= gap:
            said = [x for x in cur if not is_non_lexical(x)]
            if said:
                text = " ".join(x.text for x in said)
                out.append(
                    Sentence(
                        cur[0].start,
                        cur[-1].end,
                        " ".join(x.text for x in cur),
                        len(said),
                        round(vader.polarity_scores(text)["compound"], 3),
                        text.rstrip().endswith("?"),
                    )
                )
            cur = []
    return out


@functools.lru_cache(maxsize=1)
def _vader(cls: Any) -> Any:
    return cls()


def _find(toks: list[_Tok], phrase: str) -> list[int]:
    """Token indices where ``phrase`` (lower-case words) starts, fillers skipped."""
    target = phrase.split()
    plain = [k for k, t in enumerate(toks) if t.text not in NON_LEXICAL]
    hits = []
    for j in range(len(plain) - len(target) + 1):
        if all(toks[plain[j + m]].text == target[m] for m in range(len(target))):
            hits.append(plain[j])
    return hits


def _span(toks: list[_Tok], words: Sequence[Word], k: int, n: int) -> tuple[float, float, str]:
    first, last = toks[k].word, toks[min(k + n - 1, len(toks) - 1)].word
    return words[first].start, words[last].end, " ".join(w.text for w in words[first : last + 1])


def _hedges(toks: list[_Tok], words: Sequence[Word]) -> list[Finding]:
    out: list[Finding] = []
    seen: set[int] = set()
    for phrase in sorted(_lexicon()["hedges"]["phrases"], key=lambda p: -len(p.split())):
        n = len(phrase.split())
        for k in _find(toks, phrase):
            if k in seen or not _is_hedge(phrase, k, toks):
                continue
            seen.update(range(k, k + n))
            a, b, text = _span(toks, words, k, n)
            out.append(
                Finding(
                    "hedge",
                    a,
                    b,
                    text,
                    "Say it plainly, or say what you are unsure of and why.",
                    "hedge or weak word (PowerPoint Speaker Coach and Yoodli flag them too)",
                )
            )
    return sorted(out, key=lambda f: f.start)


def _is_hedge(phrase: str, k: int, toks: list[_Tok]) -> bool:
    prev = toks[k - 1].text if k > 0 else ""
    n = len(phrase.split())
    nxt = toks[k + n].text if k + n < len(toks) else ""
    if phrase == "just":
        if prev in {"have", "has", "had", "i've", "we've", "you've", "they've", "she's", "he's"}:
            return False  # "I've just arrived": a moment ago
        if nxt in _JUST_EXACT or nxt in _PAST_IRREGULAR:
            return False  # "just as", "I just got here"
        return not (nxt.endswith("ed") and nxt not in _JUST_HEDGE_PAST)  # "I just arrived" vs "I just wanted"
    if phrase in ("kind of", "sort of", "kinda", "sorta"):
        return prev not in _DETERMINERS  # "what kind of car" is a noun
    if phrase == "i think":
        return prev not in {"what", "how", "why", "do", "don't", "did", "where", "when", "who"}
    if phrase == "i believe":
        return nxt != "in"  # "I believe in this" is conviction
    return True


def _repetitions(toks: list[_Tok], words: Sequence[Word], cfg: LanguageRules) -> list[Finding]:
    plain = [t for t in toks if t.text not in NON_LEXICAL]
    max_n, gap = cfg.repetition_max_words, cfg.repetition_gap_words
    out: list[Finding] = []
    used: set[int] = set()
    for n in range(max_n, 0, -1):
        for i in range(len(plain) - 2 * n + 1):
            a = tuple(t.text for t in plain[i : i + n])
            if a in _REPEAT_OK or any(j in used for j in range(i, i + n)):
                continue
            for g in range(0, (gap if n > 1 else 0) + 1):
                j = i + n + g
                if tuple(t.text for t in plain[j : j + n]) == a:
                    used.update(range(i, j + n))
                    first, last = plain[i].word, plain[j + n - 1].word
                    text = " ".join(w.text for w in words[first : last + 1])
                    out.append(
                        Finding(
                            "repetition",
                            words[first].start,
                            words[last].end,
                            text,
                            "Pause and say it once: a restart reads as lost thread.",
                            f"'{' '.join(a)}' said twice in a row",
                        )
                    )
                    break
    return sorted(out, key=lambda f: f.start)


def _sensitive(toks: list[_Tok], words: Sequence[Word]) -> list[Finding]:
    out: list[Finding] = []
    seen: set[int] = set()
    entries = sorted(_lexicon()["sensitive"], key=lambda e: -len(e["phrase"].split()))
    for e in entries:
        phrase = e["phrase"].replace("-", " ") if "-" in e["phrase"] and " " in e["phrase"] else e["phrase"]
        n = len(phrase.split())
        for k in _find(toks, phrase):
            if k in seen:
                continue
            seen.update(range(k, k + n))
            a, b, text = _span(toks, words, k, n)
            out.append(
                Finding("sensitive", a, b, text, "Try: " + ", ".join(e["alternatives"]), f"{e['note']} ({e['source']})")
            )
    return sorted(out, key=lambda f: f.start)


def _profanity(toks: list[_Tok], words: Sequence[Word]) -> list[Finding]:
    bad = set(_lexicon()["profanity"]["words"])
    return [
        Finding(
            "profanity",
            words[t.word].start,
            words[t.word].end,
            words[t.word].text,
            "Leave it out; it costs more listeners than it wins.",
            "profanity",
        )
        for t in toks
        if t.text in bad
    ]


def _undercuts(sentences: list[Sentence], words: Sequence[Word]) -> list[Finding]:
    lex = _lexicon()["undercut"]
    out = []
    if sentences:
        first = " ".join(_plain(sentences[0].text))
        for p in sorted(lex["openings"], key=len, reverse=True):
            if first == p or first.startswith(p + " "):
                out.append(
                    Finding(
                        "undercut_opening",
                        sentences[0].start,
                        sentences[0].end,
                        sentences[0].text,
                        "Open with your first real sentence: a question, a fact, a story.",
                        f"opens with '{p}'",
                    )
                )
                break
    for s in sentences[max(1, len(sentences) - 2) :]:  # the last two, never the opening
        said = " ".join(_plain(s.text))
        for p in sorted(lex["closings"], key=len, reverse=True):
            if s.words <= 8 and (said == p or said.startswith(p + " ") or said.endswith(" " + p)):
                out.append(
                    Finding(
                        "undercut_closing",
                        s.start,
                        s.end,
                        s.text,
                        "End on your key message, then stop; let the silence land.",
                        f"closes with '{p}'",
                    )
                )
                break
    return out


def _plain(text: str) -> list[str]:
    return [t.strip("'-") for t in re.findall(r"[\w'-]+", text.lower().replace("\u2019", "'")) if t.strip("'-")]


def _overused(toks: list[_Tok], cfg: LanguageRules) -> list[tuple[str, int]]:
    words = [t.text for t in toks if t.text not in NON_LEXICAL]
    if not words:
        return []
    c = Counter(w for w in words if w not in _STOPWORDS and len(w) > 2 and not w.isdigit())
    n_min, share = cfg.overused_min_count, cfg.overused_min_share
    return [(w, n) for w, n in c.most_common() if n >= n_min and n / len(words) >= share]


def flesch(sentences: Sequence[Sentence], lexical: Sequence[Word]) -> tuple[float | None, float | None, float | None]:
    """Flesch reading ease, Flesch-Kincaid grade, words per sentence (Flesch 1948; Kincaid et al. 1975)."""
    n_words = sum(s.words for s in sentences)
    if not sentences or n_words == 0:
        return None, None, None
    syl = sum(count_syllables(t) for w in lexical for t in _plain(w.text))
    wps, spw = n_words / len(sentences), syl / n_words
    return round(206.835 - 1.015 * wps - 84.6 * spw, 1), round(0.39 * wps + 11.8 * spw - 15.59, 1), round(wps, 1)


def _diversity(words: list[str], window: int = 50) -> tuple[float | None, float | None]:
    if not words:
        return None, None
    ttr = len(set(words)) / len(words)
    if len(words) <= window:
        return round(ttr, 3), round(ttr, 3)
    ratios = [len(set(words[i : i + window])) / window for i in range(len(words) - window + 1)]
    return round(ttr, 3), round(sum(ratios) / len(ratios), 3)


def _arc(sentences: list[Sentence], window: int) -> tuple[tuple[float, float, float], ...]:
    if not sentences:
        return ()
    w = max(1, min(window, len(sentences)))
    return tuple(
        (sentences[i].start, sentences[i + w - 1].end, round(sum(s.sentiment for s in sentences[i : i + w]) / w, 3))
        for i in range(len(sentences) - w + 1)
    )


def _key_phrases(lexical: list[Word], toks: list[_Tok], words: Sequence[Word], top: int) -> list[KeyPhrase]:
    import yake

    text = " ".join(w.text for w in lexical)
    if len(lexical) < 5:
        return []
    out: list[KeyPhrase] = []
    for phrase, score in yake.KeywordExtractor(lan="en", n=3, top=3 * top).extract_keywords(text):
        parts = _plain(phrase)
        if any(set(parts) <= set(_plain(k.text)) for k in out):
            continue  # "corpus" after "acoustic corpus"
        hits = _find(toks, " ".join(parts))
        if hits:
            out.append(KeyPhrase(phrase, round(float(score), 4), len(hits), words[toks[hits[0]].word].start))
        if len(out) == top:
            break
    return out
