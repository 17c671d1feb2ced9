"""Concurrent load on loopback: gunicorn (2 workers) with SQLite or MongoDB,
prediction uploads through the API from 8 concurrent clients, then worker memory.

    .venv/bin/python bench/load.py [--uploads 300] [--clients 8] [--memory-to 1000]
    scripts/mongodb_emulator.sh .venv/bin/python bench/load.py --database both

``--database`` picks SQLite (the default), MongoDB (the server of MONGODB_URI,
a fresh database that is dropped afterwards) or both, one after the other in
the same session, with their throughputs side by side at the end.

Bounded: a fixed number of requests, each with a timeout, to 127.0.0.1 only.
Prints p50/p95 latency, throughput, status counts, and checks that every
accepted upload is stored exactly once (rows, ids and files). The baseline
is the engine alone in one process on the same photos, with the same
TensorFlow thread settings as each worker (one thread each: two workers
share this machine's two cores); target: load throughput at least 80% of
baseline x workers. Then it keeps uploading until --memory-to predictions
and compares each worker's resident memory after 100 and at the end
(target: less than 10% apart).
"""

import argparse
import concurrent.futures
import io
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _photos import small_photos  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent

SETUP = r"""
import django, json, sys
django.setup()
from accounts.models import User
from accounts.services import api_token_create
tokens = []
for i in range(int(sys.argv[1])):
    user = User.objects.create_user(email=f"load{i}@example.com", password="load-pass-12345")
    tokens.append(api_token_create(user=user, name="load")[1])
print(json.dumps(tokens))
"""

CHECK = r"""
import django, json
django.setup()
from django.core.files.storage import default_storage
from heroes.models import Prediction
rows = list(Prediction.objects.values_list("pk", "image"))
print(json.dumps({"rows": len(rows), "ids": [str(pk) for pk, _ in rows],
                  "files_exist": sum(default_storage.exists(name) for _, name in rows)}))
"""


def photos(count):
    images, _real = small_photos(count)
    out = []
    for image in images:
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=90)
        out.append(buffer.getvalue())
    return out


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def upload(base_url, token, data, timeout=60):
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; filename="p.jpg"\r\n'
            f"Content-Type: image/jpeg\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        base_url + "/api/predictions/",
        data=body,
        headers={
            "Authorization": f"Token {token}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
        method="POST",
    )
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            payload = json.loads(response.read())
            status = response.status
    except urllib.error.HTTPError as error:
        status, payload = error.code, None
    except OSError as error:
        status, payload = 0, str(error)
    return status, time.perf_counter() - start, payload


def worker_rss(master_pid):
    pids = subprocess.run(
        ["pgrep", "-P", str(master_pid)], capture_output=True, text=True
    ).stdout.split()
    rss = {}
    for pid in pids:
        try:
            for line in open(f"/proc/{pid}/status"):
                if line.startswith("VmRSS"):
                    rss[pid] = int(line.split()[1]) // 1024
        except OSError:
            pass
    return rss


def run_batch(base_url, tokens, data, clients):
    results = []
    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        futures = [
            pool.submit(upload, base_url, tokens[i % len(tokens)], photo)
            for i, photo in enumerate(data)
        ]
        for future in concurrent.futures.as_completed(futures):
            results.append(future.result())
    return results


