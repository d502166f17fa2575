"""Rate limits against guessing: a sliding window of attempts per key (a username, a case number,
a client address), kept in the process's memory.

Limits apply to keys whether or not the user or case exists, so being limited reveals nothing.
Several server processes each keep their own windows: the per-account lock-out stored in the
database is what binds across processes.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import deque

from refuge.domain.errors import TooManyAttempts

__all__ = ["AttemptLimiter"]


class AttemptLimiter:
    """At most `limit` attempts per key within `window`."""

    def __init__(self, limit: int, window: dt.timedelta, *, max_keys: int = 100_000) -> None:
        self._limit = limit
        self._window = window
        self._max_keys = max_keys
        self._attempts: dict[str, deque[dt.datetime]] = {}
        self._lock = threading.Lock()

    def hit(self, keys: list[str], now: dt.datetime) -> None:
        """Count one attempt against every key; raise TooManyAttempts if any is over its limit
        (the attempt is still counted, so hammering does not reopen the window)."""
        over = False
        with self._lock:
            if len(self._attempts) > self._max_keys:
                self._forget_idle(now)
            for key in keys:
                seen = self._attempts.setdefault(key, deque())
                while seen and now - seen[0] >= self._window:
                    seen.popleft()
                seen.append(now)
                over = over or len(seen) > self._limit
        if over:
            seconds = int(self._window.total_seconds())
            raise TooManyAttempts(f"too many attempts; try again in up to {seconds} seconds")

    def clear(self, key: str) -> None:
        with self._lock:
            self._attempts.pop(key, None)

    def _forget_idle(self, now: dt.datetime) -> None:
        idle = [
            k for k, seen in self._attempts.items() if not seen or now - seen[-1] >= self._window
        ]
        for key in idle:
            del self._attempts[key]
