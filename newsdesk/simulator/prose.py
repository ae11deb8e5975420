"""English-like news prose made from the vocabulary, deterministic for a given random source."""

from collections.abc import Sequence
from random import Random

from newsdesk.simulator.vocabulary import (
    ADJECTIVES,
    ADVERBS,
    CONNECTIVES,
    FEELINGS,
    FIRST_NAMES,
    IRREGULAR_PAST,
    LAST_NAMES,
    NOUNS,
    ORGANISATIONS,
    PLACES,
    PREPOSITIONS,
    ROLES,
    TIMES,
    VERBS,
)

VERB_LIST: tuple[str, ...] = VERBS + tuple(IRREGULAR_PAST)


# Random.choice and randint cost several Python-level calls each; these few-word
# helpers make prose about twice as fast, which matters for 40,000-item benchmarks.
def _pick(rng: Random, options: Sequence[str]) -> str:
    return options[int(rng.random() * len(options))]


def _below(rng: Random, stop: int) -> int:
    return int(rng.random() * stop)


def _between(rng: Random, low: int, high: int) -> int:
    return low + int(rng.random() * (high - low + 1))


def make_plural(noun: str) -> str:
    """Return the regular English plural of a noun."""
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def make_past(verb: str) -> str:
    """Return the simple past of a verb from the vocabulary."""
    if verb in IRREGULAR_PAST:
        return IRREGULAR_PAST[verb]
    if verb.endswith("e"):
        return verb + "d"
    if verb.endswith("y") and verb[-2:-1] not in "aeiou":
        return verb[:-1] + "ied"
    return verb + "ed"


def make_third_person(verb: str) -> str:
    """Return the present-tense third-person singular of a verb."""
    return make_plural(verb)


def invent_name(rng: Random) -> str:
    """Return a plausible full name."""
    return f"{_pick(rng, FIRST_NAMES)} {_pick(rng, LAST_NAMES)}"


def _with_article(phrase: str, rng: Random) -> str:
    if rng.random() < 0.55:
        return "the " + phrase
    return ("an " if phrase[0] in "aeiou" else "a ") + phrase


def _noun_phrase(rng: Random) -> str:
    noun = _pick(rng, NOUNS)
    roll = rng.random()
    if roll < 0.3:
        return make_plural(noun) if roll < 0.12 else _with_article(noun, rng)
    phrase = f"{_pick(rng, ADJECTIVES)} {noun}"
    if roll < 0.45:
        return f"{make_plural(noun)} in {_pick(rng, PLACES)}"
    if roll < 0.6:
        return f"the {noun} of {_pick(rng, PLACES)}"
    return _with_article(phrase, rng)


def _subject(rng: Random) -> str:
    roll = rng.random()
    if roll < 0.25:
        return _pick(rng, ORGANISATIONS)
    if roll < 0.4:
        return invent_name(rng)
    return _noun_phrase(rng)


def _sentence(rng: Random) -> str:
    kind = _below(rng, 8)
    verb = _pick(rng, VERB_LIST)
    if kind == 0:
        text = f"{_subject(rng)} {make_past(verb)} {_noun_phrase(rng)} {_pick(rng, TIMES)}"
    elif kind == 1:
        text = (
            f"{_subject(rng)} said {_pick(rng, TIMES)} that {_subject(rng)} would "
            f"{verb} {_noun_phrase(rng)} {_pick(rng, PREPOSITIONS)} {_noun_phrase(rng)}"
        )
    elif kind == 2:
        quote = f"We are {_pick(rng, FEELINGS)} about {_noun_phrase(rng)}"
        return f"\u201c{quote},\u201d said {invent_name(rng)}, {_pick(rng, ROLES)}."
    elif kind == 3:
        text = (
            f"{_pick(rng, CONNECTIVES)}, {_subject(rng)} {_pick(rng, ADVERBS)} "
            f"{make_past(verb)} {_noun_phrase(rng)}"
        )
    elif kind == 4:
        text = (
            f"the number of {make_plural(_pick(rng, NOUNS))} rose by {_between(rng, 2, 48)} percent "
            f"{_pick(rng, TIMES)}, according to {_pick(rng, ORGANISATIONS)}"
        )
    elif kind == 5:
        text = (
            f"{_subject(rng)} {make_past(verb)} {_noun_phrase(rng)}, and "
            f"{_subject(rng)} {make_past(_pick(rng, VERB_LIST))} {_noun_phrase(rng)}"
        )
    elif kind == 6:
        text = (
            f"residents of {_pick(rng, PLACES)} have {_pick(rng, ['long', 'often', 'never'])} "
            f"asked whether {_noun_phrase(rng)} could {verb} {_noun_phrase(rng)}"
        )
    else:
        text = (
            f"{_pick(rng, PREPOSITIONS)} {_noun_phrase(rng)}, {_subject(rng)} "
            f"{make_past(verb)} {_noun_phrase(rng)} worth {_between(rng, 2, 900)} million"
        )
    return text[0].upper() + text[1:] + "."


def write_paragraph(rng: Random) -> str:
    """Return one paragraph of three to six sentences."""
    return " ".join(_sentence(rng) for _ in range(_between(rng, 3, 6)))


def write_headline(rng: Random) -> str:
    """Return a sentence-case headline, varied enough that thousands rarely collide."""
    verb = make_third_person(_pick(rng, VERB_LIST))
    place = _pick(rng, PLACES)
    roll = _below(rng, 4)
    if roll == 0:
        text = f"{place} {_pick(rng, NOUNS)} {verb} {_pick(rng, ADJECTIVES)} {_pick(rng, NOUNS)} plan"
    elif roll == 1:
        text = (
            f"{_pick(rng, ADJECTIVES)} {make_plural(_pick(rng, NOUNS))} in {place} "
            f"{_pick(rng, VERB_LIST)} {_pick(rng, NOUNS)} {_pick(rng, PREPOSITIONS)} "
            f"{_pick(rng, NOUNS)}"
        )
    elif roll == 2:
        text = (
            f"{invent_name(rng)} {verb} {_pick(rng, ADJECTIVES)} {_pick(rng, NOUNS)} "
            f"as {place} {_pick(rng, NOUNS)} {make_third_person(_pick(rng, VERB_LIST))}"
        )
    else:
        text = (
            f"{_pick(rng, ORGANISATIONS)} {verb} {_pick(rng, NOUNS)} {_pick(rng, PREPOSITIONS)} "
            f"{_pick(rng, ADJECTIVES)} {_pick(rng, NOUNS)} in {place}"
        )
    return text[0].upper() + text[1:]
