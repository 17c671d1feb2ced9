"""Counters shared by every worker through Redis (issue 11, items 2 and 6):
a real gunicorn with two workers, the login throttle and the upload limit
counted once across both, and a lockout that survives recycled workers.

Needs MLH_TEST_REDIS_URL (a Redis on loopback this test may flush); `.ci/run`
starts one. Elsewhere the tests skip.
"""

import concurrent.futures
import os
import threading

import pytest

from mylittlehero.tests.factories import photo_upload
from mylittlehero.tests.live import EMAIL, PASSWORD, LiveSite, login_attempt

REDIS_URL = os.environ.get("MLH_TEST_REDIS_URL", "")
pytestmark = pytest.mark.skipif(
    not REDIS_URL, reason="MLH_TEST_REDIS_URL is not set (.ci/run starts a Redis on loopback)"
)


@pytest.fixture(scope="module")
def redis_url():
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    yield REDIS_URL
    client.flushdb()


@pytest.fixture(scope="module")
def site(redis_url):
    live = LiveSite(
        workers=2,
        env={
            "MLH_CACHE": redis_url,
            "MLH_LOGIN_ACCOUNT_LIMIT": "5",
            "MLH_LOGIN_IP_LIMIT": "100",
            "MLH_PREDICTION_RATE_USER": "5/hour",
            "MLH_PREDICTION_RATE_IP": "",
        },
    )
    live.start()
    yield live
    live.stop()


def test_two_workers_share_one_login_lockout_that_survives_recycled_workers(site):
    pids = set()
    outcomes = []
    for _ in range(10):
        outcomes.append(login_attempt(site.url, EMAIL, "wrong-password"))
    pids.update(site.worker_pids())
    assert len(pids) == 2
    # Five guesses were checked, the other five refused unchecked.
    assert outcomes == ["wrong"] * 5 + ["locked"] * 5, outcomes
    site.restart_workers()
    assert login_attempt(site.url, EMAIL, PASSWORD) == "locked"


def test_two_workers_share_one_upload_limit(site):
    photo = photo_upload().read()
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        statuses = list(pool.map(site.upload_status, [photo] * 15))
    assert sorted(statuses) == [201] * 5 + [429] * 10, statuses
    assert site.prediction_count() == 5


def test_redis_counters_are_exact_under_parallel_increments(settings, redis_url):
    from django.core.cache import caches

    from core import ratelimit

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "mlh-test",
        }
    }
    key = "parallel-counter"
    caches["default"].delete(key)

    def bump():
        for _ in range(50):
            ratelimit.counter_incr(key, timeout=900)

    threads = [threading.Thread(target=bump) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert caches["default"].get(key) == 400
    ttl = caches["default"]._cache.get_client(key).ttl(caches["default"].make_and_validate_key(key))
    assert 890 <= ttl <= 900
