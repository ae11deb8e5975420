"""Politeness per publisher host, shared by every worker thread, process and machine.

Two rules per host: at most HOST_CONCURRENCY requests in flight, and request starts at least
HOST_INTERVAL_MS apart. They live in Redis when there is one, else in the database (PostgreSQL,
which workers on many machines share) or, for SQLite, which only one machine can use, in locked
files beside it, so every worker of a deployment sees the same budget. Database and Redis slots
are leases: a worker killed mid-request frees its slot when the lease runs out instead of
blocking the host forever; a file lock is freed by the kernel when its process dies.
"""

from __future__ import annotations

import fcntl
import os
import re
import secrets
import threading
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Iterator, Protocol
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, connection
from django.utils import timezone

from newsdesk.ingest.fetch import FetchError
from newsdesk.store.models import HostPace, HostSlot

SLOT_LEASE_SECONDS = 120.0
MAX_WAIT_SECONDS = 300.0


class PolitenessTimeout(FetchError):
    """A host stayed busy for longer than a worker is willing to wait."""


class Gate(Protocol):
    def try_acquire(self, host: str, token: str) -> float:
        """Take a slot and the next start time for host; return 0, or seconds to wait first."""

    def release(self, host: str, token: str) -> None: ...


class DatabaseGate:
    """Slots and pacing as rows, claimed with conditional updates that only one worker can win."""

    def __init__(self, concurrency: int, interval: float):
        self.concurrency = concurrency
        self.interval = timedelta(seconds=interval)

    def try_acquire(self, host: str, token: str) -> float:
        now = timezone.now()
        if self.interval:
            # Read the pace before touching any slot: a waiting worker then costs one read.
            pace = HostPace.objects.filter(host=host).values_list("next_allowed", flat=True).first()
            if pace is not None and pace > now:
                return max(0.005, (pace - now).total_seconds())
        if self._free_slot(host, token, now) is None:
            return 0.05
        if not self.interval:
            return 0.0
        now = timezone.now()  # taking the slot may have waited on a lock: pace from the real start
        if HostPace.objects.filter(host=host, next_allowed__lte=now).update(next_allowed=now + self.interval):
            return 0.0
        try:
            HostPace.objects.create(host=host, next_allowed=now + self.interval)
            return 0.0
        except IntegrityError:
            self.release(host, token)  # another worker took this start time
            return 0.005

    def _free_slot(self, host: str, token: str, now) -> int | None:
        lease = now + timedelta(seconds=SLOT_LEASE_SECONDS)
        for slot in range(self.concurrency):
            if HostSlot.objects.filter(host=host, slot=slot, lease_until__lte=now).update(lease_until=lease, holder=token):
                return slot
        existing = set(HostSlot.objects.filter(host=host).values_list("slot", flat=True))
        for slot in range(self.concurrency):
            if slot not in existing:
                try:
                    HostSlot.objects.create(host=host, slot=slot, lease_until=lease, holder=token)
                    return slot
                except IntegrityError:
                    continue
        return None

    def release(self, host: str, token: str) -> None:
        HostSlot.objects.filter(host=host, holder=token).update(lease_until=timezone.now(), holder="")


