"""The JSON API (django-ninja) at /api/: stories, articles, sources and search, with its OpenAPI document."""

from newsdesk.api.endpoints import api

__all__ = ["api"]
