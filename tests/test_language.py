"""Language analysis: every lexicon rule fires where it should and not where it should not."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest

from podium import language
from podium.syllables import count_syllables

from .helpers import make_transcript

LEXICON = tomllib.loads(resources.files("podium").joinpath("data/lexicon.toml").read_text())


def found(text: str, kind: str) -> list[str]:
    lang = language.analyze(make_transcript(text))
    return [f.text for f in getattr(lang, kind)]


# --- hedges -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("phrase", LEXICON["hedges"]["phrases"])
def test_every_hedge_is_found_in_a_plain_sentence(phrase):
    assert found(f"well {phrase} we should ship it today", "hedges"), phrase


@pytest.mark.parametrize(
    "text",
    [
        "I just arrived from the airport",
        "we have just finished the demo",
        "I just got here",
        "it is just as fast as before",
        "what kind of car is it",
        "this sort of problem is common",
        "what I think does not matter",
        "I believe in this team",
    ],
)
def test_hedge_words_doing_other_work_are_not_hedges(text):
    assert found(text, "hedges") == []


@pytest.mark.parametrize(
    "text",
    [
        "it's just that the numbers are late",
        "I just wanted to say thanks",
        "it is kind of slow",
        "I think that is right",
    ],
)
def test_hedges_in_context(text):
    assert len(found(text, "hedges")) == 1


# --- sensitive, profanity -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("entry", LEXICON["sensitive"], ids=[e["phrase"] for e in LEXICON["sensitive"]])
def test_every_sensitive_phrase_is_flagged_with_an_alternative_and_a_source(entry):
    lang = language.analyze(make_transcript(f"thanks {entry['phrase'].replace('-', '-')} for coming today"))
    assert len(lang.sensitive) == 1, entry
    f = lang.sensitive[0]
    assert any(alt in f.suggestion for alt in entry["alternatives"])
    assert entry["source"] in f.note


@pytest.mark.parametrize("entry", LEXICON["sensitive"], ids=[e["phrase"] for e in LEXICON["sensitive"]])
def test_sensitive_phrases_match_whole_words_only(entry):
    glued = entry["phrase"].replace(" ", "") + "ish"
    assert found(f"thanks {glued} for coming today", "sensitive") == []


def test_guys_gets_an_alternative():
    lang = language.analyze(make_transcript("hey guys welcome to the talk"))
    assert [f.text for f in lang.sensitive] == ["guys"]
    assert "everyone" in lang.sensitive[0].suggestion


def test_master_alone_is_not_flagged():
    assert found("she is a master of the craft", "sensitive") == []


@pytest.mark.parametrize("word", LEXICON["profanity"]["words"])
def test_profanity_found(word):
    assert found(f"that was {word} good", "profanity") == [word]


@pytest.mark.parametrize("text", ["hello everyone", "let me assess the class", "a shell script", "crappie fishing"])
def test_profanity_whole_words_only(text):
    assert found(text, "profanity") == []


# --- openings and closings ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("opening", LEXICON["undercut"]["openings"])
def test_undercutting_openings(opening):
    lang = language.analyze(make_transcript(f"{opening} today we look at three ideas. Then we stop."))
    assert [f.kind for f in lang.undercuts] == ["undercut_opening"]


@pytest.mark.parametrize("closing", LEXICON["undercut"]["closings"])
def test_undercutting_closings(closing):
    lang = language.analyze(make_transcript(f"Today we looked at three ideas. {closing}."))
    assert [f.kind for f in lang.undercuts] == ["undercut_closing"]


def test_confident_opening_and_closing_are_fine():
    lang = language.analyze(
        make_transcript("What if your code could heal itself? Today I show you how. Go and try it this week.")
    )
    assert lang.undercuts == ()


# --- repetition, long sentences, questions, overused --------------------------------------------------------------


def test_restarts_are_repetitions():
    assert found("we need to we need to ship", "repetitions") == ["we need to we need to"]
    assert found("and the the results", "repetitions") == ["the the"]


def test_rhetorical_repetition_is_not_a_restart():
    text = (
        "And so, my fellow Americans, ask not what your country can do for you, ask what you can do for your country."
    )
    assert found(text, "repetitions") == []
    assert found("I think I can", "repetitions") == []


def test_long_sentence():
    long = " ".join(["word"] * 45) + "."
    assert len(language.analyze(make_transcript(long)).long_sentences) == 1
    assert language.analyze(make_transcript("A short one. Another short one.")).long_sentences == ()


def test_questions_to_the_audience():
    lang = language.analyze(make_transcript("Who here has shipped a bug? I have. Have you ever fixed one at night?"))
    assert len(lang.questions) == 2


def test_overused_word():
    text = " ".join(["the pipeline is fast"] * 6) + " and other words follow here"
    assert ("pipeline", 6) in language.analyze(make_transcript(text)).overused


# --- sentences, readability, sentiment, key phrases ---------------------------------------------------------------


def test_sentences_cut_at_punctuation_and_long_pauses():
    t = make_transcript("one two three four five six", pause_after={2: 1.5})
    assert [s.text for s in language.analyze(t).sentences] == ["one two three", "four five six"]


def test_sentiment_sign():
    lang = language.analyze(make_transcript("I love this wonderful result. This failure is terrible and sad."))
    assert lang.sentences[0].sentiment > 0.3 and lang.sentences[1].sentiment < -0.3


def test_flesch_on_simple_and_hard_text():
    easy = language.analyze(make_transcript("The cat sat on the mat. The dog ran to the park. We had fun."))
    hard = language.analyze(
        make_transcript(
            "Comprehensive institutional interoperability necessitates considerable organizational transformation, "
            "particularly regarding infrastructural standardization methodologies."
        )
    )
    assert easy.flesch_reading_ease > 90 and hard.flesch_reading_ease < 10
    assert easy.fk_grade < hard.fk_grade


def test_key_phrases_and_vocabulary():
    lang = language.analyze(
        make_transcript(
            "Speech recognition runs offline. Offline speech recognition keeps recordings private. "
            "Private recordings never leave the laptop."
        )
    )
    texts = [k.text.lower() for k in lang.key_phrases]
    assert any("speech recognition" in t or "recordings" in t for t in texts)
    assert 0 < lang.mattr <= 1 and 0 < lang.type_token_ratio <= 1


def test_fillers_counted_from_flags():
    lang = language.analyze(make_transcript("So, um, we start. It was, uh, fine, you know, mostly."))
    assert lang.fillers_by_kind == {"so": 1, "um": 1, "uh": 1, "you know": 1}
    assert lang.filler_count == 4


def test_no_words_is_skipped():
    from podium.types import Transcript

    assert language.analyze(Transcript("en", (), ())).skipped_reason


# --- syllables ---------------------------------------------------------------------------------------------------

HAND_COUNTED = """cat 1 dog 1 make 1 code 1 jumped 1 played 1 tried 1 cries 1 through 1 strength 1 world 1 speech 1
voice 1 talk 1 friends 1 thought 1 judge 1 page 1 large 1 clothes 1 slides 1 times 1 makes 1 stage 1 smile 1
table 2 simple 2 apple 2 wanted 2 boxes 2 changes 2 horses 2 printing 2 modern 2 process 2 purpose 2 composed 2
casting 2 setting 2 craftsmen 2 country 2 confused 2 complaint 2 wizard 2 vanished 2 curtain 2 answer 2
question 2 language 2 happy 2 water 2 listen 2 over 2 practice 2 minutes 2 ended 2 started 2 careful 2
lonely 2 statement 2 hopeless 2 therefore 2 little 2 before 2 students 2 topic 2 chaos 2 quiet 2 prudently 3
beautiful 3 invention 3 century 3 considered 3 impressions 3 woodcutters 3 letterpress 3 importance 3
occupied 3 arrangement 3 shapeliness 3 understand 3 remember 3 nobody 3 yesterday 3 tomorrow 3 computer 3
government 3 possible 3 terrible 3 audience 3 violent 3 microphone 3 example 3 confident 3 important 3
energy 3 history 3 practicing 3 elephant 3 perfection 3 productions 3 dashwood 2 leisure 2
exhibition 4 immediate 4 predecessors 4 principally 4 especially 4 operations 4 calligraphy 4 americans 4
typography 4 presentation 4 education 4 information 4 technology 4 development 4 environment 4 necessary 4
responsible 4 incredible 4 conversation 4 intelligent 4 ceremony 4 movable 3 celebration 4 reasonable 4
comparatively 5 organization 5 communication 5 university 5 opportunity 5 individual 5 specifically 5
vocabulary 5 personality 5 international 5 imagination 5 responsibility 6 identification 6
disposed 2 surpassed 2 engraved 2 relief 2 netherlands 3 produced 2 printed 2 incurred 2 themselves 2
naturally 4 fellow 2 window 2 garden 2 rabbit 2 orange 2 purple 2 yellow 2 finger 2 market 2 silver 2
winter 2 danger 2 morning 2 banana 3 tomato 3 potato 3 animal 3 hospital 3 library 3 umbrella 3 newspaper 3
together 3 remarkable 4 difficult 3 president 3 continue 3 relation 3 decision 3 direction 3 celebrate 3
consider 3 develop 3 appreciate 4 absolutely 4 memorable 4 available 4 alternative 4 investigation 5
mathematics 4 geography 4 photography 4 creativity 5 electricity 5 curiosity 5 vulnerability 6 strengths 1
scripts 1 breathe 1 breathed 1 notes 1 audiences 4 pauses 2 voices 2 rehearsal 3 rehearsed 2 feedback 2
engaging 3 nervous 2 excited 3 relaxed 2 honest 2 ideally 4 carefully 3 sincerely 3 lively 2""".split()


def test_syllable_counter_agrees_with_hand_counts():
    pairs = list(zip(HAND_COUNTED[::2], map(int, HAND_COUNTED[1::2]), strict=True))
    assert len({w for w, _ in pairs}) >= 100
    wrong = [(w, n, count_syllables(w)) for w, n in pairs if count_syllables(w) != n]
    agreement = 1 - len(wrong) / len(pairs)
    print(f"\nsyllables: {agreement:.1%} of {len(pairs)} hand-counted words; wrong: {wrong}")
    assert agreement >= 0.95
