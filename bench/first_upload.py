"""The first upload after `make run`: how long from the click on "내 히어로
찾기" to the result page, with the development server as `make run` starts
it (`manage.py devserver`, which loads the engine in the background) and,
for comparison, plain `runserver` (the engine loads on the first upload).

    .venv/bin/python bench/first_upload.py [--port 8814] [--wait 20]

Each server gets a fresh SQLite database and media folder; the person logs
in and uploads the astronaut test photo in Debian's Chromium, --wait
seconds after the server started (a person needs that long to sign up).
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
PHOTO = ROOT / "heroes" / "tests" / "fixtures" / "astronaut.jpg"


def first_upload(command, port, wait):
    work = Path(tempfile.mkdtemp(prefix="mlh-first-upload-"))
    env = {
        **os.environ,
        "MLH_SQLITE_PATH": str(work / "db.sqlite3"),
        "MLH_MEDIA_ROOT": str(work / "media"),
        "TF_CPP_MIN_LOG_LEVEL": "3",
    }
    _prepare_database(env)
    started = time.monotonic()
    server = subprocess.Popen(
        [PYTHON, "manage.py", command, f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url)
        return _click_to_result(url, started, wait)
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(work, ignore_errors=True)


def _prepare_database(env):
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    # Sign-up is confirmed by email; the person here already has an account.
    subprocess.run(
        [
            PYTHON,
            "manage.py",
            "shell",
            "-c",
            "from accounts.models import User; "
            "User.objects.create_user(email='first@example.com', password='first-upload-pass-8712')",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _wait_until_up(url):
    while True:
        try:
            urllib.request.urlopen(url + "/heroes/", timeout=1)
            break
        except OSError:
            time.sleep(0.2)


def _click_to_result(url, started, wait):
    """Log in, choose the photo, click ``wait`` seconds after the server
    ``started``; the seconds from the click to the result page."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"]
        )
        page = browser.new_page(locale="ko-KR")
        page.set_default_timeout(120_000)
        page.goto(url + "/accounts/login/")
        page.get_by_label("이메일").fill("first@example.com")
        page.get_by_label("비밀번호").fill("first-upload-pass-8712")
        page.get_by_role("button", name="로그인").click()
        page.wait_for_url(url + "/")
        page.goto(url + "/upload/")
        page.locator("#id_photo").set_input_files(str(PHOTO))
        time.sleep(max(0.0, wait - (time.monotonic() - started)))
        clicked = time.monotonic()
        page.get_by_role("button", name="내 히어로 찾기").click()
        page.wait_for_url(lambda u: "/history/" in u)
        seconds = time.monotonic() - clicked
        browser.close()
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8814)
    parser.add_argument("--wait", type=float, default=20.0)
    args = parser.parse_args()
    warm = first_upload("devserver", args.port, args.wait)
    cold = first_upload("runserver", args.port, args.wait)
    print(
        f"first upload, click to result: devserver (make run) {warm:.2f} s, plain runserver {cold:.2f} s"
    )


if __name__ == "__main__":
    sys.exit(main())
