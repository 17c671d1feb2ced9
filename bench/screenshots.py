"""Screenshots for the README and docs/ux.md (docs/screenshots/): a high, a
middle and a low result at phone and desktop width and their share cards,
plus home, upload, history and the share page, from a production-mode copy
of the site (bench/_site.py) in Debian's Chromium with the real engine.

The faces are the Face Research Lab London Set (../shared/datasets/
faces-london, CC BY 4.0; captions credit it): every neutral and smiling
photo is ranked, and the photos with the highest match strength, the one
nearest the median and the lowest are shown (none nearly tied).

    .venv/bin/python bench/screenshots.py [--port 8810] [--out docs/screenshots]

JPEG, quality 78; the cards are written as JPEG too (the site serves PNG).
"""

import argparse
import io
import os
import statistics
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mylittlehero.settings")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from _photos import shared_datasets  # noqa: E402

from bench._site import ROOT, running_site  # noqa: E402

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
QUALITY = 78


def choose_london_photos():
    """{"high": path, "middle": path, "low": path} over the London set."""
    import django

    django.setup()
    from heroes.ml import api as engine_api

    base = shared_datasets()
    if base is None:
        raise SystemExit("../shared/datasets is absent: the screenshots need the London faces")
    london = base / "faces-london"
    scored = []
    for photo in sorted([*london.glob("neutral/*.jpg"), *london.glob("smiling/*.jpg")]):
        result = engine_api.predict(str(photo))
        if result.match_strength is not None and not result.nearly_tied:
            scored.append((result.match_strength, photo))
    scored.sort()
    median = statistics.median(value for value, _ in scored)
    chosen = {
        "high": scored[-1],
        "middle": min(scored, key=lambda item: abs(item[0] - median)),
        "low": scored[0],
    }
    for name, (value, photo) in chosen.items():
        print(f"{name}: {photo.relative_to(london)} match strength {value:.1f}")
    print(f"{len(scored)} London photos, median match strength {median:.1f}")
    return {name: photo for name, (_value, photo) in chosen.items()}


def save_jpeg(png_bytes, path):
    from PIL import Image

    Image.open(io.BytesIO(png_bytes)).convert("RGB").save(path, quality=82, optimize=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8810)
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    photos = choose_london_photos()
    from playwright.sync_api import sync_playwright

    with (
        running_site(args.port, photos=list(photos.values())) as site,
        sync_playwright() as playwright,
    ):
        results = dict(zip(photos, site.results))
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"]
        )
        for label, options in (
            (
                "phone",
                {"viewport": PHONE, "device_scale_factor": 2, "is_mobile": True, "has_touch": True},
            ),
            ("desktop", {"viewport": DESKTOP}),
        ):
            context = browser.new_context(locale="ko-KR", **options)
            page = context.new_page()
            page.goto(site.url + "/")
            page.screenshot(path=str(out / f"home-{label}.jpg"), type="jpeg", quality=QUALITY)
            page.goto(site.url + "/accounts/login/")
            page.get_by_label("이메일").fill(site.email)
            page.get_by_label("비밀번호").fill(site.password)
            page.get_by_role("button", name="로그인").click()
            page.wait_for_url(site.url + "/")
            shots = [("upload", "/upload/"), ("history", "/history/")]
            shots += [(f"result-{name}", path) for name, (path, _s, _v) in results.items()]
            for name, path in shots:
                page.goto(site.url + path)
                page.wait_for_timeout(1200)  # the reveal
                page.screenshot(path=str(out / f"{name}-{label}.jpg"), type="jpeg", quality=QUALITY)
            context.close()
            context = browser.new_context(locale="ko-KR", **options)
            page = context.new_page()
            page.goto(site.url + results["middle"][1])
            page.wait_for_timeout(500)
            page.screenshot(path=str(out / f"share-{label}.jpg"), type="jpeg", quality=QUALITY)
            context.close()
        browser.close()
        for name, (_path, share, value) in results.items():
            card = urllib.request.urlopen(site.url + share + "card.png?lang=ko").read()
            save_jpeg(card, out / f"card-{name}.jpg")
            print(f"{name}: match strength on the site {value}")
    for path in sorted(out.glob("*.jpg")):
        print(f"{path.relative_to(ROOT)} {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
