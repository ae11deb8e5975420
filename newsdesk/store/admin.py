"""The admin of outlets and feeds, with feed health up front (stories and articles: web/admin.py)."""

from django.contrib import admin, messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from newsdesk.store.models import Feed, Source


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

    change_list_template = "admin/store/feed/change_list.html"

    def get_urls(self):
        own = [
            path("import-opml/", self.admin_site.admin_view(self.import_opml_view), name="store_feed_import_opml"),
            path("export-opml/", self.admin_site.admin_view(self.export_opml_view), name="store_feed_export_opml"),
        ]
        return own + super().get_urls()

    def import_opml_view(self, request):
        """Upload an OPML file; every feed in it is subscribed, and what was repaired is shown."""
        from newsdesk.catalog.opml import OpmlError
        from newsdesk.catalog.subscriptions import import_opml

        if not self.has_add_permission(request):
            return redirect("admin:store_feed_changelist")
        context = {**self.admin_site.each_context(request), "title": "Import OPML", "opts": self.model._meta}
        if request.method == "POST" and request.FILES.get("opml"):
            try:
                report = import_opml(request.FILES["opml"].read())
            except OpmlError as error:
                messages.error(request, str(error))
            else:
                context["report"] = report
        return render(request, "admin/store/feed/import_opml.html", context)

    def export_opml_view(self, request):
        from newsdesk.catalog.subscriptions import export_opml

        response = HttpResponse(export_opml(), content_type="text/x-opml; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="newsdesk-subscriptions.opml"'
        return response

    @admin.action(description="Refresh now")
    def refresh_now(self, request, queryset):
        from newsdesk.ingest.schedule import refresh_soon
        from newsdesk.tasks import refresh_feed_task

        feed_ids = list(queryset.values_list("id", flat=True))
        refresh_soon(feed_ids)
        for feed_id in feed_ids:
            refresh_feed_task(feed_id)
        self.message_user(request, f"{len(feed_ids)} feed(s) queued for a refresh.", messages.SUCCESS)
