from django.urls import path

from newsdesk.web import images, views, websub

app_name = "web"
urlpatterns = [
    path("", views.front_page, name="front"),
    path("stories/<int:story_id>/", views.story_page, name="story"),
    path("sources/<int:source_id>/", views.source_page, name="source"),
    path("img/", images.image, name="image"),
    path("static/<path:name>", views.static_file, name="static"),
    path("healthz", views.health, name="health"),
    path("websub/<int:feed_id>/<str:token>/", websub.callback, name="websub-callback"),
]
