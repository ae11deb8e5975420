"""The story clusterer: events kept apart, copies found, languages apart, windows closing, replay."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone

from newsdesk.simulator.content import Site
from newsdesk.stories.cluster import Clusterer, ClusterConfig, Review, cluster_stream
from newsdesk.stories.features import Document, Features, describe
from tests_support import FLOOD_CLAIMS, FLOOD_REPORTS

DAY = datetime(2026, 11, 24, 6, 0, tzinfo=timezone.utc)

# Ten events of one day about Ukraine, Russia and the US, each reported by two outlets in their own words.
TEN_EVENTS = [
    ("Kremlin offers new talks with Kyiv in Istanbul",
     "Kremlin spokesman Dmitry Peskov said Moscow was ready to send a delegation to Istanbul next week for direct "
     "talks with Ukraine, the first such meeting since the spring. Turkish officials offered to host the delegations "
     "at the Dolmabahce palace.",
     "Russia proposes Istanbul meeting with Ukrainian negotiators",
     "Moscow is prepared to hold a fresh round of negotiations with Ukrainian officials in Istanbul, Dmitry Peskov "
     "told reporters. Turkey has said the Dolmabahce palace is available for the delegations next week."),
    ("Easter truce over as shelling resumes in Kharkiv",
     "The thirty-hour Easter truce declared by Vladimir Putin ended at midnight, and artillery shelling resumed on "
     "the outskirts of Kharkiv within an hour, regional governor Oleh Syniehubov said.",
     "Shells fall on Kharkiv hours after Putin's Easter pause expires",
     "Artillery fire returned to Kharkiv early on Monday after the short Easter pause ordered by Putin expired. "
     "Governor Oleh Syniehubov reported shelling of suburbs and damaged houses after the thirty hours of calm."),
    ("US embassy in Kyiv cuts staff after drone strike damages compound",
     "The American embassy in Kyiv ordered non-essential diplomats to leave after debris from a Shahed drone damaged "
     "its compound overnight. The embassy is running on generators because of blackouts, a State Department "
     "spokesperson said.",
     "Drone debris hits American embassy compound, diplomats told to leave",
     "Non-essential staff at the US embassy in Kyiv have been told to depart after a downed Shahed drone fell on the "
     "compound. The State Department said the building relies on generators during the blackouts."),
    ("Witkoff presents 28-point ceasefire plan",
     "US envoy Steve Witkoff presented a 28-point ceasefire plan that would freeze the front line and create a "
     "demilitarised zone monitored by European troops, according to a draft seen by reporters.",
     "Draft peace framework would freeze the front and create buffer zone",
     "A 28-point draft put forward by envoy Steve Witkoff proposes freezing the front line, a demilitarised buffer "
     "zone and European monitors. The ceasefire draft was shared with both capitals on Monday."),
    ("Russia and Ukraine swap 150 prisoners in UAE-brokered exchange",
     "Russia and Ukraine exchanged 150 prisoners of war each in a deal mediated by the United Arab Emirates, the "
     "coordination headquarters for prisoners said. The freed soldiers crossed at the Belarus border.",
     "Hundreds of captured soldiers come home in Emirati-mediated swap",
     "In an exchange brokered by the United Arab Emirates, 150 Ukrainian prisoners of war returned home and 150 "
     "Russian soldiers were handed back at the border with Belarus, the coordination headquarters said."),
    ("Treasury sanctions Rosneft and Lukoil over war financing",
     "The US Treasury imposed sanctions on the oil companies Rosneft and Lukoil, saying their exports fund the war. "
     "Oil prices rose three percent after Treasury Secretary Scott Bessent announced the measures.",
     "Oil jumps as Washington blacklists Russia's two largest oil producers",
     "Brent crude climbed three percent after the Treasury blacklisted Rosneft and Lukoil. Scott Bessent said the "
     "sanctions target the oil revenue that finances the war."),
    ("Missiles hit Odesa grain terminal",
     "A Russian missile strike on the port of Odesa set a grain terminal on fire and damaged two cargo ships loading "
     "wheat for Egypt, the port authority said. Four dock workers were injured.",
     "Odesa port fire after strike on wheat terminal",
     "Fire broke out at a grain terminal in Odesa after missiles struck the port, injuring four dock workers. Two "
     "cargo ships loading wheat bound for Egypt were damaged, port authorities said."),
    ("Zaporizhzhia nuclear plant loses outside power again",
     "The Zaporizhzhia nuclear power plant lost its last external power line and switched to diesel generators, the "
     "IAEA said. Director General Rafael Grossi called the situation fragile for reactor cooling.",
     "IAEA warns after Europe's largest nuclear plant falls back on diesel",
     "Rafael Grossi of the IAEA said Zaporizhzhia was running on emergency diesel generators after the external power "
     "line was cut, leaving the cooling of its reactors dependent on fuel supplies."),
    ("Pentagon approves Patriot batteries for Ukraine",
     "The Pentagon approved the delivery of two Patriot air defence batteries to Ukraine, with Germany paying for "
     "the interceptors, Defense Secretary Pete Hegseth said at a briefing in Arlington.",
     "Germany to fund interceptors as US clears two Patriot systems",
     "Two Patriot air defence systems will go to Ukraine after Pete Hegseth signed off on the transfer, with Berlin "
     "covering the cost of interceptors, the Pentagon said."),
    ("Zelensky and Trump sign minerals agreement at the White House",
     "Volodymyr Zelensky and Donald Trump signed an agreement on rare earth minerals at the White House, creating a "
     "joint investment fund for lithium and titanium deposits in Ukraine.",
     "Rare earths deal signed in Oval Office",
     "Donald Trump hosted Volodymyr Zelensky in the Oval Office, where they signed the rare earth minerals agreement "
     "and launched a joint fund to develop lithium and titanium mines."),
]


def ten_event_articles() -> list[tuple[Document, int]]:
    articles = []
    for event, (title_a, text_a, title_b, text_b) in enumerate(TEN_EVENTS):
        at = DAY + timedelta(minutes=40 * event)
        articles.append((Document(f"{event}a", title_a, text_a, at, source="wire-a.example"), event))
        articles.append((Document(f"{event}b", title_b, text_b, at + timedelta(hours=3), source="paper-b.example"), event))
    return articles


def stories_of(documents: list[Document]) -> dict[str, int]:
    return dict(cluster_stream(documents))


def test_ten_events_about_one_subject_on_one_day_give_ten_stories():
    articles = ten_event_articles()
    # Outlet A's reports first, then outlet B's, so every B article meets all ten stories.
    documents = [doc for doc, _ in articles if doc.id.endswith("a")] + [doc for doc, _ in articles if doc.id.endswith("b")]
    stories = stories_of(documents)
    assert len(set(stories.values())) == 10
    for event in range(10):
        assert stories[f"{event}a"] == stories[f"{event}b"], TEN_EVENTS[event][0]


def test_an_event_reported_in_english_and_in_german_gives_two_stories():
    english = Document("en", "Witkoff presents 28-point ceasefire plan for Ukraine",
                       "US envoy Steve Witkoff presented a 28-point ceasefire plan for Ukraine that would freeze the front "
                       "line and create a demilitarised zone monitored by European troops, according to a draft.", DAY)
    german = Document("de", "Witkoff legt 28-Punkte-Plan für eine Waffenruhe in der Ukraine vor",
                      "Der US-Gesandte Steve Witkoff hat einen 28-Punkte-Plan für eine Waffenruhe in der Ukraine vorgelegt. "
                      "Die Front soll eingefroren werden, und europäische Truppen sollen eine entmilitarisierte Zone "
                      "überwachen, wie aus einem Entwurf hervorgeht.", DAY + timedelta(hours=1))
    french = Document("fr", "Witkoff présente un plan de cessez-le-feu en 28 points pour l'Ukraine",
                      "L'émissaire américain Steve Witkoff a présenté un plan de cessez-le-feu en 28 points pour l'Ukraine. "
                      "Le front serait gelé et des troupes européennes surveilleraient une zone démilitarisée, selon un "
                      "projet consulté par la presse.", DAY + timedelta(hours=2))
    assert [describe(doc).language for doc in (english, german, french)] == ["en", "de", "fr"]
    stories = stories_of([english, german, french])
    assert len(set(stories.values())) == 3


WIRE = ("Rescue teams pulled twelve survivors from a collapsed apartment block in the port city of Izmir on Thursday, "
        "a day after a magnitude 6.1 earthquake struck western Turkey. The disaster agency AFAD said 43 people had died "
        "and more than 300 were injured, while aftershocks continued to rattle the coast. Interior Minister Ali "
        "Yerlikaya said 2,000 rescuers were working through the night at fourteen sites, and tents had been set up in "
        "parks for families whose homes were unsafe. Schools in the province will stay closed until Monday.")


def test_a_lightly_edited_wire_copy_is_a_copy_of_the_original_and_joins_its_story():
    original = describe(Document("wire", "Twelve pulled alive from rubble in Izmir", WIRE, DAY, source="wire.example"))
    edited = WIRE.replace("on Thursday, ", "").replace("Schools in the province will stay closed until Monday.",
                                                       "Schools will remain closed, officials said.")
    copy = describe(Document("site", "Izmir quake: survivors found as toll rises to 43", edited, DAY + timedelta(hours=2),
                             source="site.example"))
    unrelated = describe(Document("other", "Council approves new tram line",
                                  "The city council approved a new tram line linking the university to the central "
                                  "station, with construction to start next spring and service planned for 2029. "
                                  "Councillors voted 31 to 9 after a debate about costs and the route through the old "
                                  "town, where shop owners fear two years of roadworks.", DAY, source="site.example"))
    clusterer = Clusterer()
    clusterer.add("wire", original, DAY, story=1)
    assert clusterer.decide("other", unrelated, DAY).reason.kind == "new"
    clusterer.add("other", unrelated, DAY, story=2)
    decision = clusterer.decide("site", copy, DAY + timedelta(hours=2))
    assert decision.story == 1
    assert decision.reason.kind == "copy" and decision.reason.copy_of == "wire"
    assert decision.reason.as_json()["copy_of"] == "wire"


def follow_up(hours: float, doc_id: str) -> tuple[str, Features, datetime]:
    at = DAY + timedelta(hours=hours)
    text = ("Engineers restored power to the Zaporizhzhia nuclear power plant after days on diesel generators, the "
            "IAEA said. Rafael Grossi said the external line to the reactors was repaired but remained fragile.")
    return doc_id, describe(Document(doc_id, "Zaporizhzhia nuclear plant reconnected to the grid", text, at)), at


def test_a_late_follow_up_joins_within_the_window_and_starts_a_new_story_after_it():
    clusterer = Clusterer()
    first = describe(Document("first", TEN_EVENTS[7][0], TEN_EVENTS[7][1], DAY))
    clusterer.add("first", first, DAY, story=1)
    doc_id, features, at = follow_up(48, "two-days-later")
    decision = clusterer.decide(doc_id, features, at)
    assert decision.story == 1 and decision.reason.kind == "similar"
    assert decision.reason.time_gap_hours == 48.0
    assert "zaporizhzhia" in decision.reason.shared_names
    clusterer.add(doc_id, features, at, story=1)
    # The story's last article is now two days old; eighty hours later it has gone quiet for longer than the window.
    doc_id, features, at = follow_up(48 + 80, "after-the-window")
    assert clusterer.decide(doc_id, features, at).story is None


def test_closing_a_window_frees_everything_of_the_closed_stories():
    clusterer = Clusterer()
    articles = ten_event_articles()
    for doc, event in articles:
        clusterer.add(doc.id, describe(doc), doc.published, story=event)
    late = describe(Document("late", TEN_EVENTS[5][0], TEN_EVENTS[5][1], DAY + timedelta(days=5)))
    clusterer.add("late", late, DAY + timedelta(days=5), story=99)
    before = clusterer.sizes()
    closed = clusterer.close_before(DAY + timedelta(days=2))
    after = clusterer.sizes()
    assert sorted(closed) == list(range(10))
    assert clusterer.story_of("0a") is None and clusterer.story_of("late") == 99
    assert after["articles"] == 1 and after["stories"] == 1
    for key in ("terms", "term_postings", "name_postings", "bands"):
        assert after[key] < before[key]
    assert after["term_postings"] == after["terms"]  # only the one open article's terms are left
    clusterer.close_before(DAY + timedelta(days=6))
    assert all(size == 0 for size in clusterer.sizes().values())


def test_a_story_that_keeps_growing_holds_only_its_articles_inside_the_window_but_counts_them_all():
    event = TEN_EVENTS[7]
    clusterer = Clusterer()
    window = timedelta(hours=clusterer.config.window_hours)
    # Twenty days of follow-ups every twelve hours, from five outlets: the story never goes quiet.
    reports = [(f"day{i}", describe(Document(f"day{i}", event[0], event[1], DAY + timedelta(hours=12 * i),
                                             source=f"outlet{i % 5}.example")), DAY + timedelta(hours=12 * i))
               for i in range(40)]
    for doc_id, features, at in reports:
        clusterer.close_before(at - window)
        clusterer.add(doc_id, features, at, story=1)
    summary = clusterer.summary(1)
    assert summary.articles == 40 and len(summary.members) == 7  # the last three days' articles are held
    assert summary.first == DAY and summary.last == DAY + timedelta(hours=12 * 39)
    assert summary.sources == tuple(f"outlet{i}.example" for i in range(5))
    assert clusterer.story_of("day0") is None and clusterer.story_of("day39") == 1
    # What is held is what a window of those seven articles alone holds.
    recent = Clusterer()
    for doc_id, features, at in reports[-7:]:
        recent.add(doc_id, features, at, story=1)
    assert clusterer.sizes() == recent.sizes()


def test_a_merge_keeps_the_counts_of_the_articles_that_left_the_window():
    clusterer = Clusterer()
    for i in range(8):
        at = DAY + timedelta(hours=24 * i)
        clusterer.close_before(at - timedelta(hours=clusterer.config.window_hours))
        clusterer.add(f"a{i}", describe(Document(f"a{i}", *TEN_EVENTS[7][:2], at, source="wire-a.example")), at, story=1)
        clusterer.add(f"b{i}", describe(Document(f"b{i}", *TEN_EVENTS[3][:2], at, source="paper-b.example")), at, story=2)
    clusterer.merge(1, 2)
    summary = clusterer.summary(1)
    assert summary.articles == 16 and len(summary.members) == 8
    assert summary.sources == ("paper-b.example", "wire-a.example") and summary.first == DAY


def test_related_stories_are_the_closest_other_stories_never_the_story_itself():
    clusterer = Clusterer()
    for doc, event in ten_event_articles():
        clusterer.add(doc.id, describe(doc), doc.published, story=event)
    talks = Document("talks2", "Ukraine agrees to Istanbul talks on the ceasefire plan",
                     "Kyiv said its delegation would travel to Istanbul to discuss the 28-point ceasefire plan, the "
                     "front line freeze and the demilitarised zone with Russian negotiators.", DAY)
    clusterer.add("talks2", describe(talks), DAY, story=20)
    related = clusterer.related(20, limit=3)
    keys = [key for key, _ in related]
    assert 20 not in keys
    assert set(keys[:2]) == {0, 3}  # the Istanbul talks and the ceasefire plan
    assert all(0 < score < 1 for _, score in related)
    assert [score for _, score in related] == sorted((score for _, score in related), reverse=True)
    for key in range(10):
        assert key not in [other for other, _ in clusterer.related(key)]


def test_summary_names_members_sources_and_a_central_headline_article():
    clusterer = Clusterer()
    for doc, event in ten_event_articles():
        clusterer.add(doc.id, describe(doc), doc.published, story=event)
    summary = clusterer.summary(4)
    assert summary.members == ("4a", "4b")
    assert summary.sources == ("paper-b.example", "wire-a.example")
    assert summary.representative in summary.members and summary.headline in summary.members
    assert summary.language == "en"
    assert summary.first == DAY + timedelta(minutes=160) and summary.last == summary.first + timedelta(hours=3)


def test_replaying_the_open_window_from_stored_features_gives_the_same_decisions():
    articles = [doc for doc, _ in ten_event_articles()]
    live = Clusterer()
    stored = []
    next_key = 1
    for doc in articles[:-4]:
        features = describe(doc)
        decision = live.decide(doc.id, features, doc.published)
        story = decision.story
        if story is None:
            story, next_key = next_key, next_key + 1
        live.add(doc.id, features, doc.published, story)
        stored.append((doc.id, features.as_json(), doc.published, story))
    rebuilt = Clusterer()
    for doc_id, data, when, story in stored:
        rebuilt.add(doc_id, Features.from_json(data), when, story)
    for doc in articles[-4:]:
        features = describe(doc)
        assert rebuilt.decide(doc.id, features, doc.published) == live.decide(doc.id, features, doc.published)


def test_a_moved_article_leaves_its_story_and_a_split_stays_split():
    clusterer = Clusterer()
    plan = TEN_EVENTS[3]
    a = describe(Document("a", plan[0], plan[1], DAY))
    b = describe(Document("b", plan[2], plan[3], DAY))
    clusterer.add("a", a, DAY, story=1)
    clusterer.add("b", b, DAY, story=2)  # a moderator split the two reports of one event
    third = describe(Document("c", "Ceasefire plan by Witkoff would freeze the front line",
                              "The 28-point plan of Steve Witkoff freezes the front line and sets up a demilitarised "
                              "zone watched by European troops.", DAY))
    decision = clusterer.decide("c", third, DAY)
    assert decision.story in (1, 2) and set(decision.merge) == {1, 2} - {decision.story}
    clusterer.forbid(1, 2)
    assert clusterer.decide("c", third, DAY).merge == ()
    clusterer.remove("b")
    assert clusterer.story_of("b") is None and clusterer.summary(1).members == ("a",)
    assert clusterer.decide("c", third, DAY).story == 1


def test_an_article_that_came_before_its_story_had_grown_ends_in_it_as_in_the_other_order():
    background = [doc for doc, _ in ten_event_articles()]
    reports = [Document(f"report-{n}", title, text, DAY + timedelta(hours=n + 1), source=f"outlet-{n}")
               for n, (title, text) in enumerate(FLOOD_REPORTS)]
    claims = Document("claims", *FLOOD_CLAIMS, DAY + timedelta(hours=1), source="outlet-9")

    def flood_stories(stream: list[Document], config: ClusterConfig = ClusterConfig()) -> list[set[str]]:
        stories = dict(cluster_stream(stream, config))
        flood = {story for doc_id, story in stories.items() if doc_id == "claims" or doc_id.startswith("report")}
        return sorted(({doc_id for doc_id, s in stories.items() if s == story} for story in flood), key=sorted)

    one_story = [{"claims", *(doc.id for doc in reports)}]
    assert flood_stories(background + reports + [claims]) == one_story
    assert flood_stories(background + [claims] + reports) == one_story
    # Decided once and for all on arrival, the piece that came first stays alone.
    assert flood_stories(background + [claims] + reports, ClusterConfig(rehome_margin=float("inf"))) == [
        {"claims"}, {doc.id for doc in reports}]


def simulated_articles(hosts: int, seed: int) -> tuple[list[Document], dict[str, object]]:
    """The generated articles of a fresh demo's simulator, in publication order, with the event each reports."""
    site = Site(hosts, 2, 10, seed, real_articles=False, now=DAY)
    docs, events = [], {}
    for feed in site.feeds.values():
        for item in site.all_items(feed):
            info = site.article_info(feed, item)
            docs.append(Document(info.url, info.title, info.text, info.published, source=feed.host.name))
            events[info.url] = site._topic(feed, item.number)  # the simulator's ground truth
    docs.sort(key=lambda doc: (doc.published, doc.id))
    return docs, events


