"""Rate limits on creating predictions, per person and per client IP,
shared by the upload page and the API (counters in the cache).

Limits are "N/period" strings from settings (period: second, minute, hour,
day); a fixed window per period.
"""

from dataclasses import dataclass
import math
import time

from django.conf import settings
from django.core.cache import cache

from accounts.throttle import client_ip

PERIODS = {"s": 1, "second": 1, "m": 60, "minute": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


@dataclass(frozen=True)
class RateLimited:
    retry_after: int  # seconds


def parse_rate(rate):
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period.strip().lower()]


def prediction_rate_check(request):
    """Count one prediction attempt; a RateLimited when over a limit, else None."""
    now = time.time()
    keys = [("ip", client_ip(request), settings.MLH_PREDICTION_RATE_IP)]
    if request.user.is_authenticated:
        keys.append(("user", str(request.user.pk), settings.MLH_PREDICTION_RATE_USER))
    waits = []
    for kind, ident, rate in keys:
        if not rate:
            continue
        limit, period = parse_rate(rate)
        window = int(now // period)
        key = f"predict-rate:{kind}:{ident}:{period}:{window}"
        cache.add(key, 0, timeout=period + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=period + 1)
            count = 1
        if count > limit:
            waits.append(math.ceil((window + 1) * period - now))
    return RateLimited(retry_after=max(1, max(waits))) if waits else None
