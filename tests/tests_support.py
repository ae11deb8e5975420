"""Helpers for tests that hand the database to a child process."""

from __future__ import annotations

from django.db import connection


def database_url() -> str:
    """The URL of the database this test runs on, for a child process to share it."""
    options = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{options['NAME']}"
    return f"postgres://{options['USER']}@{options['HOST']}:{options['PORT']}/{options['NAME']}"


def store_and_assign(outlet: str, slug: str, title: str, text: str, published):
    """Store an article of outlet as ingestion does, put it in its story, and return it fresh from the database."""
    from django.db import transaction

    from newsdesk.catalog.subscriptions import subscribe
    from newsdesk.stories.assign import assign_story
    from newsdesk.store.articles import ArticleData, save_article

    feed, _ = subscribe(f"https://{outlet}.example/rss")
    article, created = save_article(feed, ArticleData(url=f"https://{outlet}.example/{slug}", guid=slug, title=title,
                                                      authors=[], published=published, text=text))
    assert created
    with transaction.atomic():
        assign_story(article)
    article.refresh_from_db()
    return article


def store_waiting(outlet: str, slug: str, title: str, text: str, published):
    """Store an article of outlet as ingestion does: with its features and no story yet; return it."""
    from django.db import transaction

    from newsdesk.catalog.subscriptions import subscribe
    from newsdesk.stories.assign import describe_text, store_features
    from newsdesk.store.articles import ArticleData, save_article

    feed, _ = subscribe(f"https://{outlet}.example/rss")
    features = describe_text(title, text, published, feed.source_id)
    with transaction.atomic():
        article, created = save_article(feed, ArticleData(url=f"https://{outlet}.example/{slug}", guid=slug, title=title,
                                                          authors=[], published=published, text=text))
        assert created
        store_features(article, features)
    return article


# Four reports of one flood, and a piece on its insurance claims that shares few words with any one
# report but many with all four: alone with the first report it looks unrelated.
FLOOD_REPORTS = [
    ("Flash floods shut Valencia metro after record rain",
     "Valencia closed all metro lines on Tuesday after a storm dropped 300 millimetres of rain on the city overnight. "
     "Mayor Maria Jose Catala asked residents to stay at home while pumps cleared flooded stations."),
    ("AEMET red alert as storm stalls over Valencia",
     "The weather agency AEMET kept its red alert for Valencia as the storm stalled over the coast. Schools were shut "
     "and regional president Juanfran Perez Llorca said rainfall of 300 millimetres had broken the record."),
    ("Renfe suspends commuter trains around flooded Valencia",
     "Renfe suspended commuter trains around Valencia and the metro stayed shut, with water up to the platforms at "
     "Xativa station. The storm is expected to ease by Wednesday, AEMET said."),
    ("Soldiers rescue drivers trapped by Valencia floodwater",
     "Soldiers of the emergency unit UME rescued forty drivers trapped by floodwater on the ring road of Valencia. "
     "Mayor Maria Jose Catala said the storm was the worst since 1957 and the metro would reopen in stages."),
]
FLOOD_CLAIMS = ("Insurers brace for claims after the floods",
                "Insurers expect thousands of claims for cars and shops. Assessors start once AEMET lifts its red "
                "alert, Renfe runs its commuter trains again and the UME soldiers have pumped out the floodwater, the "
                "consortium that covers extraordinary risks said.")