def test_a_fresh_window_gives_the_simulators_events_as_stories_not_one_snowball():
    # A new install: no history, so the window's own word counts cannot yet tell common words from
    # telling ones, and the simulator's outlets all write from one small vocabulary.
    for hosts, seed in ((4, 1), (12, 1), (12, 2)):
        docs, events = simulated_articles(hosts, seed)
        stories = dict(cluster_stream(docs))
        sizes = Counter(stories.values())
        true_sizes = Counter(events.values())
        assert 0.85 * len(true_sizes) <= len(sizes) <= 1.15 * len(true_sizes), (hosts, seed, len(sizes), len(true_sizes))
        assert max(sizes.values()) <= max(true_sizes.values()) + 2
        # Most articles sit with exactly the reports of their own event.
        exact = sum(1 for doc in docs
                    if {other for other, story in stories.items() if story == stories[doc.id]}
                    == {other for other, event in events.items() if event == events[doc.id]})
        assert exact >= 0.8 * len(docs), (hosts, seed, exact)


CHESS_REPORTS = [
    ("Gukesh keeps his world chess title in Singapore",
     "The world chess championship in Singapore ended on Sunday with a tiebreak win for Gukesh Dommaraju, who "
     "defended his title against Magnus Carlsen after twelve drawn classical games."),
    ("Carlsen falls short in rapid tiebreaks",
     "Magnus Carlsen lost the rapid tiebreak games to Gukesh Dommaraju in Singapore after overlooking a knight "
     "manoeuvre in the third game; the twelve classical games had all been drawn."),
    ("Record audiences for the Singapore chess match",
     "The organisers of the world chess championship in Singapore said the match between Gukesh Dommaraju and "
     "Magnus Carlsen drew record audiences online, with the tiebreak watched by millions."),
]