class FileGate:
    """Slots as exclusive locks on N files per host, pacing as a time written under a lock.

    For SQLite deployments: all their workers are on one machine, and this keeps three write
    transactions per request off the one database file that every article also has to wait for.
    """

    def __init__(self, folder: Path, concurrency: int, interval: float):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.concurrency = concurrency
        self.interval = interval
        self._held: dict[str, int] = {}
        self._held_lock = threading.Lock()

    def _path(self, host: str, name: str) -> str:
        return str(self.folder / f"{re.sub(r'[^A-Za-z0-9.-]', '_', host)}.{name}")

    def try_acquire(self, host: str, token: str) -> float:
        pace = os.open(self._path(host, "pace"), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(pace, fcntl.LOCK_EX)  # held for a few system calls only
            now = time.time()
            written = os.pread(pace, 32, 0).strip()
            next_allowed = float(written) if written else 0.0
            if next_allowed > now:
                return max(0.005, next_allowed - now)
            slot = self._free_slot(host)
            if slot is None:
                return 0.05
            if self.interval:
                os.pwrite(pace, f"{now + self.interval:.6f}".ljust(32).encode(), 0)
            with self._held_lock:
                self._held[token] = slot
            return 0.0
        finally:
            os.close(pace)  # closing drops the lock

    def _free_slot(self, host: str) -> int | None:
        for slot in range(self.concurrency):
            descriptor = os.open(self._path(host, f"slot{slot}"), os.O_RDWR | os.O_CREAT, 0o644)
            try:
                # flock, not fcntl locks: each open file is its own lock, so threads exclude each other too.
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return descriptor
            except BlockingIOError:
                os.close(descriptor)
        return None

    def release(self, host: str, token: str) -> None:
        with self._held_lock:
            descriptor = self._held.pop(token, None)
        if descriptor is not None:
            os.close(descriptor)


# KEYS: slots zset, pace key. ARGV: now (ms), lease (ms), concurrency, interval (ms), token.
_ACQUIRE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local next_allowed = tonumber(redis.call('GET', KEYS[2]) or '0')
local now = tonumber(ARGV[1])
if next_allowed > now then return next_allowed - now end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return -1 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[5])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 2)
if tonumber(ARGV[4]) > 0 then redis.call('SET', KEYS[2], now + tonumber(ARGV[4]), 'PX', tonumber(ARGV[4]) + 1000) end
return 0
"""


class RedisGate:
    """Slots as a sorted set of leases and pacing as a timestamp, changed atomically by a script."""

    def __init__(self, url: str, concurrency: int, interval: float):
        import redis

        self.redis = redis.Redis.from_url(url)
        self.script = self.redis.register_script(_ACQUIRE)
        self.concurrency = concurrency
        self.interval_ms = int(interval * 1000)

    def _keys(self, host: str) -> list[str]:
        return [f"newsdesk:host:{host}:slots", f"newsdesk:host:{host}:next"]

    def try_acquire(self, host: str, token: str) -> float:
        now_ms = int(time.time() * 1000)
        waited = int(self.script(keys=self._keys(host), args=[now_ms, int(SLOT_LEASE_SECONDS * 1000), self.concurrency, self.interval_ms, token]))
        if waited == 0:
            return 0.0
        return 0.05 if waited < 0 else waited / 1000

    def release(self, host: str, token: str) -> None:
        self.redis.zrem(self._keys(host)[0], token)


_gate: Gate | None = None
_gate_lock = threading.Lock()


def current_gate() -> Gate:
    """The deployment's gate: Redis when NEWSDESK_REDIS_URL is set, else files for SQLite, else the database."""
    global _gate
    with _gate_lock:
        if _gate is None:
            options = settings.NEWSDESK
            interval = options["HOST_INTERVAL_MS"] / 1000
            if options["REDIS_URL"]:
                _gate = RedisGate(options["REDIS_URL"], options["HOST_CONCURRENCY"], interval)
            elif connection.vendor == "sqlite":
                _gate = FileGate(Path(options["DATA_DIR"]) / "hosts", options["HOST_CONCURRENCY"], interval)
            else:
                _gate = DatabaseGate(options["HOST_CONCURRENCY"], interval)
        return _gate


def reset_gate() -> None:
    """Forget the gate, so changed settings take effect (tests, benchmarks)."""
    global _gate
    with _gate_lock:
        _gate = None


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


_queues: dict[str, threading.Lock] = {}


def _queue_for(host: str) -> threading.Lock:
    with _gate_lock:
        return _queues.setdefault(host, threading.Lock())


@contextmanager
def polite_slot(url: str, gate: Gate | None = None) -> Iterator[None]:
    """Wait for a slot on url's host and its next start time, hold it for the request."""
    gate = gate or current_gate()
    host = host_of(url)
    token = secrets.token_hex(8)
    deadline = time.monotonic() + MAX_WAIT_SECONDS
    # Threads of one process queue for a host here, so only one of them at a time asks the
    # shared gate (and its database or Redis) and the others wait without costing anything.
    if not _queue_for(host).acquire(timeout=MAX_WAIT_SECONDS):
        raise PolitenessTimeout(f"fetch: {host} stayed busy for {MAX_WAIT_SECONDS:.0f} s; will retry later")
    try:
        while (wait := gate.try_acquire(host, token)) > 0:
            if time.monotonic() + wait > deadline:
                raise PolitenessTimeout(f"fetch: {host} stayed busy for {MAX_WAIT_SECONDS:.0f} s; will retry later")
            time.sleep(min(wait, 1.0))
    finally:
        _queue_for(host).release()
    try:
        yield
    finally:
        gate.release(host, token)
