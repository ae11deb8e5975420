from django.contrib import admin
from django.urls import include, path

from newsdesk.api import api
from newsdesk.api.docs import asset as api_asset

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/docs/assets/<str:name>", api_asset, name="api-asset"),
    path("api/", api.urls),
    path("", include("newsdesk.web.urls")),
]
