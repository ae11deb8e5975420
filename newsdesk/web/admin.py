"""The admin of stories and articles: why each article is in its story, and a moderator's overrides."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect, render
from django.utils.html import format_html_join

from newsdesk.stories.moderate import ModerationError, merge_stories, move_article, split_story
from newsdesk.store.models import Article, Story


def describe_reason(assignment: dict) -> str:
    """One line for an admin: why the article is in its story."""
    kind = assignment.get("kind", "")
    if kind == "moderator":
        return f"{assignment.get('action', 'placed')} by {assignment.get('by', 'a moderator')}"
    if kind == "new":
        return "started the story"
    if kind == "split":
        return f"split off story {assignment.get('from_story')} with the articles like it"
    parts = [kind, f"similarity {assignment.get('similarity', 0):.2f}"]
    if assignment.get("shared_names"):
        parts.append("names: " + ", ".join(assignment["shared_names"][:5]))
    if assignment.get("time_gap_hours") is not None:
        parts.append(f"{assignment['time_gap_hours']:.1f} h after the story's last article")
    return "; ".join(parts)


class ArticleInline(admin.TabularInline):
    model = Article
    fields = ["title", "source", "published", "reason", "pinned"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ["published"]

    @admin.display(description="why it is here")
    def reason(self, article: Article) -> str:
        return describe_reason(article.assignment)

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ["headline", "article_count", "source_count", "language", "first_seen", "last_updated", "closed", "score"]
    list_filter = ["closed", "language"]
    search_fields = ["headline"]
    readonly_fields = ["lead_article", "first_seen", "last_updated", "article_count", "source_count", "comment_count",
                       "score", "language", "closed", "related_stories", "merged_into"]
    exclude = ["related"]
    inlines = [ArticleInline]
    actions = ["merge_selected"]

    @admin.display(description="related stories")
    def related_stories(self, story: Story):
        titles = dict(Story.objects.filter(pk__in=[r["story"] for r in story.related]).values_list("pk", "headline"))
        return format_html_join("", "<div>{} ({})</div>", ((titles.get(r["story"], r["story"]), r["score"]) for r in story.related))

    @admin.action(description="Merge the selected stories into the oldest one")
    def merge_selected(self, request, queryset):
        stories = list(queryset.order_by("first_seen", "pk"))
        if len(stories) < 2:
            self.message_user(request, "Select at least two stories to merge.", messages.WARNING)
            return
        target = merge_stories(stories[0], stories[1:], request.user.get_username())
        self.message_user(request, f"Merged {len(stories) - 1} stories into “{target.headline}”.", messages.SUCCESS)


class MoveForm(forms.Form):
    story = forms.IntegerField(label="Move to story (id)", min_value=1)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "source", "story", "reason", "pinned", "published", "word_count", "extraction_error"]
    list_filter = ["source", "pinned"]
    search_fields = ["title", "url"]
    raw_id_fields = ["story", "feed", "copy_of"]
    readonly_fields = ["story", "assignment", "pinned", "copy_of"]
    date_hierarchy = "fetched"
    actions = ["split_off", "move_to_story"]

    @admin.display(description="why it is in its story")
    def reason(self, article: Article) -> str:
        return describe_reason(article.assignment)

    @admin.action(description="Split the selected articles off into a new story")
    def split_off(self, request, queryset):
        articles = list(queryset.select_related("story"))
        stories = {a.story_id for a in articles}
        if len(stories) != 1 or None in stories:
            self.message_user(request, "Select articles of one story to split them off.", messages.WARNING)
            return
        try:
            new = split_story(articles[0].story, articles, request.user.get_username())
        except ModerationError as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        self.message_user(request, f"Split {len(articles)} article(s) into story {new.pk}.", messages.SUCCESS)

    @admin.action(description="Move the selected articles to another story…")
    def move_to_story(self, request, queryset):
        form = MoveForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            target = Story.objects.filter(pk=form.cleaned_data["story"]).first()
            if target is None:
                self.message_user(request, f"stories: there is no story {form.cleaned_data['story']}.", messages.ERROR)
                return None
            for article in queryset.select_related("story"):
                move_article(article, target, request.user.get_username())
            self.message_user(request, f"Moved {queryset.count()} article(s) to “{target.headline}”.", messages.SUCCESS)
            return redirect(request.get_full_path())
        return render(request, "admin/store/article/move.html", {
            **self.admin_site.each_context(request), "title": "Move articles to another story",
            "articles": queryset, "form": form, "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        })
