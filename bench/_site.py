"""A throw-away copy of the site for bench/screenshots.py and
bench/lighthouse.py: production settings (gunicorn, whitenoise, compressed
hashed static files) on loopback, a fresh SQLite database and media folder
in a temporary directory, one person with real results, shared: the
astronaut test photo through the real engine, or the photos given
(bench/screenshots.py passes London faces, CC BY 4.0, shown with credit).

    with running_site(port=8810) as site:
        site.url, site.email, site.password, site.result_path, site.share_path
"""

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = (
    str(ROOT / ".venv" / "bin" / "python")
    if (ROOT / ".venv" / "bin" / "python").exists()
    else sys.executable
)
EMAIL, PASSWORD = "bench@example.com", "bench-pass-8712-unusual"

SETUP = """
from django.core.files.uploadedfile import SimpleUploadedFile
from accounts.services import user_create
from heroes.services import prediction_create, prediction_share
user = user_create(email={email!r}, password={password!r}, display_name="Bench")
for photo in {photos!r}:
    data = open(photo, "rb").read()
    prediction = prediction_create(user=user, upload=SimpleUploadedFile("photo.jpg", data, content_type="image/jpeg"))
    prediction_share(prediction=prediction)
    print("RESULT", prediction.pk, prediction.share_token, prediction.match_strength)
"""


@dataclass
class Site:
    url: str
    email: str
    password: str
    result_path: str
    share_path: str
    match_strength: str
    # every photo's result, in the order given: (result path, share path, strength)
    results: list


def _free(port):
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


@contextlib.contextmanager
def running_site(port=8810, photos=None):
    """A production-mode copy of the site with one person whose results are
    ``photos`` (default: the astronaut test photo) through the real engine,
    each shared; the first is ``result_path``."""
    if not _free(port):
        raise SystemExit(f"port {port} is in use")
    work = Path(tempfile.mkdtemp(prefix="mlh-bench-site-"))
    env = _site_env(work)
    results = _prepare_site(env, photos)
    (result_path, share_path, strength) = results[0]
    server = _start_gunicorn(port, env)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url)
        yield Site(url, EMAIL, PASSWORD, result_path, share_path, strength, results)
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(work, ignore_errors=True)


def _site_env(work):
    """Production settings on loopback, the database and media in ``work``."""
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SESSION_COOKIE_SECURE": "0",
        "DJANGO_CSRF_COOKIE_SECURE": "0",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        "MLH_SQLITE_PATH": str(work / "db.sqlite3"),
        "MLH_MEDIA_ROOT": str(work / "media"),
        "MLH_WARM_ON_START": "0",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "GUNICORN_ACCESS_LOG": "",
        # No mail goes out from this local copy; production refuses to start
        # without a mail setting unless the console is chosen explicitly.
        "MLH_EMAIL_CONSOLE": "1",
    }
    env.pop("MONGODB_URI", None)
    return env


def _prepare_site(env, photos):
    """Migrate, collect the static files and store the person's results;
    every photo's (result path, share path, strength), in order."""
    manage = [PYTHON, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    # into ./staticfiles (git-ignored), as a deployment would
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    photos = [str(p) for p in photos or [ROOT / "heroes" / "tests" / "fixtures" / "astronaut.jpg"]]
    out = subprocess.run(
        [*manage, "shell", "-c", SETUP.format(email=EMAIL, password=PASSWORD, photos=photos)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [
        (f"/history/{pk}/", f"/s/{token}/", strength)
        for _, pk, token, strength in (
            line.split() for line in out.splitlines() if line.startswith("RESULT ")
        )
    ]


def _start_gunicorn(port, env):
    return subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "mylittlehero.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "2",
            "--worker-class",
            "gthread",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_until_up(url):
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/heroes/", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
