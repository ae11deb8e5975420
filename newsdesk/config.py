"""Every NEWSDESK_* option: name, default, one-line help and validation, in one table."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit


VERSION = "0.1.0"


class ConfigError(ValueError):
    """A NEWSDESK_* variable has a value Newsdesk cannot use."""


def _boolean(raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError("expected one of 1/0, true/false, yes/no, on/off")


def _whole_number(raw: str) -> int:
    try:
        return int(raw.strip())
    except ValueError:
        raise ValueError("expected a whole number") from None


def _positive_int(raw: str) -> int:
    value = _whole_number(raw)
    if value <= 0:
        raise ValueError("expected a whole number above 0")
    return value


def _non_negative_int(raw: str) -> int:
    value = _whole_number(raw)
    if value < 0:
        raise ValueError("expected a whole number, 0 or more")
    return value


def _port(raw: str) -> int:
    value = _whole_number(raw)
    if not 0 < value < 65536:
        raise ValueError("expected a port between 1 and 65535")
    return value


def _networks(raw: str) -> bool | tuple:
    """true/false, or the networks that are allowed although not public."""
    try:
        return _boolean(raw)
    except ValueError:
        pass
    try:
        return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in raw.split(",") if part.strip())
    except ValueError:
        raise ValueError("expected true, false, or networks like 10.0.0.0/8,192.168.1.5") from None


def _database_url(raw: str) -> str:
    if raw and urlsplit(raw).scheme not in {"postgres", "postgresql", "sqlite"}:
        raise ValueError("expected postgres://user@host:port/name or sqlite:///path")
    return raw


def _redis_url(raw: str) -> str:
    if raw and urlsplit(raw).scheme not in {"redis", "rediss", "unix"}:
        raise ValueError("expected redis://host:port/db")
    return raw


def _text(raw: str) -> str:
    return raw


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str
    parse: Callable[[str], Any] = _text


SETTINGS: tuple[Setting, ...] = (
    Setting("DATA_DIR", "./data", "Folder for the SQLite database, the task queue and caches."),
    Setting("DATABASE_URL", "", "Unset: SQLite (WAL) in the data folder; postgres://... for PostgreSQL.", _database_url),
    Setting("REDIS_URL", "", "Unset: task queue on SQLite in the data folder; redis://... for Redis.", _redis_url),
    Setting("HOST", "127.0.0.1", "Address the web server listens on."),
    Setting("PORT", "8000", "Port the web server listens on.", _port),
    Setting("WEB_WORKERS", "2", "Web server processes started by `newsdesk web` and `run`.", _positive_int),
    Setting("WORKER_PROCESSES", str(max(1, min(4, os.cpu_count() or 1))), "Worker processes `newsdesk run` starts (default: one per core, up to 4).", _positive_int),
    Setting("QUEUE_WORKERS", "16", "Threads each worker process runs tasks on (mostly waiting on publishers).", _positive_int),
    Setting("SECRET_KEY", "", "Signing key; unset: generated once and kept in the data folder."),
    Setting("DEBUG", "false", "Show Django's debug pages (never in production).", _boolean),
    Setting("ALLOWED_HOSTS", "*", "Comma-separated host names the site answers to."),
    Setting("BASE_URL", "http://127.0.0.1:8000", "Public address of the site, for links in feeds and mail."),
    Setting("CONTACT_URL", "", "Page or mailto: URL where publishers can reach this instance's operator; sent in the User-Agent."),
    Setting("HOST_CONCURRENCY", "2", "Requests in flight to one publisher host, across all workers.", _positive_int),
    Setting("HOST_INTERVAL_MS", "250", "Milliseconds between two request starts to one publisher host.", _non_negative_int),
    Setting("JOB_LEASE_SECONDS", "900", "A feed claimed by a worker that died is polled again after this long.", _positive_int),
    Setting("ATTENTION_AFTER_DAYS", "3", "A feed failing for this many days is flagged for attention (never removed).", _positive_int),
    Setting("FETCH_TIMEOUT", "20", "Seconds before a feed or page request is abandoned.", _positive_int),
    Setting("MAX_BODY_BYTES", str(15 * 1024 * 1024), "Largest feed or page body read, after decompression.", _positive_int),
    Setting("MIN_POLL_MINUTES", "10", "Shortest interval between two polls of one feed.", _positive_int),
    Setting("MAX_POLL_MINUTES", "360", "Longest interval between two polls of one feed.", _positive_int),
    Setting("ARTICLES_PER_POLL", "30", "New articles fetched in full from one feed per poll.", _positive_int),
    Setting("ALLOW_PRIVATE_NETWORKS", "false", "true: allow feeds and pages on loopback and private addresses; or a comma-separated list of networks (10.0.0.0/8,...) to allow.", _networks),
    Setting("SUBSCRIBE_DEFAULTS", "true", "On first start with no feeds, subscribe to the bundled world-news OPML.", _boolean),
    Setting("TIME_ZONE", "UTC", "Time zone used to show dates."),
    Setting("PAGE_CACHE_SECONDS", "60", "Seconds a reader page stays cached for anonymous readers (0: no page cache).", _non_negative_int),
)


def load(environ: os._Environ | dict[str, str] | None = None) -> dict[str, Any]:
    """Read every NEWSDESK_* variable, parsed; raise ConfigError naming each bad one."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    problems: list[str] = []
    for setting in SETTINGS:
        raw = environ.get(f"NEWSDESK_{setting.name}", setting.default)
        try:
            values[setting.name] = setting.parse(raw)
        except ValueError as error:
            problems.append(f"NEWSDESK_{setting.name}={raw!r}: {error}")
    known = {f"NEWSDESK_{s.name}" for s in SETTINGS}
    unknown = sorted(k for k in environ if k.startswith("NEWSDESK_") and k not in known and k != "NEWSDESK_CORPUS_DIR")
    problems.extend(f"{name}: not a Newsdesk setting (see `newsdesk settings`)" for name in unknown)
    if not problems and values["MIN_POLL_MINUTES"] > values["MAX_POLL_MINUTES"]:
        problems.append("NEWSDESK_MIN_POLL_MINUTES is above NEWSDESK_MAX_POLL_MINUTES")
    if problems:
        raise ConfigError("config: " + "; ".join(problems))
    values["DATA_DIR"] = Path(values["DATA_DIR"]).expanduser().resolve()
    contact = f"; +{values['CONTACT_URL']}" if values["CONTACT_URL"] else ""
    values["USER_AGENT"] = f"Newsdesk/{VERSION} (self-hosted news aggregator{contact})"
    return values
