"""Re-prediction throughput on Celery workers next to today's single process,
and a worker's memory over many photos.

    .venv/bin/python bench/workers.py [--count 400] [--repeat 3] [--batch-size 16]
        [--memory-photos 1000] [--port 6431]

A throw-away SQLite database and media folder with COUNT stored photos (the
London set and the hero set's valid split from ../shared/datasets, else
crops of the astronaut fixture), marked as made by an old model; a private
redis-server on 127.0.0.1:PORT (stopped by PID at the end).

1. Single process: the function `manage.py repredict` runs
   (reprediction.repredict_in_process), timed after the engine is loaded,
   with TensorFlow's default threads and with 1 thread.
2. `celery -A mylittlehero worker --concurrency N` for N = 1 and 2 (one TF
   thread per process), engines loaded before the clock starts; timed from
   the moment `repredict --queue --no-wait` starts enqueueing to the last
   photo recorded (polled every 50 ms).
3. One worker process's resident memory after 100 photos and after
   MEMORY_PHOTOS (0: skip).

Each figure is the median of REPEAT runs (every photo reset to the old model
in between; the four set-ups measured in turn within each repeat, the worker
sets started beforehand on their own queues). Prints photos/s and the ratios.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _photos import small_photos  # noqa: E402

REPO = Path(__file__).resolve().parent.parent

SETUP = r"""
import sys, django
django.setup()
from pathlib import Path
from django.core.files.base import ContentFile
from PIL import Image
from accounts.models import User
from heroes.models import Hero, Prediction
user = User.objects.create_user(email="bench@example.com", password="x-bench-pass-1")
hero = Hero.objects.order_by("pk").first()
ranking = [{"hero": hero.key, "probability": 1.0, "similarity": 0.5, "index": 50.0}]
for path in sys.argv[1:]:
    p = Prediction(owner=user, model_version="old-model", ranking=ranking, top_hero=hero)
    p.image.save("photo.jpg", ContentFile(Path(path).read_bytes()), save=False)
    p.image_width, p.image_height = Image.open(path).size
    p.save()
