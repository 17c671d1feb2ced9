"""Counters shared by every worker through Redis:
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


def test_a_hung_redis_does_not_slow_pages_that_do_not_use_it(tmp_path):
    """The reproduction: Redis stopped with SIGSTOP (it
    accepts connections and never answers) while clients keep logging in
    (each login needs Redis: 503). Pages that do not use Redis stay fast:
    the breaker fails the logins at once instead of holding every thread
    for a timeout (before: 2 s timeouts, such pages took 1.8 s)."""
    import shutil
    import signal
    import subprocess
    import time

    import requests

    from mylittlehero.tests.live import free_port

    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    port = free_port()
    redis_server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
        + ["--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    live = LiveSite(workers=2, env={"MLH_CACHE": f"redis://127.0.0.1:{port}/0"})
    stop = threading.Event()
    try:
        live.start()
        os.kill(redis_server.pid, signal.SIGSTOP)

        def log_in_forever():
            while not stop.is_set():
                try:
                    requests.post(
                        live.url + "/api/predictions/",
                        headers={"Authorization": f"Token {live.token}"},
                        files={"photo": ("me.jpg", b"x", "image/jpeg")},
                        timeout=30,
                    )
                except requests.RequestException:
                    pass

        hammers = [threading.Thread(target=log_in_forever) for _ in range(6)]
        for thread in hammers:
            thread.start()
        time.sleep(2)
        timings = []
        for _ in range(15):
            start = time.perf_counter()
            assert requests.get(live.url + "/healthz", timeout=30).status_code == 200
            timings.append(time.perf_counter() - start)
        timings.sort()
        print(f"/healthz with Redis hung: median {timings[len(timings) // 2] * 1000:.0f} ms")
        assert timings[len(timings) // 2] < 0.3, timings
    finally:
        stop.set()
        os.kill(redis_server.pid, signal.SIGCONT)
        redis_server.terminate()
        redis_server.wait(timeout=10)
        live.stop()
