"""Django settings, derived from the NEWSDESK_* environment (see newsdesk.config)."""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url

from newsdesk import config

NEWSDESK = config.load()
DATA_DIR: Path = NEWSDESK["DATA_DIR"]
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if NEWSDESK["SECRET_KEY"]:
        return NEWSDESK["SECRET_KEY"]
    # Generated once per data folder so sessions survive restarts without any setup.
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = NEWSDESK["DEBUG"]
ALLOWED_HOSTS = [h.strip() for h in NEWSDESK["ALLOWED_HOSTS"].split(",") if h.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "huey.contrib.djhuey",
    "newsdesk.store",
    "newsdesk.search",
    "newsdesk.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before sessions and auth, so that a cached page costs none of them; it stores what they return.
    "newsdesk.web.cache.PageCache",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "newsdesk.web.privacy.ContentSecurityPolicy",
]

ROOT_URLCONF = "newsdesk.urls"
WSGI_APPLICATION = "newsdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _databases() -> dict:
    url = NEWSDESK["DATABASE_URL"]
    if url:
        database = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        if database["ENGINE"].endswith("sqlite3"):
            database["OPTIONS"] = _SQLITE_OPTIONS
            database["CONN_MAX_AGE"] = SQLITE_CONN_MAX_AGE
        return {"default": database}
    return {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "newsdesk.sqlite3",
            "OPTIONS": _SQLITE_OPTIONS,
            "CONN_MAX_AGE": SQLITE_CONN_MAX_AGE,
            # A file, not memory, so that tests can hand the database to a real worker process.
            "TEST": {"NAME": str(DATA_DIR / "test.sqlite3")},
        }
    }


# WAL lets readers go on while the worker writes; IMMEDIATE transactions take the write
# lock up front, so two writers queue on busy_timeout instead of failing with "locked".
# Memory-mapped reads skip a copy of every page read: a cold search costs about an eighth less CPU at a
# million articles (SQLite caps the map at 2 GB unless built otherwise).
_SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                    "PRAGMA mmap_size=2147418112;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 30,
}
# Each web thread keeps its connection between requests: a new one starts with an empty page cache
# and runs the PRAGMAs again, which cost a cold search about a fifth of its CPU (bench/web_load.py).
SQLITE_CONN_MAX_AGE = 60
DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _huey() -> dict:
    common = {"name": "newsdesk", "immediate": False, "utc": True,
              "consumer": {"workers": NEWSDESK["QUEUE_WORKERS"], "worker_type": "thread",
                           "periodic": True, "check_worker_health": True,
                           "max_delay": 1.0}}  # an idle SQLite queue is polled; Huey's 10 s default delays new work
    if NEWSDESK["REDIS_URL"]:
        return {**common, "huey_class": "huey.PriorityRedisHuey", "url": NEWSDESK["REDIS_URL"]}
    return {**common, "huey_class": "huey.SqliteHuey", "filename": str(DATA_DIR / "queue.sqlite3")}


HUEY = _huey()

if NEWSDESK["REDIS_URL"]:
    CACHES = {"default": {"BACKEND": "newsdesk.web.cache.RedisCache",
                          "LOCATION": NEWSDESK["REDIS_URL"], "KEY_PREFIX": "newsdesk"}}
else:
    # Files in the data folder rather than each process's memory: every web process serves the pages
    # another one rendered, and one clear() empties the cache for all of them (and the workers).
    CACHES = {"default": {"BACKEND": "newsdesk.web.cache.FileCache", "LOCATION": DATA_DIR / "cache",
                          "OPTIONS": {"MAX_ENTRIES": 20_000}}}

LANGUAGE_CODE = "en-us"
TIME_ZONE = NEWSDESK["TIME_ZONE"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
LOGIN_URL = "/admin/login/"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "newsdesk": {"handlers": ["console"], "level": "INFO"},
        "huey": {"handlers": ["console"], "level": "WARNING"},
    },
}
