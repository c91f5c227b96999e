"""How often the one writable page may be asked: the confirmation link (`/bevestig`) needs no access token, so
an outsider could make the server read the logbook at will. A sliding window per key (the client's address,
and the link's token): at most `most` requests in `window_s` seconds; beyond it a 429 with Retry-After.

In memory, per `calamiteit web` process; the clock is passed in (time.monotonic in the server).
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections import deque
from collections.abc import Callable

KEEP_KEYS = 10_000  # beyond this many keys, the ones whose window has passed are dropped


class Limit:
    def __init__(self, most: int, window_s: float, now: Callable[[], float]) -> None:
        self.most, self.window_s, self.now = most, window_s, now
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def wait_s(self, key: str) -> int:
        """0 when this request may go on (and it is counted), else the whole seconds until it may."""
        key = hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()  # a long token costs no memory
        with self._lock:
            now = self.now()
            if len(self._seen) > KEEP_KEYS:
                self._seen = {k: q for k, q in self._seen.items() if q and q[-1] > now - self.window_s}
            times = self._seen.setdefault(key, deque())
            while times and times[0] <= now - self.window_s:
                times.popleft()
            if len(times) >= self.most:
                return max(1, math.ceil(times[0] + self.window_s - now))
            times.append(now)
            return 0