def test_a_story_that_mixed_two_events_early_splits_them_apart_once_it_has_grown():
    clusterer = Clusterer()
    for doc, event in ten_event_articles():
        clusterer.add(doc.id, describe(doc), doc.published, story=100 + event)
    flood = [Document(f"flood-{n}", title, text, DAY) for n, (title, text) in enumerate([*FLOOD_REPORTS, FLOOD_CLAIMS])]
    chess = [Document(f"chess-{n}", title, text, DAY) for n, (title, text) in enumerate(CHESS_REPORTS)]
    # Say the first chess report came while the flood story was young and joined it, and its follow-ups followed.
    for doc in [*flood[:2], chess[0], *flood[2:], *chess[1:]]:
        assert clusterer.review(1).apart == ()  # under 8 members a story is not looked at
        clusterer.add(doc.id, describe(doc), DAY, story=1)
    assert sorted(clusterer.review(1).apart) == [doc.id for doc in chess]


def test_a_story_of_one_event_stays_whole_when_it_is_looked_at():
    clusterer = Clusterer()
    for doc, event in ten_event_articles():
        clusterer.add(doc.id, describe(doc), doc.published, story=100 + event)
    flood = [*FLOOD_REPORTS, FLOOD_CLAIMS, *((title.replace("Valencia", "the city"), text.replace("Tuesday", "Wednesday"))
                                          for title, text in FLOOD_REPORTS[:3])]
    for n, (title, text) in enumerate(flood):
        clusterer.add(f"flood-{n}", describe(Document(f"flood-{n}", title, text, DAY)), DAY, story=1)
    assert len(clusterer.summary(1).members) == 8
    assert clusterer.review(1).apart == ()


