"""English-like news prose made from the vocabulary, deterministic for a given random source."""

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
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _with_article(phrase: str, rng: Random) -> str:
    if rng.random() < 0.55:
        return "the " + phrase
    return ("an " if phrase[0] in "aeiou" else "a ") + phrase


def _noun_phrase(rng: Random) -> str:
    noun = rng.choice(NOUNS)
    roll = rng.random()
    if roll < 0.3:
        return make_plural(noun) if roll < 0.12 else _with_article(noun, rng)
    phrase = f"{rng.choice(ADJECTIVES)} {noun}"
    if roll < 0.45:
        return f"{make_plural(noun)} in {rng.choice(PLACES)}"
    if roll < 0.6:
        return f"the {noun} of {rng.choice(PLACES)}"
    return _with_article(phrase, rng)


def _subject(rng: Random) -> str:
    roll = rng.random()
    if roll < 0.25:
        return rng.choice(ORGANISATIONS)
    if roll < 0.4:
        return invent_name(rng)
    return _noun_phrase(rng)


def _sentence(rng: Random) -> str:
    kind = rng.randrange(8)
    verb = rng.choice(VERB_LIST)
    if kind == 0:
        text = f"{_subject(rng)} {make_past(verb)} {_noun_phrase(rng)} {rng.choice(TIMES)}"
    elif kind == 1:
        text = (
            f"{_subject(rng)} said {rng.choice(TIMES)} that {_subject(rng)} would "
            f"{verb} {_noun_phrase(rng)} {rng.choice(PREPOSITIONS)} {_noun_phrase(rng)}"
        )
    elif kind == 2:
        quote = f"We are {rng.choice(FEELINGS)} about {_noun_phrase(rng)}"
        return f"\u201c{quote},\u201d said {invent_name(rng)}, {rng.choice(ROLES)}."
    elif kind == 3:
        text = (
            f"{rng.choice(CONNECTIVES)}, {_subject(rng)} {rng.choice(ADVERBS)} "
            f"{make_past(verb)} {_noun_phrase(rng)}"
        )
    elif kind == 4:
        text = (
            f"the number of {make_plural(rng.choice(NOUNS))} rose by {rng.randint(2, 48)} percent "
            f"{rng.choice(TIMES)}, according to {rng.choice(ORGANISATIONS)}"
        )
    elif kind == 5:
        text = (
            f"{_subject(rng)} {make_past(verb)} {_noun_phrase(rng)}, and "
            f"{_subject(rng)} {make_past(rng.choice(VERB_LIST))} {_noun_phrase(rng)}"
        )
    elif kind == 6:
        text = (
            f"residents of {rng.choice(PLACES)} have {rng.choice(['long', 'often', 'never'])} "
            f"asked whether {_noun_phrase(rng)} could {verb} {_noun_phrase(rng)}"
        )
    else:
        text = (
            f"{rng.choice(PREPOSITIONS)} {_noun_phrase(rng)}, {_subject(rng)} "
            f"{make_past(verb)} {_noun_phrase(rng)} worth {rng.randint(2, 900)} million"
        )
    return text[0].upper() + text[1:] + "."


def write_paragraph(rng: Random) -> str:
    """Return one paragraph of three to six sentences."""
    return " ".join(_sentence(rng) for _ in range(rng.randint(3, 6)))


def write_headline(rng: Random) -> str:
    """Return a sentence-case headline, varied enough that thousands rarely collide."""
    verb = make_third_person(rng.choice(VERB_LIST))
    place = rng.choice(PLACES)
    roll = rng.randrange(4)
    if roll == 0:
        text = f"{place} {rng.choice(NOUNS)} {verb} {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} plan"
    elif roll == 1:
        text = (
            f"{rng.choice(ADJECTIVES)} {make_plural(rng.choice(NOUNS))} in {place} "
            f"{rng.choice(VERB_LIST)} {rng.choice(NOUNS)} {rng.choice(PREPOSITIONS)} "
            f"{rng.choice(NOUNS)}"
        )
    elif roll == 2:
        text = (
            f"{invent_name(rng)} {verb} {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} "
            f"as {place} {rng.choice(NOUNS)} {make_third_person(rng.choice(VERB_LIST))}"
        )
    else:
        text = (
            f"{rng.choice(ORGANISATIONS)} {verb} {rng.choice(NOUNS)} {rng.choice(PREPOSITIONS)} "
            f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} in {place}"
        )
    return text[0].upper() + text[1:]
