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

A visitor without an account (who can only upload from the pages: the API
is token-only) has, on top of the IP quotas, a tighter per-IP pair of its
own: ``MLH_ANONYMOUS_RATE_IP`` and ``MLH_ANONYMOUS_REFUSED_RATE_IP``.

An attempt takes a place in the results quota before any work (atomic
``incr``: parallel requests cannot overshoot), and hands it back when the
photo is refused, counting a refusal instead; a failure of ours (storage,
database, model) hands it back and counts nothing. Every caller goes through
one context manager, :func:`prediction_quota`.
"""

import math
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import ClassVar

from django.conf import settings
from django.core.cache import cache


def client_ip(request):
    """The client's address.

    REMOTE_ADDR, unless the request comes from a trusted proxy
    (``MLH_TRUSTED_PROXIES``, loopback by default) and ``MLH_NUM_PROXIES`` is
    set: then the address the outermost of those proxies saw, taken from the
    right of X-Forwarded-For. A client that reaches gunicorn directly cannot
    choose its address by sending the header itself.
    """
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    num_proxies = settings.NUM_PROXIES
    if num_proxies > 0 and remote in settings.TRUSTED_PROXIES:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= num_proxies:
            return forwarded[-num_proxies]
    return remote


def counter_incr(key, *, timeout):
    """Add one to a counter that expires ``timeout`` seconds from now; the new
    count. add() and incr() are atomic in Redis (and in locmem); the database
    cache's incr() is a get-then-set that puts its default 300 s timeout back,
    so the window's own expiry is restored with touch(): a window never ends
    early whatever the backend."""
    timeout = max(1, int(math.ceil(timeout)))
    cache.add(key, 0, timeout=timeout)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=timeout)
        count = 1
    cache.touch(key, timeout)
    return count


PERIODS = {
    "s": 1,
    "second": 1,
    "m": 60,
    "minute": 60,
    "h": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
}


def parse_rate(rate):
    """ "N/period" (second, minute, hour, day) -> (N, seconds)."""
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period.strip().lower()]


@dataclass(eq=False)
class RateLimited(Exception):
    """A used-up limit: core.errors.error_for answers it (429, Retry-After).
    Not frozen: raising sets the exception's traceback."""

    code: ClassVar[str] = "rate_limited"
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

    def settle(self, error):
        """After an attempt that failed with ``error`` (core.errors.error_for's
        reply, None for an unexpected failure): a refusal of the person's
        photo or request (4xx) counts toward the refused quota; a failure of
        ours (5xx, unexpected) counts nothing."""
        if error is not None and error.status < 500:
            self.refused()
        else:
            self.failed()

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
    else:
        # Trying without an account: a tighter quota of its own per IP.
        quotas.append(
            (
                "anonymous-ip",
                client_ip(request),
                settings.MLH_ANONYMOUS_RATE_IP,
                settings.MLH_ANONYMOUS_REFUSED_RATE_IP,
            )
        )
    return quotas


@contextmanager
def prediction_quota(request):
    """One analysis under the prediction quotas::

        with prediction_quota(request) as quota:
            ...  # run the engine

    Raises RateLimited on entry when the results quota or the refused quota
    is used up (nothing is counted then). On exit: a result keeps its place;
    an exception the person caused (core.errors.error_for's reply under 500:
    their photo, their request) moves the place to the refused quota; any
    other failure (ours) gives it back and counts nothing. A form that
    refuses the file without raising calls ``quota.refused()`` itself."""
    ticket = _ticket_take(request)
    if isinstance(ticket, RateLimited):
        raise ticket
    try:
        yield ticket
    except BaseException as exc:
        # core.errors imports this module (RateLimited): ask it at run time.
        from core.errors import error_for

        ticket.settle(error_for(exc))
        raise


def _ticket_take(request):
    """Take a place for one analysis: a RateTicket, or a RateLimited when the
    results quota or the refused quota is used up (prediction_quota's entry)."""
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


def share_toggle_take(request):
    """Count one turn of sharing on or off by this person (per user and per
    client IP, ``MLH_SHARE_TOGGLE_RATE``, 20/hour): a RateLimited (kind
    "share") over the limit, else None. Turning sharing off deletes the
    share card and turning it on makes the next visitor render a new one:
    unlimited, that is unlimited card rendering."""
    rate = settings.MLH_SHARE_TOGGLE_RATE
    if not rate:
        return None
    idents = [f"ip:{client_ip(request)}"]
    if request.user.is_authenticated:
        idents.append(f"user:{request.user.pk}")
    return window_take("share-toggle", idents, rate, kind="share")


def window_take(name, idents, rate, *, kind):
    """Count one ``name`` event for each of ``idents`` in the current window
    of ``rate`` ("N/period"): a RateLimited of ``kind`` when any of them is
    over N in this window, else None."""
    limit, period = parse_rate(rate)
    now = time.time()
    window = int(now // period)
    timeout = (window + 1) * period - now + 1
    over = False
    for ident in idents:
        if counter_incr(f"{name}:{ident}:{period}:{window}", timeout=timeout) > limit:
            over = True
    if over:
        return RateLimited(max(1, math.ceil(timeout - 1)), limit, period, kind)
    return None
