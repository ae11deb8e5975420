from django.urls import path

from newsdesk.web import views, websub

app_name = "web"
urlpatterns = [
    path("", views.front_page, name="front"),
    path("stories/<int:story_id>/", views.story_page, name="story"),
    path("static/<path:name>", views.static_file, name="static"),
    path("healthz", views.health, name="health"),
    path("websub/<int:feed_id>/<str:token>/", websub.callback, name="websub-callback"),
]
