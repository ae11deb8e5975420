"""Dates as pages and feeds write them, turned into ISO 8601."""

from __future__ import annotations

from datetime import datetime


def to_iso8601(value: str | None) -> str | None:
    """Return value as ISO 8601 if it reads as a date, else None."""
    if not value:
        return None
    value = value.strip()
    if len(value) == 10:  # a day without a time stays a day
        try:
            return datetime.strptime(value, "%Y-%m-%d").date().isoformat()
        except ValueError:
            return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).isoformat()
    except ValueError:
        return None
