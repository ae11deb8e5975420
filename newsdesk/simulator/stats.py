"""Counts of what the simulated publishers were asked, kept per host for politeness checks."""

import threading
from collections import Counter, deque
from dataclasses import dataclass
from typing import Any

REQUEST_LOG_SIZE = 100_000


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One answered request, as the server saw it."""

    at: float  # time.time() when the request head arrived
    host: str  # the loopback address the client connected to
    method: str
    path: str
    status: int  # 0 when the server hung up without answering
    bytes_sent: int
    duration: float
    headers: dict[str, str]  # request headers, names lowercased


class RequestStats:
    """Counters updated by the server's event loop and read from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # What is open right now survives a reset; everything else starts again from zero.
        self._in_flight: Counter[str] = Counter()
        self._in_flight_total = 0
        self._open_connections: Counter[str] = Counter()
        self.reset()

    def reset(self) -> None:
        """Zero every counter; peaks restart from what is open right now."""
        with self._lock:
            self._requests: Counter[str] = Counter()
            self._paths: Counter[str] = Counter()
            self._statuses: Counter[int] = Counter()
            self._connections: Counter[str] = Counter()
            self._bytes_sent: Counter[str] = Counter()
            self._peak_in_flight = Counter(+self._in_flight)
            self._peak_in_flight_total = self._in_flight_total
            self._peak_connections = Counter(+self._open_connections)
            self._log: deque[RequestRecord] = deque(maxlen=REQUEST_LOG_SIZE)

    def open_connection(self, address: str) -> None:
        """Count a connection accepted on a host."""
        with self._lock:
            self._connections[address] += 1
            self._open_connections[address] += 1
            if self._open_connections[address] > self._peak_connections[address]:
                self._peak_connections[address] = self._open_connections[address]

    def close_connection(self, address: str) -> None:
        """Count a connection to a host as gone."""
        with self._lock:
            self._open_connections[address] -= 1

    def begin_request(self, address: str, url: str) -> None:
        """Count a request whose head has arrived and which is now in flight."""
        with self._lock:
            self._requests[address] += 1
            self._paths[url] += 1
            self._in_flight[address] += 1
            self._in_flight_total += 1
            if self._in_flight[address] > self._peak_in_flight[address]:
                self._peak_in_flight[address] = self._in_flight[address]
            if self._in_flight_total > self._peak_in_flight_total:
                self._peak_in_flight_total = self._in_flight_total

    def count_status(self, status: int) -> None:
        """Count the status of a response about to be sent (before the client can see it)."""
        with self._lock:
            self._statuses[status] += 1

    def end_request(self, record: RequestRecord, status_counted: bool = False) -> None:
        """Count a request as finished, answered or not."""
        with self._lock:
            self._in_flight[record.host] -= 1
            self._in_flight_total -= 1
            if not status_counted:
                self._statuses[record.status] += 1
            self._bytes_sent[record.host] += record.bytes_sent
            self._log.append(record)

    def snapshot(self, addresses: list[str]) -> dict[str, Any]:
        """Return every counter as plain data, with an entry for each of the given hosts."""
        with self._lock:
            hosts = {
                address: {
                    "requests": self._requests[address],
                    "in_flight": self._in_flight[address],
                    "peak_in_flight": self._peak_in_flight[address],
                    "connections": self._connections[address],
                    "open_connections": self._open_connections[address],
                    "peak_connections": self._peak_connections[address],
                    "bytes_sent": self._bytes_sent[address],
                }
                for address in addresses
            }
            return {
                "requests": sum(self._requests.values()),
                "in_flight": self._in_flight_total,
                "peak_in_flight": self._peak_in_flight_total,
                "hosts": hosts,
                "paths": dict(self._paths),
                "statuses": dict(self._statuses),
            }

    def records(self) -> list[RequestRecord]:
        """Return the logged requests, oldest first."""
        with self._lock:
            return list(self._log)
