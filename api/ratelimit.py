"""Per-merchant token buckets, in memory (one API process; a fleet would share them in Redis)."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    at: float


class RateLimiter:
    """``rate`` requests per second on average, bursts of up to ``burst``, per merchant."""

    def __init__(self, rate: float, burst: float) -> None:
        """A limiter with full buckets for every merchant."""
        self._rate, self._burst = rate, burst
        self._buckets: dict[str, _Bucket] = {}

    def take(self, merchant_id: str, now: float | None = None) -> int:
        """Take one token; return 0 if allowed, else the seconds to wait (for Retry-After)."""
        current = time.monotonic() if now is None else now
        bucket = self._buckets.setdefault(merchant_id, _Bucket(self._burst, current))
        bucket.tokens = min(self._burst, bucket.tokens + (current - bucket.at) * self._rate)
        bucket.at = current
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0
        return max(1, math.ceil((1 - bucket.tokens) / self._rate))
