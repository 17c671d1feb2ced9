"""The server's cost of a private result (docs/private-mode.md) next to a
server-side prediction: the same photos, first uploaded (the server decodes,
detects, embeds and ranks), then their rankings posted as private mode's
browser posts them (the server checks and stores a few kilobytes).

    .venv/bin/python bench/private_post.py [--photos DIR] [--limit 20]

In this process, through Django's test client (the whole request path:
middleware, quota, view, service, database; no network), on a throw-away
SQLite database and media folder, with the real engine warmed by one untimed
upload. Prints the median and p90 time per request, the bytes each request
carries and the ratio of the medians.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LONDON = ROOT.parent / "shared" / "datasets" / "faces-london" / "neutral"
ASTRONAUT = ROOT / "heroes" / "tests" / "fixtures" / "astronaut.jpg"


def django_setup(work):
    os.environ.update(
        DJANGO_ENV="local",
        MLH_SQLITE_PATH=str(work / "db.sqlite3"),
        MLH_MEDIA_ROOT=str(work / "media"),
        MLH_PREDICTION_RATE_USER="",
        MLH_PREDICTION_RATE_IP="",
        TF_CPP_MIN_LOG_LEVEL="3",
    )
    os.environ.pop("MONGODB_URI", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mylittlehero.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)


def logged_in_client():
    from django.test import Client

    from accounts.services import user_create

    user = user_create(email="bench@example.com", password="bench-pass-8712-unusual")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client


def upload(client, path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = path.read_bytes()
    photo = SimpleUploadedFile(path.name, data, content_type="image/jpeg")
    started = time.perf_counter()
    response = client.post("/upload/", {"photo": photo}, HTTP_ACCEPT="application/json")
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        return None
    return elapsed, len(data), response.json()["redirect"]


def private_payload(result_path):
    """The body private mode's browser posts for this result's ranking."""
    from heroes.models import Prediction

    prediction = Prediction.objects.get(pk=result_path.rstrip("/").split("/")[-1])
    face = prediction.face["box"]
    width, height = prediction.image_width, prediction.image_height
    return {
        "model_version": prediction.model_version,
        "ranking": prediction.ranking,
        "nearly_tied": prediction.nearly_tied,
        "face_box": [face[0] / width, face[1] / height, face[2] / width, face[3] / height],
    }


def post_private(client, payload):
    body = json.dumps(payload)
    started = time.perf_counter()
    response = client.post(
        "/private-result/", body, content_type="application/json", HTTP_ACCEPT="application/json"
    )
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.content
    return elapsed, len(body.encode())


def summary(name, times, sizes):
    times = sorted(t * 1000 for t in times)
    p90 = times[min(len(times) - 1, int(0.9 * len(times)))]
    median = statistics.median(times)
    print(
        f"{name:<22} median {median:8.1f} ms   p90 {p90:8.1f} ms   "
        f"body median {statistics.median(sizes) / 1024:8.1f} KB   (n={len(times)})"
    )
    return median


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=Path, default=LONDON)
    parser.add_argument("--limit", type=int, default=20)
    args = parser.parse_args()
    photos = sorted(args.photos.glob("*.jpg"))[: args.limit] if args.photos.is_dir() else []
    if not photos:
        print(f"{args.photos} has no photos; using the astronaut test photo")
        photos = [ASTRONAUT] * min(args.limit, 5)

    with tempfile.TemporaryDirectory(prefix="mlh-bench-private-") as work:
        django_setup(Path(work))
        client = logged_in_client()
        upload(client, photos[0])  # loads and warms the engine: not timed
        uploads = [u for u in (upload(client, path) for path in photos) if u]
        if not uploads:
            raise SystemExit("no upload succeeded")
        posts = [post_private(client, private_payload(path)) for _, _, path in uploads]

    print(f"{len(uploads)} photos from {args.photos if photos[0] != ASTRONAUT else ASTRONAUT}")
    server = summary("server prediction", [t for t, _, _ in uploads], [s for _, s, _ in uploads])
    private = summary("private result POST", [t for t, _ in posts], [s for _, s in posts])
    print(f"ratio (server / private, medians): {server / private:.0f}x")


if __name__ == "__main__":
    main()
