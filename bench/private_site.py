"""Private mode on the site, as a phone on a slow network meets it: the
upload page's "on this device" path against the server path, the same photo,
measured in the same session.

    .venv/bin/python bench/private_site.py [--runs 3] [--port 8730]

Debian's Chromium (Playwright) at a phone's size, with the Chrome DevTools
network emulation at Lighthouse's slow mobile profile (1.6 Mbit/s down,
750 kbit/s up, 150 ms round trip); the site is bench/_site.py's production
copy (gunicorn, WhiteNoise's compressed hashed static files, the site's
Content-Security-Policy) on loopback, its engines warmed by untimed uploads.
The photo: bench/first_result.py's 4032x3024 phone JPEG (about 3.7 MB).

Each run is a new visitor (a fresh browser context, empty cache):

- "server": the default path; the page shrinks the photo and sends it;
- "private, first use": the visitor chooses "on this device" and presses the
  button at once: the engine's files download (the choice starts it), then
  the photo is analysed in the page and the ranking posted;
- "private, cached": the same visitor's next photo, on a new page load
  (the choice remembered, the files in the browser's cache).

Prints, per kind, the median time from pressing the button to the result
page's largest contentful paint, the bytes the browser received
(compressed, over the whole visit) and the bytes it sent in request bodies.
"""

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from first_result import CHROMIUM, LCP, SLOW, phone_photo  # noqa: E402


class Visit:
    """A fresh phone-sized browser context on the slow profile, counting
    the bytes received and sent."""

    def __init__(self, browser):
        self.context = browser.new_context(
            viewport={"width": 390, "height": 844}, locale="ko-KR", is_mobile=True, has_touch=True
        )
        self.page = self.context.new_page()
        self.page.set_default_timeout(300_000)
        cdp = self.context.new_cdp_session(self.page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", SLOW)
        self.received = 0
        self.sent = 0
        cdp.on("Network.loadingFinished", self._finished)
        self.page.on("request", self._request)

    def _finished(self, event):
        self.received += int(event.get("encodedDataLength", 0))

    def _request(self, request):
        if request.method == "POST":
            self.sent += int(request.all_headers().get("content-length", 0) or 0)

    def press_to_result(self, photo, *, private):
        page = self.page
        if private:
            page.locator("#where-device").check()
        page.locator("#id_photo").set_input_files(str(photo))
        pressed = page.evaluate("Date.now()")
        page.get_by_role("button", name="내 히어로 찾기").click()
        page.wait_for_url("**/history/*/", wait_until="load")
        page.wait_for_timeout(500)  # let a later, larger paint be reported
        return (page.evaluate(LCP) - pressed) / 1000

    def close(self):
        self.context.close()


def run(browser, site, photo, kind):
    """(seconds, bytes received, bytes sent) for one run of ``kind``."""
    visit = Visit(browser)
    try:
        visit.page.goto(site.url + "/upload/")
        if kind == "private, cached":
            visit.press_to_result(photo, private=True)  # the first use: not counted
            visit.received = visit.sent = 0
            visit.page.goto(site.url + "/upload/")
        seconds = visit.press_to_result(photo, private=kind != "server")
        return seconds, visit.received, visit.sent
    finally:
        visit.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--port", type=int, default=8730)
    args = parser.parse_args()
    # The bench makes more results than a visitor's quota from one address.
    for name in (
        "MLH_ANONYMOUS_RATE_IP",
        "MLH_PREDICTION_RATE_IP",
        "MLH_ANONYMOUS_REFUSED_RATE_IP",
        "MLH_PREDICTION_REFUSED_RATE_IP",
    ):
        os.environ[name] = ""

    from _site import running_site
    from playwright.sync_api import sync_playwright

    photo = phone_photo(tempfile.mkdtemp(prefix="mlh-private-site-"))
    print(f"photo: 4032x3024 phone JPEG, {photo.stat().st_size:,} bytes")
    with running_site(port=args.port) as site, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        for _ in range(3):  # warm both gunicorn workers' engines, untimed
            run(browser, site, photo, "server")
        for kind in ("server", "private, first use", "private, cached"):
            results = [run(browser, site, photo, kind) for _ in range(args.runs)]
            times = [seconds for seconds, _, _ in results]
            print(
                f"{kind:19}: median {statistics.median(times):6.2f} s "
                f"(runs {', '.join(f'{t:.2f}' for t in times)}), "
                f"received {statistics.median(r for _, r, _ in results) / 1e6:6.2f} MB, "
                f"sent {statistics.median(s for _, _, s in results) / 1e3:7.1f} kB"
            )
        browser.close()


if __name__ == "__main__":
    main()
