"""What the clusterer keeps of an article: terms, names, language, MinHash, stored as JSON."""

from __future__ import annotations

import json
import random
from datetime import datetime, timezone

from newsdesk.stories.features import Document, Features, describe

REPORT = Document(
    id="1",
    title="Ceasefire talks open in Geneva",
    text="Delegations from Ukraine and Russia met in Geneva on Monday. The talks, chaired by the United Nations, "
         "were opened by Antonio Guterres, who called for a ceasefire before winter. Negotiators from NATO members "
         "watched. The Geneva talks continue on Tuesday, the UN said.",
    published=datetime(2026, 11, 24, 9, 30, tzinfo=timezone.utc),
    source="wire.example",
)


def test_names_are_capitalised_runs_inside_sentences_and_acronyms():
    names = describe(REPORT).names
    assert {"geneva", "united nations", "antonio guterres", "nato", "un"} <= set(names)
    assert names[0] == "geneva"  # most mentioned first
    assert "delegations" not in names and "negotiators" not in names  # capitalised only because a sentence opens


def test_terms_fold_plural_and_verb_forms_and_favour_the_title():
    terms = dict(describe(REPORT).terms)
    assert "talk" in terms and "talks" not in terms
    assert "delegation" in terms and "negotiator" in terms
    assert terms["ceasefire"] > terms["winter"]  # in the title as well as the body
    assert "the" not in terms and "on" not in terms


def test_language_is_read_from_function_words_or_left_unknown():
    german = Document("2", "Waffenruhe", "Die Gespräche in Genf wurden am Montag eröffnet, und die Delegationen haben "
                                         "sich auf einen Zeitplan für die nächsten Tage geeinigt.", None)
    french = Document("3", "Cessez-le-feu", "Les délégations se sont réunies à Genève lundi, et les négociations "
                                            "reprendront mardi sous l'égide des Nations unies.", None)
    stemmed = Document("4", "", "ceasefir talk geneva deleg ukrain russia met monday", None)
    assert [describe(doc).language for doc in (REPORT, german, french, stemmed)] == ["en", "de", "fr", ""]
    assert describe(Document("5", "", "kurz", None, language="pt-BR")).language == "pt"


def test_language_does_not_depend_on_the_order_of_the_words():
    # Function words several languages share count a third or a quarter to each: this text sits
    # exactly on the bar, where adding thirds as floats once gave "" in some orders and "en" in others.
    words = "the un in me de the no un in me en the und".split()
    orders = [" ".join(random.Random(seed).sample(words, len(words))) for seed in range(20)]
    assert {describe(Document("8", "", text, None)).language for text in orders} == {"en"}


def test_features_survive_a_json_round_trip_and_are_the_same_every_time():
    features = describe(REPORT)
    stored = json.loads(json.dumps(features.as_json()))
    assert Features.from_json(stored) == features == describe(REPORT)
    assert features.published == REPORT.published.timestamp() and features.source == "wire.example"
    assert len(features.minhash) == 64


def test_features_read_back_share_one_copy_of_each_word_across_articles():
    # The live window holds every open article's features as read from the database: a word it
    # kept once per article would make its memory grow with the words mentioned, not the words used.
    stored = json.dumps(describe(REPORT).as_json())
    first, second = (Features.from_json(json.loads(stored)) for _ in range(2))
    assert first == second
    assert all(a is b for (a, _), (b, _) in zip(first.terms, second.terms))
    assert all(a is b for a, b in zip(first.names, second.names)) and first.names
    assert first.source is second.source and first.language is second.language


def test_near_identical_texts_share_most_of_their_signature_and_short_texts_get_none():
    edited = Document("6", REPORT.title, REPORT.text.replace("on Monday", "on Monday morning"), None)
    other = Document("7", "Storm", "A storm cut power to thousands of homes along the coast overnight, and ferries "
                                   "between the islands were cancelled until the wind dropped on Wednesday.", None)
    mine, theirs, unrelated = (describe(doc).minhash for doc in (REPORT, edited, other))
    agree = sum(a == b for a, b in zip(mine, theirs)) / len(mine)
    assert agree > 0.6
    assert sum(a == b for a, b in zip(mine, unrelated)) / len(mine) < 0.2
    assert describe(Document("8", "Brief", "Markets closed higher.", None)).minhash == ()
