"""Rate limits on analysing photos, per person and per client IP, shared by
the upload page, the API and choosing another face (counters in the shared
cache: Redis in production, so every worker counts together).

Limits are "N/period" strings from settings (period: second, minute, hour,
day); a fixed window per period. Two quotas:

- **results**: photos that were analysed (``MLH_PREDICTION_RATE_USER`` /
  ``_IP``);
- **refused**: photos refused for the person's file (no face, not an image,
  too big...), with a higher cap (``MLH_PREDICTION_REFUSED_RATE_USER`` /
  ``_IP``), so a few bad photos do not use up the quota for real results.

An attempt takes a place in the results quota before any work (atomic
``incr``: parallel requests cannot overshoot), and hands it back when the
photo is refused, counting a refusal instead; a failure of ours (storage,
database, model) hands it back and counts nothing.
"""

from dataclasses import dataclass, field
import math
import time

from django.conf import settings
from django.core.cache import cache

from accounts.throttle import client_ip, counter_incr, parse_rate


@dataclass(frozen=True)
class RateLimited:
    retry_after: int  # seconds
    limit: int = 0
    period: int = 3600  # seconds
    kind: str = "results"  # or "refused"

    @property
    def retry_after_minutes(self):
        return max(1, math.ceil(self.retry_after / 60))


@dataclass
class RateTicket:
    """A place taken in the results quota; give it back with ``refused()``
    or ``failed()`` when no result came of it."""

    # (results key, its timeout, refused key, its timeout)
    keys: list = field(default_factory=list)
    _settled: bool = False

    def refused(self):
        self._give_back(count_refusal=True)

    def failed(self):
        self._give_back(count_refusal=False)

    def _give_back(self, *, count_refusal):
        if self._settled:
            return
        self._settled = True
        for results_key, results_timeout, refused_key, refused_timeout in self.keys:
            try:
                cache.decr(results_key)
                cache.touch(results_key, max(1, int(results_timeout)))
            except ValueError:  # the window ended meanwhile
                pass
            if count_refusal and refused_key:
                counter_incr(refused_key, timeout=refused_timeout)


def _quotas(request):
    quotas = [
        (
            "ip",
            client_ip(request),
            settings.MLH_PREDICTION_RATE_IP,
            settings.MLH_PREDICTION_REFUSED_RATE_IP,
        )
    ]
    if request.user.is_authenticated:
        quotas.append(
            (
                "user",
                str(request.user.pk),
                settings.MLH_PREDICTION_RATE_USER,
                settings.MLH_PREDICTION_REFUSED_RATE_USER,
            )
        )
    return quotas


def prediction_rate_take(request):
    """Take a place for one analysis: a RateTicket, or a RateLimited when the
    results quota or the refused quota is used up."""
    now = time.time()
    ticket = RateTicket()
    limited = []
    taken = []
    for kind, ident, rate, refused_rate in _quotas(request):
        if not rate:
            continue
        limit, period = parse_rate(rate)
        window = int(now // period)
        timeout = (window + 1) * period - now + 1
        results_key = f"predict-rate:{kind}:{ident}:{period}:{window}"
        refused_key, refused_timeout = None, 0
        if refused_rate:
            refused_limit, refused_period = parse_rate(refused_rate)
            refused_window = int(now // refused_period)
            refused_timeout = (refused_window + 1) * refused_period - now + 1
            refused_key = f"predict-refused:{kind}:{ident}:{refused_period}:{refused_window}"
            if (cache.get(refused_key) or 0) >= refused_limit:
                retry = max(1, math.ceil(refused_timeout - 1))
                limited.append(RateLimited(retry, refused_limit, refused_period, "refused"))
                continue
        count = counter_incr(results_key, timeout=timeout)
        taken.append((results_key, timeout, refused_key, refused_timeout))
        if count > limit:
            limited.append(RateLimited(max(1, math.ceil(timeout - 1)), limit, period, "results"))
    ticket.keys = taken
    if limited:
        ticket.failed()  # an attempt refused here costs nothing
        return max(limited, key=lambda item: item.retry_after)
    return ticket


def prediction_rate_check(request):
    """Backwards-compatible form: a RateLimited or None (the place is kept)."""
    outcome = prediction_rate_take(request)
    return outcome if isinstance(outcome, RateLimited) else None