def baseline_rate(data, env):
    code = r"""
import os, sys, time, django
django.setup()
from heroes.ml import api as engine_api
engine_api.load()
photos = [open(p, "rb").read() for p in sys.argv[1:]]
for p in photos[:3]:
    try: engine_api.predict(p)
    except Exception: pass
start = time.perf_counter()
for p in photos:
    try: engine_api.predict(p)
    except Exception: pass
print(len(photos) / (time.perf_counter() - start))
"""
    folder = Path(tempfile.mkdtemp(prefix="mlh-base-"))
    paths = []
    for i, photo in enumerate(data[:60]):
        path = folder / f"{i}.jpg"
        path.write_bytes(photo)
        paths.append(str(path))
    out = subprocess.run(
        [PYTHON, "-c", code, *paths], cwd=REPO, env=env, capture_output=True, text=True, check=True
    )
    return float(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--uploads", type=int, default=300)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory-to", type=int, default=1000, help="0 to skip the memory run")
    parser.add_argument("--port", type=int, default=0, help="gunicorn's port (0: any free one)")
    parser.add_argument(
        "--database",
        choices=["sqlite", "mongodb", "both"],
        default="sqlite",
        help="mongodb and both need MONGODB_URI (e.g. from scripts/mongodb_emulator.sh)",
    )
    args = parser.parse_args()
    databases = ["sqlite", "mongodb"] if args.database == "both" else [args.database]
    if "mongodb" in databases and not os.environ.get("MONGODB_URI"):
        sys.exit(
            "--database mongodb needs MONGODB_URI: scripts/mongodb_emulator.sh bench/load.py ..."
        )

    figures, base = {}, None
    for database in databases:
        print(f"== {database} ==", flush=True)
        figures[database], base = run(args, database, base)
    if len(figures) > 1:
        print("== side by side (same session, same photos) ==")
        for database, result in figures.items():
            print(
                f"{database:8} throughput {result['rate']:.1f} uploads/s, p50 {result['p50']:.0f} ms, "
                f"p95 {result['p95']:.0f} ms, server errors {result['server_errors']}, "
                f"stored exactly once: {result['exactly_once']}"
            )
    # Correctness is pass/fail; speed figures are for reading, not gating.
    ok = all(r["server_errors"] == 0 and r["exactly_once"] for r in figures.values())
    return 0 if ok else 1


def run(args, database, base):
    """One load run on ``database``; returns (figures, the engine's baseline rate)."""
    work = Path(tempfile.mkdtemp(prefix="mlh-load-"))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("MONGODB_")},
        "DJANGO_SETTINGS_MODULE": "mylittlehero.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "MLH_SQLITE_PATH": str(work / "db.sqlite3"),
        "MLH_MEDIA_ROOT": str(work / "media"),
        "MLH_PREDICTION_RATE_USER": "",
        "MLH_PREDICTION_RATE_IP": "",
        "MLH_TF_INTRA_THREADS": "1",
        "MLH_TF_INTER_THREADS": "1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "WEB_CONCURRENCY": str(args.workers),
        "GUNICORN_THREADS": "2",
        "GUNICORN_MAX_REQUESTS": "0",  # no recycling: memory is what we measure
        "GUNICORN_ACCESS_LOG": "",
        "MLH_WARM_ON_START": "1",
    }
    if database == "mongodb":
        env["MONGODB_URI"] = os.environ["MONGODB_URI"]
        env["MONGODB_NAME"] = f"mlh_load_{uuid.uuid4().hex[:8]}"
    try:
        return _run(args, env, work, base)
    finally:
        if database == "mongodb":
            import pymongo

            with pymongo.MongoClient(env["MONGODB_URI"]) as client:
                client.drop_database(env["MONGODB_NAME"])


def _run(args, env, work, base):
    tokens = _prepare_site(args, env)
    data = photos(max(args.uploads, 60))

    if base is None:
        print("baseline: the engine alone in one process (1 TensorFlow thread)...", flush=True)
        base = baseline_rate(data, env)

    port = args.port or free_port()
    base_url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "mylittlehero.wsgi", "--bind", f"127.0.0.1:{port}"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(work / "gunicorn.log", "w"),
    )
    try:
        _wait_healthy(base_url, server, work)
        time.sleep(12)  # each worker loads the engine in the background at start
        run_batch(base_url, tokens, data[: 2 * args.clients], args.clients)  # warm-up

        start = time.perf_counter()
        results, rss_at_100 = [], None
        for offset in range(0, args.uploads, 100):
            results += run_batch(
                base_url, tokens, data[offset : min(offset + 100, args.uploads)], args.clients
            )
            if rss_at_100 is None:
                rss_at_100 = worker_rss(server.pid)  # about 100 predictions in
        elapsed = time.perf_counter() - start
        figures, stored_rows = _report(args, env, base, results, elapsed)
        if args.memory_to:
            _memory_run(args, base_url, tokens, data, server, stored_rows, rss_at_100)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return figures, base


