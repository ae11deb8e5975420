"""The API's docs page: Swagger UI from the django-ninja package, served by us (no third-party request)."""

from __future__ import annotations

import mimetypes
from pathlib import Path

import ninja
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html, json_script
from ninja.openapi.docs import DocsBase

NINJA_STATIC = Path(ninja.__file__).with_name("static") / "ninja"
ASSETS = {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js"}
# Still this site alone; Swagger UI sets styles inline and draws icons from data: URLs.
DOCS_POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
               "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title}</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="{css}">
</head>
<body>
  <main id="swagger-ui" aria-label="{title}"></main>
  {settings}
  <script src="{bundle}"></script>
  <script src="{init}"></script>
</body>
</html>
"""


class LocalSwagger(DocsBase):
    """Swagger UI whose script and style come from this site, like every other page of Newsdesk."""

    def render_page(self, request: HttpRequest, api, **kwargs) -> HttpResponse:
        settings = {"url": self.get_openapi_url(api, kwargs), "layout": "BaseLayout", "deepLinking": True}
        asset = lambda name: reverse("api-asset", args=[name])  # noqa: E731
        response = HttpResponse(format_html(
            PAGE, title=api.title, css=asset("swagger-ui.css"), bundle=asset("swagger-ui-bundle.js"),
            init=asset("swagger-ui-init.js"), settings=json_script(settings, "swagger-settings")))
        response["Content-Security-Policy"] = DOCS_POLICY
        return response


def asset(request: HttpRequest, name: str) -> FileResponse:
    """One of Swagger UI's files, as installed with django-ninja."""
    if name not in ASSETS:
        raise Http404(f"api: no docs asset {name!r}")
    response = FileResponse((NINJA_STATIC / name).open("rb"), content_type=mimetypes.guess_type(name)[0])
    response["Cache-Control"] = "public, max-age=86400"
    return response
