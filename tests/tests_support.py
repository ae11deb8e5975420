"""Helpers for tests that hand the database to a child process."""

from __future__ import annotations

from django.db import connection


def database_url() -> str:
    """The URL of the database this test runs on, for a child process to share it."""
    options = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{options['NAME']}"
    return f"postgres://{options['USER']}@{options['HOST']}:{options['PORT']}/{options['NAME']}"
