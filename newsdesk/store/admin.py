"""The admin: every model, with feed health up front."""

from django.contrib import admin, messages

from newsdesk.store.models import Article, Feed, Source, Story


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "homepage", "language", "country", "created"]
    search_fields = ["name", "homepage"]


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = ["url", "source", "status", "attention", "consecutive_failures", "last_success", "next_fetch", "last_error"]
    list_filter = ["status"]
    search_fields = ["url", "title", "source__name"]
    readonly_fields = ["etag", "last_modified", "last_fetched", "last_success", "consecutive_failures", "last_error",
                       "failing_since", "poll_minutes", "websub_hub", "websub_topic", "websub_state",
                       "websub_lease_until", "websub_last_push"]
    exclude = ["websub_secret"]
    actions = ["refresh_now"]

    @admin.display(boolean=True, description="needs attention")
    def attention(self, feed: Feed) -> bool:
        return feed.needs_attention

    @admin.action(description="Refresh now")
    def refresh_now(self, request, queryset):
        from newsdesk.ingest.schedule import refresh_soon
        from newsdesk.tasks import refresh_feed_task

        feed_ids = list(queryset.values_list("id", flat=True))
        refresh_soon(feed_ids)
        for feed_id in feed_ids:
            refresh_feed_task(feed_id)
        self.message_user(request, f"{len(feed_ids)} feed(s) queued for a refresh.", messages.SUCCESS)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "source", "published", "fetched", "word_count", "extraction_error"]
    list_filter = ["source"]
    search_fields = ["title", "url"]
    raw_id_fields = ["story", "feed"]
    date_hierarchy = "fetched"


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ["headline", "article_count", "source_count", "first_seen", "last_updated", "score"]
    search_fields = ["headline"]
    raw_id_fields = ["lead_article"]