def test_a_broad_story_takes_in_the_piece_alone_that_is_closer_to_it_than_to_any_other_story():
    clusterer = Clusterer()
    for doc, event in ten_event_articles():
        clusterer.add(doc.id, describe(doc), doc.published, story=100 + event)
    clusterer.add("claims", describe(Document("claims", *FLOOD_CLAIMS, DAY)), DAY, story=2)
    clusterer.add("chess", describe(Document("chess", *CHESS_REPORTS[0], DAY)), DAY, story=3)
    flood = [*FLOOD_REPORTS, *((title.replace("Valencia", "the city"), text.replace("Tuesday", "Wednesday"))
                               for title, text in FLOOD_REPORTS)]
    for n, (title, text) in enumerate(flood):
        assert clusterer.review(1).strays == ()  # looked at again from 8 members
        clusterer.add(f"flood-{n}", describe(Document(f"flood-{n}", title, text, DAY)), DAY, story=1)
    assert clusterer.review(1) == Review(strays=(2,))


def test_a_piece_alone_that_came_after_a_broad_storys_last_look_joins_it_within_eight_more_articles():
    clusterer = Clusterer()
    for doc, event in ten_event_articles():
        clusterer.add(doc.id, describe(doc), doc.published, story=100 + event)
    clusterer.add("chess", describe(Document("chess", *CHESS_REPORTS[0], DAY)), DAY, story=3)
    flood = [*FLOOD_REPORTS]
    for old, new in (("Valencia", "the city"), ("Tuesday", "Wednesday"), ("Soldiers", "Troops"), ("storm", "downpour"),
                     ("metro", "underground"), ("record", "historic"), ("shut", "closed"), ("Mayor", "The mayor")):
        flood += [(title.replace(old, new), text.replace(old, new)) for title, text in FLOOD_REPORTS[:3]]
    for n, (title, text) in enumerate(flood[:24]):
        if n == 17:  # after the story's look at 16 members; the next power of two is 32
            clusterer.add("claims", describe(Document("claims", *FLOOD_CLAIMS, DAY)), DAY, story=2)
        if n >= 16:
            assert clusterer.review(1) == Review()
        clusterer.add(f"flood-{n}", describe(Document(f"flood-{n}", title, text, DAY)), DAY, story=1)
    assert clusterer.review(1) == Review(strays=(2,))
