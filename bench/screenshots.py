"""Screenshots for the README (docs/screenshots/): home, upload, result
(phone and desktop), history, share page and the share card, from a
production-mode copy of the site (bench/_site.py) in Debian's Chromium.
The result is the astronaut test photo through the real engine.

    .venv/bin/python bench/screenshots.py [--port 8810] [--out docs/screenshots]
"""

import argparse
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._site import ROOT, running_site  # noqa: E402

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8810)
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with running_site(args.port) as site, sync_playwright() as playwright:
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
            page.screenshot(path=str(out / f"home-{label}.jpg"), type="jpeg", quality=80)
            page.goto(site.url + "/accounts/login/")
            page.get_by_label("이메일").fill(site.email)
            page.get_by_label("비밀번호").fill(site.password)
            page.get_by_role("button", name="로그인").click()
            page.wait_for_url(site.url + "/")
            for name, path, full in (
                ("upload", "/upload/", False),
                ("result", site.result_path, False),
                ("result-full", site.result_path, True),
                ("history", "/history/", False),
            ):
                page.goto(site.url + path)
                page.wait_for_timeout(1200)  # the reveal
                page.screenshot(
                    path=str(out / f"{name}-{label}.jpg"), full_page=full, type="jpeg", quality=80
                )
            context.close()
            context = browser.new_context(locale="ko-KR", **options)
            page = context.new_page()
            page.goto(site.url + site.share_path)
            page.wait_for_timeout(500)
            page.screenshot(path=str(out / f"share-{label}.jpg"), type="jpeg", quality=80)
            context.close()
        browser.close()
        card = urllib.request.urlopen(site.url + site.share_path + "card.png?lang=ko").read()
        (out / "share-card.png").write_bytes(card)
        print(f"match strength of the astronaut result: {site.match_strength}")
    for path in sorted([*out.glob("*.jpg"), *out.glob("*.png")]):
        print(path)


if __name__ == "__main__":
    main()
