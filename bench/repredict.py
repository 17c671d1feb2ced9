"""Throughput of `manage.py repredict` over 500 stored photos.

    .venv/bin/python bench/repredict.py [--count 500]

Sets up a throw-away SQLite database and media folder, stores COUNT photos
(the hero set's valid split where ../shared is present, else crops of the
astronaut fixture), marks them as made by an old model, then times
`manage.py repredict` (process start and model load included, and once
loaded).
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _photos import small_photos  # noqa: E402

REPO = Path(__file__).resolve().parent.parent

SETUP = r"""
import io, sys, django
django.setup()
from pathlib import Path
from django.core.files.base import ContentFile
from accounts.models import User
from heroes.models import Prediction
user = User.objects.create_user(email="bench@example.com", password="x-bench-pass-1")
for path in sys.argv[1:]:
    p = Prediction(owner=user, model_version="old-model", ranking=[])
    p.image.save("photo.jpg", ContentFile(Path(path).read_bytes()), save=False)
    p.save()
print(Prediction.objects.count())
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=500)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mlh-repredict-"))
    photos = work / "photos"
    photos.mkdir()
    images, real = small_photos(args.count, folders=("marvel-heroes/valid", "faces-london"))
    paths = []
    for i, image in enumerate(images):
        path = photos / f"{i:04d}.jpg"
        image.save(path, quality=90)
        paths.append(str(path))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mylittlehero.settings",
        "MLH_SQLITE_PATH": str(work / "db.sqlite3"),
        "MLH_MEDIA_ROOT": str(work / "media"),
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "PYTHONUNBUFFERED": "1",
    }

    def run(*cmd):
        return subprocess.run(cmd, cwd=REPO, env=env, check=True, capture_output=True, text=True)

    run(sys.executable, "manage.py", "migrate", "-v0")
    stored = run(sys.executable, "-c", SETUP, *paths).stdout.strip()
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "repredict", "--batch-size", "32"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    first_progress = None
    output = []
    for line in proc.stdout:
        output.append(line.rstrip())
        if first_progress is None and line.startswith("re-predicted:"):
            first_progress = (time.perf_counter(), int(line.split()[1].split("/")[0]))
    proc.wait()
    total = time.perf_counter() - start
    print(f"{stored} stored photos ({'hero set and London set' if real else 'astronaut crops'})")
    print(output[-1] if output else "(no output)")
    print(
        f"whole command: {total:.1f} s, {int(stored) / total:.1f} photos/s (start and model load included)"
    )
    if first_progress:
        at, done = first_progress
        rate = (int(stored) - done) / (time.perf_counter() - at)
        print(f"once loaded: {rate:.1f} photos/s (target >= 10)")


if __name__ == "__main__":
    main()
