from django.urls import path, re_path

from newsdesk.search import views as search_views
from newsdesk.web import feeds, images, views, websub

app_name = "web"
urlpatterns = [
    path("", views.front_page, name="front"),
    path("stories/<int:story_id>/", views.story_page, name="story"),
    path("sources/<int:source_id>/", views.source_page, name="source"),
    path("img/", images.image, name="image"),
    path("search", search_views.search_page, name="search"),
    re_path(r"^feeds/top\.(?P<fmt>rss|atom|json)$", feeds.top_feed, name="feed-top"),
    re_path(r"^feeds/sources/(?P<source_id>[0-9]+)\.(?P<fmt>rss|atom|json)$", feeds.outlet_feed, name="feed-source"),
    re_path(r"^feeds/search\.(?P<fmt>rss|atom|json)$", feeds.search_feed, name="feed-search"),
    path("static/<path:name>", views.static_file, name="static"),
    path("healthz", views.health, name="health"),
    path("websub/<int:feed_id>/<str:token>/", websub.callback, name="websub-callback"),
]