"""

RESET = r"""
import django
django.setup()
from heroes.models import Prediction
Prediction.objects.update(model_version="old-model", previous_results=[])
"""

IN_PROCESS = r"""
import sys, time, django
django.setup()
from heroes import reprediction
from heroes.ml import api as engine_api
engine_api.load()
version = engine_api.model_version()
plan = reprediction.repredict_plan(version=version, every=False)
start = time.perf_counter()
counts = reprediction.repredict_in_process(plan=plan, batch_size=int(sys.argv[1])).counts()
print(sum(counts[o] for o in reprediction.PROCESSED), time.perf_counter() - start)
"""


def photos(work, count):
    folder = work / "photos"
    folder.mkdir()
    images, real = small_photos(count, folders=("faces-london", "marvel-heroes/valid"))
    paths = []
    for i, image in enumerate(images):
        path = folder / f"{i:05d}.jpg"
        image.save(path, quality=90)
        paths.append(str(path))
    return paths, real


class Bench:
    def __init__(self, args):
        self.args = args
        self.work = Path(tempfile.mkdtemp(prefix="mlh-workers-"))
        self.broker = f"redis://127.0.0.1:{args.port}/0"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("MLH_", "DJANGO_"))},
            "DJANGO_SETTINGS_MODULE": "mylittlehero.settings",
            "MLH_SQLITE_PATH": str(self.work / "db.sqlite3"),
            "MLH_MEDIA_ROOT": str(self.work / "media"),
            "MLH_BROKER_URL": self.broker,
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "PYTHONUNBUFFERED": "1",
        }
        self.redis_pid = None

    def run(self, *command, env=None):
        result = subprocess.run(
            command, cwd=REPO, env=env or self.env, capture_output=True, text=True, check=False
        )
        if result.returncode:
            raise SystemExit(
                f"{command[:4]} failed:\n{result.stdout[-2000:]}{result.stderr[-3000:]}"
            )
        return result.stdout

    def start_redis(self):
        pidfile = self.work / "redis.pid"
        subprocess.run(
            ["redis-server", "--port", str(self.args.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "yes", "--pidfile", str(pidfile),
             "--dir", str(self.work)],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(50):
            if pidfile.exists() and pidfile.read_text().strip():
                break
            time.sleep(0.1)
        self.redis_pid = int(pidfile.read_text())

    def stop_redis(self):
        if self.redis_pid:
            os.kill(self.redis_pid, 15)

    def reset(self):
        self.run(sys.executable, "-c", RESET)

    def in_process(self, threads):
        """One timed pass of the single-process path (photos/s)."""
        env = dict(self.env)
        if threads:
            env["MLH_TF_INTRA_THREADS"] = env["MLH_TF_INTER_THREADS"] = str(threads)
        self.reset()
        done, seconds = self.run(
            sys.executable, "-c", IN_PROCESS, str(self.args.batch_size), env=env
        ).split()
        return int(done) / float(seconds)

    def start_worker(self, processes, queue="mlh"):
        log = self.work / f"worker-{processes}-{time.monotonic_ns()}.log"
        env = {**self.env, "MLH_WORKER_TF_THREADS": "1", "MLH_CELERY_QUEUE": queue}
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "mylittlehero", "worker", "--pool", "prefork",
             "--concurrency", str(processes), "--prefetch-multiplier", "1", "-O", "fair",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"{queue}@%h",
             "--loglevel", "INFO", "--logfile", str(log)],
            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.time() + 300
        while True:
            text = log.read_text(errors="replace") if log.exists() else ""
            if " ready." in text and text.count("hero engine") >= processes:
                return process
            if process.poll() is not None or time.time() > deadline:
                raise SystemExit(f"worker did not start:\n{text[-3000:]}")
            time.sleep(0.2)

    def stop_worker(self, process):
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        process.terminate()
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        for pid in children:
            try:
                os.kill(int(pid), 9)
            except ProcessLookupError:
                pass

    def queued_run(self, limit=None, queue="mlh"):
        """Enqueue every stale photo (at most ``limit``) and wait until all
        are recorded. Returns (photos, seconds)."""
        import redis

        client = redis.Redis.from_url(self.broker, decode_responses=True)
        out = self.run(
            sys.executable, "manage.py", "repredict", "--queue", "--no-wait",
            "--batch-size", str(self.args.batch_size), *(["--limit", str(limit)] if limit else []),
            env={**self.env, "MLH_CELERY_QUEUE": queue},
        )  # fmt: skip
        run_id = out.split("(run ")[1].split(")")[0]
        meta = client.hgetall(f"mlh:repredict:{run_id}:meta")
        # From the moment the run started enqueueing (not the command's start-up).
        start, total = float(meta["started_at"]), int(meta["total"])
        while True:
            counts = client.hgetall(f"mlh:repredict:{run_id}:counts")
            done = sum(int(v) for v in counts.values())
            if done >= total:
                break
            time.sleep(0.05)
        seconds = time.time() - start
        if counts.get("failed"):
            print(f"  ({counts['failed']} photos failed in this run)")
        return total, seconds

    def workers(self, processes, queue):
        """One timed pass on already started workers (photos/s)."""
        self.reset()
        total, seconds = self.queued_run(queue=queue)
        return total / seconds

    def memory(self):
        """RSS of one worker process after 100 and after MEMORY_PHOTOS photos
        (rounds of the first 100 stored photos, reset each time)."""
        worker = self.start_worker(1, queue="memory")
        try:
            child = int(
                Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()[0]
            )
            done, marks = 0, {}
            for target in (100, self.args.memory_photos):
                while done < target:
                    self.reset()
                    total, _seconds = self.queued_run(
                        limit=min(100, self.args.count), queue="memory"
                    )
                    done += total
                marks[done] = rss_mib(child)
            return marks
        finally:
            self.stop_worker(worker)


def rss_mib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--memory-photos", type=int, default=1000)
    parser.add_argument("--port", type=int, default=6431)
    args = parser.parse_args()

    bench = Bench(args)
    bench.start_redis()
    try:
        bench.run(sys.executable, "manage.py", "migrate", "-v0")
        paths, real = photos(bench.work, args.count)
        bench.run(sys.executable, "-c", SETUP, *paths)
        kind = "London set and hero set" if real else "astronaut crops"
        print(f"{args.count} stored photos ({kind}), batches of {args.batch_size}, "
              f"median of {args.repeat}, {os.cpu_count()} CPUs")  # fmt: skip
        # Both worker sets are started first, each on its own queue, and the
        # four set-ups are measured in turn within each repeat: a busy moment
        # on this shared machine then lands on every figure alike.
        one_worker = bench.start_worker(1, queue="bench1")
        two_workers = bench.start_worker(2, queue="bench2")
        rates = {"single": [], "single1": [], "one": [], "two": []}
        try:
            for _ in range(args.repeat):
                rates["single"].append(bench.in_process(threads=None))
                rates["single1"].append(bench.in_process(threads=1))
                rates["one"].append(bench.workers(1, "bench1"))
                rates["two"].append(bench.workers(2, "bench2"))
        finally:
            bench.stop_worker(one_worker)
            bench.stop_worker(two_workers)
        for name, values in rates.items():
            print(f"  {name}: " + ", ".join(f"{v:.1f}" for v in values))
        single, single_one, one, two = (statistics.median(rates[k]) for k in rates)
        print(f"single process (repredict, TF default threads): {single:.1f} photos/s")
        print(f"single process (repredict, 1 TF thread):        {single_one:.1f} photos/s")
        print(f"1 worker process (1 TF thread):                 {one:.1f} photos/s")
        print(f"2 worker processes (1 TF thread each):          {two:.1f} photos/s")
        print(f"2 workers / 1 worker: {two / one:.2f}x (target >= 1.6)")
        print(f"2 workers / single process (default threads): {two / single:.2f}x")
        print(f"1 worker / single process (1 TF thread): {one / single_one:.2f}x")
        if args.memory_photos:
            marks = bench.memory()
            (first, low), (last, high) = sorted(marks.items())
            print(f"worker memory: {low:.0f} MiB after {first} photos, {high:.0f} MiB after "
                  f"{last} photos: {100 * (high - low) / low:+.1f}% (target within 10%)")  # fmt: skip
    finally:
        bench.stop_redis()
        shutil.rmtree(bench.work, ignore_errors=True)


if __name__ == "__main__":
    main()
