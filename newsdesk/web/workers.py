"""The web server's worker class: gunicorn's threaded worker, sharing the load evenly between processes."""

from __future__ import annotations

from gunicorn.workers.gthread import ThreadWorker


class FreeThreadWorker(ThreadWorker):
    """gthread, except that a process takes new connections only while one of its threads is free, and
    sends a client back to the queue (closing the connection after its answer) while requests wait.

    Stock gthread accepts every connection it can and keeps it alive in that process. Under load the
    process that wakes first takes most connections and queues them behind its four threads while
    the other idles: in bench/web_load.py one of two processes did 65 to 100% of the work. Refusing
    new connections alone balances the processes but starves the clients left in the kernel's queue
    behind the kept-alive ones (a 15 s p95 over the same pass); closing while busy keeps it first come,
    first served.
    """

    def busy(self) -> int:
        """Connections with a request in a thread or queued for one (neither idle kept alive nor waiting to send)."""
        waiting = len(getattr(self, "keepalived_conns", ())) + len(getattr(self, "pending_conns", ()))
        return self.nr_conns - waiting

    @property
    def worker_connections(self) -> int:
        # gthread's loop accepts while it holds fewer connections than this.
        return self._most_connections if self.busy() < self.cfg.threads else 0

    @worker_connections.setter
    def worker_connections(self, value: int) -> None:
        self._most_connections = value

    @property
    def max_keepalived(self) -> int:
        # gthread closes a connection after the answer it is about to give when it keeps this many alive.
        return self._most_keepalived if self.busy() <= self.cfg.threads else 0

    @max_keepalived.setter
    def max_keepalived(self, value: int) -> None:
        self._most_keepalived = value
