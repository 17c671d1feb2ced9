"""Failed-login throttle, per account and per client IP, kept in the cache.

Each failed attempt adds one to two counters: one for the (normalised) email
tried and one for the client's IP address. While either counter is at its
limit, further attempts are refused without checking the password, until the
window since the first failure runs out. A successful login clears the
account's counter (not the IP's: one good password must not reopen an IP
that is guessing at many accounts).
"""

from dataclasses import dataclass
import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class Lockout:
    retry_after_seconds: int

    @property
    def retry_after_minutes(self):
        return max(1, math.ceil(self.retry_after_seconds / 60))


def client_ip(request):
    """The client's address: REMOTE_ADDR, or the right proxy-added hop."""
    num_proxies = settings.NUM_PROXIES
    if num_proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= num_proxies:
            return forwarded[-num_proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _key(kind, value):
    digest = hashlib.sha256(value.encode("utf-8")).hexdigest()
    return f"login-throttle:{kind}:{digest}"


def _keys(*, email, ip):
    limits = settings.LOGIN_THROTTLE
    keys = [(_key("ip", ip), limits["IP_LIMIT"])]
    if email:
        keys.append((_key("account", email.strip().lower()), limits["ACCOUNT_LIMIT"]))
    return keys


def login_lockout(*, email, ip):
    """A Lockout when this account or IP has too many recent failures, else None."""
    now = time.time()
    waits = []
    for key, limit in _keys(email=email, ip=ip):
        record = cache.get(key)
        if record and record["count"] >= limit and record["until"] > now:
            waits.append(record["until"] - now)
    if waits:
        return Lockout(retry_after_seconds=math.ceil(max(waits)))
    return None


def login_failure_record(*, email, ip):
    window = settings.LOGIN_THROTTLE["WINDOW_SECONDS"]
    now = time.time()
    for key, _limit in _keys(email=email, ip=ip):
        record = cache.get(key)
        if not record or record["until"] <= now:
            record = {"count": 0, "until": now + window}
        record["count"] += 1
        cache.set(key, record, timeout=math.ceil(record["until"] - now))


def login_success_record(*, email):
    if email:
        cache.delete(_key("account", email.strip().lower()))
