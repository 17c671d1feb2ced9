"""Failed-login throttle, per account and per client IP, kept in the cache.

Each failed attempt adds one to two counters: one for the (normalised) email
tried and one for the client's IP address. While either counter is at its
limit, further attempts are refused without checking the password, until the
window since the first failure runs out. A successful login clears the
account's counter (not the IP's: one good password must not reopen an IP
that is guessing at many accounts).

The check and the counting sit in the authentication backend
(accounts/backends.py), so every way to log in (the site's form, the admin's
form, anything else calling ``authenticate()``) shares one lockout.
Counters live in the shared cache (Redis in production): every worker sees
the same counts, and a worker restart forgets nothing.
"""

import hashlib
import math
import time
from dataclasses import dataclass
from typing import ClassVar

from django.conf import settings
from django.core.cache import cache

from core.ratelimit import counter_incr, parse_rate


@dataclass(eq=False)
class Lockout(Exception):
    """A login locked out: core.errors.error_for answers it (429, Retry-After;
    accounts/errors.py words it). Not frozen: raising sets its traceback."""

    code: ClassVar[str] = "login_locked"
    retry_after_seconds: int

    @property
    def retry_after(self):
        return self.retry_after_seconds

    @property
    def retry_after_minutes(self):
        return max(1, math.ceil(self.retry_after_seconds / 60))


class ActionLimited(Lockout):
    """Sign-ups or password resets over their limit (action_rate_take)."""

    code: ClassVar[str] = "action_limited"


def action_rate_take(action, *, ip, email):
    """Count one attempt at ``action`` ("signup", "reset") per client IP and
    per address (fixed windows, shared cache); raises ActionLimited when
    either is over its limit (settings.ACTION_RATES[action] = {"ip": rate,
    "email": rate})."""
    rates = settings.ACTION_RATES.get(action, {})
    now = time.time()
    waits = []
    for kind, value in (("ip", ip), ("email", (email or "").strip().lower())):
        rate = rates.get(kind)
        if not rate or not value:
            continue
        limit, period = parse_rate(rate)
        window = int(now // period)
        remaining = (window + 1) * period - now
        key = f"{_key(action + '-' + kind, value)}:{period}:{window}"
        if counter_incr(key, timeout=remaining + 1) > limit:
            waits.append(remaining)
    if waits:
        raise ActionLimited(retry_after_seconds=math.ceil(max(waits)))


def _key(kind, value):
    digest = hashlib.sha256(value.encode("utf-8")).hexdigest()
    return f"login-throttle:{kind}:{digest}"


def _keys(*, email, ip):
    limits = settings.LOGIN_THROTTLE
    keys = [(_key("ip", ip), limits["IP_LIMIT"])]
    if email:
        keys.append((_key("account", email.strip().lower()), limits["ACCOUNT_LIMIT"]))
    return keys


def _window_start(key, *, now, window):
    """The start of the key's current failure window, opening a new one when
    there is none or the old one has run out."""
    started = cache.get(f"{key}:start")
    if started is not None and started + window <= now:  # an old window
        cache.delete_many([f"{key}:start", f"{key}:count"])
        started = None
    if started is None:
        cache.add(f"{key}:start", now, timeout=window)
        started = cache.get(f"{key}:start", now)
    return started


def login_attempt_take(*, email, ip):
    """Count one password check on the account's and the IP's counters
    *before* the password is checked (atomic increments), then say whether it
    may go ahead: a Lockout when either count is now over its limit, else
    None. Counting first means parallel guesses cannot all pass a check made
    before any of them was counted. The caller reports a
    right password with ``login_success_record``, which gives the place back."""
    window = settings.LOGIN_THROTTLE["WINDOW_SECONDS"]
    now = time.time()
    waits = []
    for key, limit in _keys(email=email, ip=ip):
        started = _window_start(key, now=now, window=window)
        until = started + window
        if counter_incr(f"{key}:count", timeout=until - now) > limit:
            waits.append(until - now)
    if waits:
        return Lockout(retry_after_seconds=math.ceil(max(waits)))
    return None


def login_lockout(*, email, ip):
    """A Lockout when this account or IP has too many recent failures, else
    None (a read only: logins count with ``login_attempt_take``)."""
    now = time.time()
    waits = []
    for key, limit in _keys(email=email, ip=ip):
        count = cache.get(f"{key}:count") or 0
        started = cache.get(f"{key}:start")
        if count >= limit and started is not None:
            until = started + settings.LOGIN_THROTTLE["WINDOW_SECONDS"]
            if until > now:
                waits.append(until - now)
    if waits:
        return Lockout(retry_after_seconds=math.ceil(max(waits)))
    return None


def login_failure_record(*, email, ip):
    """Count a failure on the account's and the IP's counters; both expire
    with the window that started at their first failure."""
    window = settings.LOGIN_THROTTLE["WINDOW_SECONDS"]
    now = time.time()
    for key, _limit in _keys(email=email, ip=ip):
        started = _window_start(key, now=now, window=window)
        counter_incr(f"{key}:count", timeout=started + window - now)


def login_success_record(*, email, ip=None):
    """A right password: the account's counter is cleared; the IP's place
    taken by ``login_attempt_take`` is given back (not cleared: one good
    password must not reopen an IP that is guessing at many accounts)."""
    if email:
        key = _key("account", email.strip().lower())
        cache.delete_many([f"{key}:start", f"{key}:count"])
    if ip:
        key = _key("ip", ip)
        started = cache.get(f"{key}:start")
        if started is None:
            return
        try:
            cache.decr(f"{key}:count")
        except ValueError:  # the window ended meanwhile
            return
        # The database cache's decr() puts its default timeout back.
        remaining = started + settings.LOGIN_THROTTLE["WINDOW_SECONDS"] - time.time()
        cache.touch(f"{key}:count", max(1, math.ceil(remaining)))