def _prepare_site(args, env):
    """Migrate and make the clients' accounts; their API tokens."""
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=REPO, env=env, check=True)
    return json.loads(
        subprocess.run(
            [PYTHON, "-c", SETUP, str(args.clients)],
            cwd=REPO,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )


def _wait_healthy(base_url, server, work):
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(base_url + "/healthz", timeout=5) as response:
                if response.status == 200:
                    break
        except OSError:
            if server.poll() is not None:
                sys.exit("gunicorn exited:\n" + (work / "gunicorn.log").read_text()[-2000:])
            time.sleep(1)


def _report(args, env, base, results, elapsed):
    """Print the run's statuses, latencies, throughput and whether every
    accepted upload was stored exactly once; (the figures, rows stored)."""
    statuses = {}
    for status, _latency, _payload in results:
        statuses[status] = statuses.get(status, 0) + 1
    latencies = sorted(latency for _status, latency, _payload in results)
    p50 = statistics.median(latencies) * 1000
    p95 = latencies[int(0.95 * (len(latencies) - 1))] * 1000
    rate = len(results) / elapsed
    accepted_ids = [payload["id"] for status, _l, payload in results if status == 201]
    check = json.loads(
        subprocess.run(
            [PYTHON, "-c", CHECK], cwd=REPO, env=env, check=True, capture_output=True, text=True
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    warm = 2 * args.clients
    print(
        f"{len(results)} uploads, {args.clients} clients, {args.workers} workers: "
        f"statuses {dict(sorted(statuses.items()))}"
    )
    print(f"latency p50 {p50:.0f} ms, p95 {p95:.0f} ms; throughput {rate:.1f} uploads/s")
    print(
        f"baseline engine alone: {base:.1f} photos/s; target 0.8 x {base:.1f} x "
        f"{args.workers} = {0.8 * base * args.workers:.1f}/s; ratio "
        f"{rate / (base * args.workers):.2f}"
    )
    server_errors = sum(n for status, n in statuses.items() if status >= 500 or status == 0)
    exactly_once = (
        len(set(accepted_ids)) == len(accepted_ids)
        and set(accepted_ids) <= set(check["ids"])
        and check["rows"] == len(accepted_ids) + warm
        and check["files_exist"] == check["rows"]
    )
    print(
        f"server errors {server_errors}; every accepted upload stored exactly once "
        f"with its photo: {exactly_once} ({check['rows']} rows incl. {warm} warm-up)"
    )
    figures = {
        "rate": rate,
        "p50": p50,
        "p95": p95,
        "server_errors": server_errors,
        "exactly_once": exactly_once,
    }
    return figures, check["rows"]


def _memory_run(args, base_url, tokens, data, server, done, rss_at_100):
    """Upload on up to ``args.memory_to`` predictions and print how the
    workers' memory grew since about 100 predictions in."""
    warm = 2 * args.clients
    while done < args.memory_to:
        chunk = min(100, args.memory_to - done)
        batch = [data[(done + i) % len(data)] for i in range(chunk)]
        run_batch(base_url, tokens, batch, args.clients)
        done += chunk
    rss_end = worker_rss(server.pid)
    print(f"worker RSS (MB) after {warm + 100} predictions: {rss_at_100}; after {done}: {rss_end}")
    for pid, before in (rss_at_100 or {}).items():
        after = rss_end.get(pid)
        if after:
            print(f"  worker {pid}: {before} -> {after} MB ({(after - before) / before:+.1%})")


if __name__ == "__main__":
    sys.exit(main())
