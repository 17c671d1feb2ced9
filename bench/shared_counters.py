"""Login lockout and upload limit across two gunicorn workers, with the
per-process cache or with Redis.

    .venv/bin/python bench/shared_counters.py --cache locmem
    .venv/bin/python bench/shared_counters.py --cache redis://127.0.0.1:6390/0   # a Redis you may flush

10 wrong passwords for one account (limit 5), then every worker is replaced
(what max_requests recycling does) and the right password is tried; then 15
parallel API uploads against a 5/hour limit. Loopback only.
"""

import argparse
import concurrent.futures
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mylittlehero.settings")


def main():
    import django

    django.setup()
    from mylittlehero.tests.factories import photo_upload
    from mylittlehero.tests.live import EMAIL, PASSWORD, LiveSite, login_attempt

    parser = argparse.ArgumentParser()
    parser.add_argument("--cache", default="locmem")
    args = parser.parse_args()
    if args.cache.startswith("redis"):
        import redis

        redis.Redis.from_url(args.cache).flushdb()
    site = LiveSite(
        workers=2,
        env={
            "MLH_CACHE": args.cache,
            "MLH_LOGIN_ACCOUNT_LIMIT": "5",
            "MLH_LOGIN_IP_LIMIT": "100",
            "MLH_PREDICTION_RATE_USER": "5/hour",
            "MLH_PREDICTION_RATE_IP": "",
        },
    ).start()
    try:
        outcomes = [login_attempt(site.url, EMAIL, "wrong-password") for _ in range(10)]
        print(
            f"{args.cache}: 10 wrong passwords (limit 5): {outcomes.count('wrong')} checked, "
            f"{outcomes.count('locked')} locked"
        )
        site.restart_workers()
        print(
            f"{args.cache}: right password after every worker was replaced: "
            f"{login_attempt(site.url, EMAIL, PASSWORD)}"
        )
        photo = photo_upload().read()
        with concurrent.futures.ThreadPoolExecutor(6) as pool:
            statuses = list(pool.map(site.upload_status, [photo] * 15))
        print(f"{args.cache}: 15 parallel uploads against 5/hour: {statuses.count(201)} accepted")
    finally:
        site.stop()


if __name__ == "__main__":
    main()
