"""Slow clients against gunicorn alone and through nginx.

    .venv/bin/python bench/slowclients.py [--nginx-port 8480 --tls-port 8482 --upstream-port 8481]

Starts gunicorn (2 workers, the fake engine) on the upstream port and nginx
with deploy/nginx.conf in front of it (deploy/nginx-loopback.sh), then, for
each, holds 64 connections that send a header line every 2 s and 4 POSTs
that send their body as slowly, and times 30 ordinary page loads (5 s
timeout each). Prints the answered count and p95 for both. Loopback only;
both servers are stopped by PID at the end.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mylittlehero.settings")


def main():
    import django

    django.setup()
    from mylittlehero.tests.live import LiveSite, latencies_under_slow_clients

    parser = argparse.ArgumentParser()
    parser.add_argument("--nginx-port", type=int, default=8480)
    parser.add_argument("--tls-port", type=int, default=8482)
    parser.add_argument("--upstream-port", type=int, default=8481)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mlh-slow-"))
    site = LiveSite(port=args.upstream_port, workers=2, env={"MLH_NUM_PROXIES": "1"}).start()
    nginx_pid = None
    try:
        nginx_pid = int(
            subprocess.run(
                [
                    str(REPO / "deploy/nginx-loopback.sh"),
                    str(args.nginx_port),
                    str(args.tls_port),
                    str(args.upstream_port),
                    str(REPO / "staticfiles"),
                    str(work / "nginx"),
                ],
                check=True,
                capture_output=True,
                text=True,
            ).stdout.strip()
        )
        for label, url in (
            ("gunicorn alone", site.url),
            ("through nginx", f"https://127.0.0.1:{args.tls_port}"),
        ):
            p95, statuses = latencies_under_slow_clients(url, verify=str(work / "nginx/cert.pem"))
            print(f"{label:15s}: {statuses.count(200)}/{len(statuses)} answered, p95 {p95:.2f} s")
    finally:
        if nginx_pid:
            os.kill(nginx_pid, 15)
        site.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
