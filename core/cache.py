"""The shared cache (Redis) with a circuit breaker.

A Redis that hangs (stopped, overloaded, a network that drops packets) makes
every cache call wait for its socket timeout. Short timeouts alone still cost
each request that much, and with every thread waiting, pages that never touch
the cache queue behind them. So once a call fails with a connection error or
a timeout, the breaker *opens*: for ``MLH_CACHE_BREAKER_SECONDS`` (5) every
call in this process fails at once with redis's ConnectionError (which
core.middleware.SharedCacheUnavailableMiddleware turns into a 503, as for a
Redis that is down). After that, one call is let through to try Redis again
(half-open): it closes the breaker when it works, and opens it again when it
fails. The state is per process and per server, shared by its threads.

Imports redis only when a cache is built (Django builds it on first use), so
Django's start-up stays free of it.
"""

import threading
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

_state_lock = threading.Lock()
_open_until = {}  # servers (tuple) -> monotonic time the breaker stays open until
_trial = set()  # servers whose half-open trial call is in flight

OPERATIONS = (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
    "clear",
)


def breaker_reset():
    """Close every breaker (tests)."""
    with _state_lock:
        _open_until.clear()
        _trial.clear()


class BreakerRedisCacheClient(RedisCacheClient):
    def __init__(self, servers, *, breaker_seconds=5.0, **options):
        super().__init__(servers, **options)
        self._breaker_key = tuple(servers)
        self._breaker_seconds = float(breaker_seconds)

    def _guarded(self, name, *args, **kwargs):
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        key = self._breaker_key
        trial = False
        with _state_lock:
            until = _open_until.get(key)
            if until is not None:
                if time.monotonic() < until or key in _trial:
                    raise RedisConnectionError("shared cache circuit open (recent failure)")
                _trial.add(key)  # half-open: this call tries Redis again
                trial = True
        try:
            result = getattr(super(), name)(*args, **kwargs)
        except (RedisConnectionError, RedisTimeoutError):
            with _state_lock:
                _open_until[key] = time.monotonic() + self._breaker_seconds
                _trial.discard(key)
            raise
        except BaseException:
            if trial:
                with _state_lock:
                    _trial.discard(key)
            raise
        if trial or key in _open_until:
            with _state_lock:
                _open_until.pop(key, None)
                _trial.discard(key)
        return result


def _make_operation(name):
    def operation(self, *args, **kwargs):
        return self._guarded(name, *args, **kwargs)

    operation.__name__ = name
    return operation


for _name in OPERATIONS:
    setattr(BreakerRedisCacheClient, _name, _make_operation(_name))


class BreakerRedisCache(RedisCache):
    """Django's RedisCache whose calls go through the circuit breaker;
    OPTIONS["breaker_seconds"] sets how long it stays open."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = BreakerRedisCacheClient
