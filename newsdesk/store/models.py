"""What Newsdesk keeps: outlets, their feeds, the articles read from them, and stories."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils import timezone


class Source(models.Model):
    """An outlet: one publisher, whatever number of feeds it has."""

    name = models.CharField(max_length=300)
    homepage = models.URLField(max_length=2048, unique=True)
    icon = models.URLField(max_length=2048, blank=True)
    language = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166 alpha-2 code")
    excerpt_words = models.PositiveIntegerField(
        default=0, help_text="Show readers only the first N words of this outlet's articles (0: the whole text)"
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Feed(models.Model):
    """A subscription polled by the workers, with its health."""

    class Status(models.TextChoices):
        NEW = "new", "new"
        OK = "ok", "ok"
        FAILING = "failing", "failing"

    url = models.URLField(max_length=2048, unique=True)
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="feeds")
    title = models.CharField(max_length=500, blank=True)
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_fetched = models.DateTimeField(null=True, blank=True)
    last_success = models.DateTimeField(null=True, blank=True)
    next_fetch = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    poll_minutes = models.PositiveIntegerField(null=True, blank=True, help_text="Interval chosen at the last poll")
    created = models.DateTimeField(default=timezone.now)
    websub_hub = models.URLField(max_length=2048, blank=True)
    websub_topic = models.URLField(max_length=2048, blank=True)
    websub_secret = models.CharField(max_length=100, blank=True)
    websub_state = models.CharField(max_length=20, blank=True, help_text="requested, active, denied or expired")
    websub_lease_until = models.DateTimeField(null=True, blank=True)
    websub_last_push = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["url"]

    def __str__(self) -> str:
        return self.title or self.url

    @property
    def needs_attention(self) -> bool:
        """Failing for longer than NEWSDESK_ATTENTION_AFTER_DAYS: an admin should look (it keeps being retried)."""
        from django.conf import settings

        if self.failing_since is None:
            return False
        return timezone.now() - self.failing_since > timedelta(days=settings.NEWSDESK["ATTENTION_AFTER_DAYS"])


class HostSlot(models.Model):
    """One of the N concurrent-request slots a publisher host allows, leased by a worker."""

    host = models.CharField(max_length=255)
    slot = models.PositiveSmallIntegerField()
    lease_until = models.DateTimeField(default=timezone.now)
    holder = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["host", "slot"], name="host_slot_unique")]


class HostPace(models.Model):
    """When the next request to a publisher host may start, shared by every worker."""

    host = models.CharField(max_length=255, unique=True)
    next_allowed = models.DateTimeField(default=timezone.now)


class Story(models.Model):
    """One event as readers see it; every article belongs to exactly one."""

    headline = models.CharField(max_length=1000)
    lead_article = models.ForeignKey(
        "Article", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_seen = models.DateTimeField(default=timezone.now)
    last_updated = models.DateTimeField(default=timezone.now)
    article_count = models.PositiveIntegerField(default=0)
    source_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    score = models.FloatField(default=0.0)
    language = models.CharField(max_length=20, blank=True)
    closed = models.BooleanField(default=False, help_text="Quiet for longer than the clustering window: no new article joins it")
    related = models.JSONField(
        default=list, blank=True, help_text="The closest other stories: [{'story': id, 'score': similarity}]"
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        db_index=False,  # an index here lures SQLite, which has no statistics, away from story_top
        help_text="A moderator merged this story into that one: its page redirects there",
    )

    class Meta:
        verbose_name_plural = "stories"
        indexes = [
            models.Index(fields=["closed", "last_updated"], name="story_open"),
            models.Index(fields=["-last_updated"], name="story_latest"),
            models.Index(fields=["-score"], name="story_top"),
            models.Index(fields=["-comment_count", "-last_updated"], name="story_discussed"),
        ]

    def __str__(self) -> str:
        return self.headline


class Article(models.Model):
    """One publisher's page, with the text and metadata extracted from it."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="articles")
    feed = models.ForeignKey(Feed, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles")
    story = models.ForeignKey(Story, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles")
    url = models.URLField("canonical URL", max_length=2048, unique=True)
    guid = models.CharField(max_length=2048, blank=True, db_index=True)
    title = models.CharField(max_length=1000)
    authors = models.JSONField(default=list, blank=True)
    published = models.DateTimeField(null=True, blank=True)
    updated = models.DateTimeField(null=True, blank=True)
    fetched = models.DateTimeField(default=timezone.now)
    summary = models.TextField(blank=True)
    text = models.TextField(blank=True)
    html = models.TextField("sanitized HTML", blank=True)
    image = models.URLField("lead image", max_length=2048, blank=True)
    language = models.CharField(max_length=20, blank=True)
    word_count = models.PositiveIntegerField(default=0)
    content_hash = models.CharField(max_length=64, blank=True, db_index=True)
    extraction_error = models.TextField(blank=True)
    truncated = models.BooleanField(default=False, help_text="Paywalled or cut short: the rest is on the publisher's page")
    related = models.JSONField(default=list, blank=True, help_text="Promo cards found inside the article body")
    embeds = models.JSONField(default=list, blank=True, help_text="Social posts and videos embedded in the article")
    copy_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies",
        help_text="The first article of which this one is a syndicated copy",
    )
    assignment = models.JSONField(
        default=dict, blank=True,
        help_text="Why the article is in its story: kind, similarity, shared names, time gap, moderator",
    )
    pinned = models.BooleanField(default=False, help_text="Placed by a moderator: clustering never moves it")

    class Meta:
        # An outlet's newest articles come from article_source_latest, made in migration 0007 with
        # SQL of each database's own: SQLite sorts NULLs last in DESC by itself and refuses NULLS LAST.
        indexes = [models.Index(fields=["story", "published"], name="article_story_time")]

    def __str__(self) -> str:
        return self.title

    @property
    def byline(self) -> str:
        return ", ".join(self.authors)

    @property
    def when(self):
        """The time readers are shown: published if the page said so, else when we read it."""
        return self.published or self.fetched


class ArticleFeatures(models.Model):
    """What the story clusterer keeps of an article, so any worker can rebuild its open window."""

    article = models.OneToOneField(Article, primary_key=True, on_delete=models.CASCADE, related_name="features")
    data = models.JSONField()
    when = models.DateTimeField()


class ClusterEvent(models.Model):
    """One change of story membership, replayed in this order by every worker process."""

    class Kind(models.TextChoices):
        ADD = "add", "article added to a story"
        REMOVE = "remove", "article taken out of its story"
        FORBID = "forbid", "two stories must never merge"
        MERGE = "merge", "the other story joined this one"

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    article_id = models.BigIntegerField(null=True)
    story_id = models.BigIntegerField(null=True)
    other_story_id = models.BigIntegerField(null=True)
    created = models.DateTimeField(default=timezone.now, db_index=True)
