"""The first result on a slow phone connection: from pressing
"내 히어로 찾기" to the result page's largest contentful paint, and a new
visitor's whole path (home page -> choose a photo -> result, no account).

    .venv/bin/python bench/first_result.py [--runs 5] [--port 8720]

Debian's Chromium (Playwright), each run in a fresh browser context (a new
visitor: empty cache, no session), with the Chrome DevTools network
emulation at Lighthouse's slow mobile profile: 1.6 Mbit/s down, 750 kbit/s
up, 150 ms round trip (Network.emulateNetworkConditions). The site is
bench/_site.py's production copy (gunicorn, WhiteNoise) on loopback, warmed
by untimed uploads first; upload quotas are lifted for the bench.

The photo: a 4032x3024 phone JPEG of about 4 MB made from the astronaut
test photo (bench/_photos.py phone_jpeg, stored sideways with EXIF
orientation 6 as phones do).

- "before": the original file is sent (the page's shrinking is switched
  off by removing createImageBitmap, which is what a browser that cannot
  decode the file does; the bytes are those the old form posted);
- "after": the page shrinks it (static/js/upload.js) and sends that;
- "path": home page -> "지금 해 보기" -> choose the photo -> result page LCP.

Prints medians of --runs runs, the bytes sent per upload (the request's
Content-Length) and, once, how far Chromium's shrink is from the Python
emulation the other benchmarks use (bench/_browser_shrink.py, PSNR).
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _photos import ASTRONAUT, phone_jpeg  # noqa: E402

CHROMIUM = os.environ.get("MLH_CHROMIUM", "/usr/bin/chromium")
SLOW = {
    "offline": False,
    "latency": 150,  # ms
    "downloadThroughput": 1_600_000 / 8,  # bytes/s
    "uploadThroughput": 750_000 / 8,
}
LCP = """() => new Promise((resolve) => {
  new PerformanceObserver((list) => {
    const entries = list.getEntries();
    resolve(performance.timeOrigin + entries[entries.length - 1].startTime);
  }).observe({type: "largest-contentful-paint", buffered: true});
})"""


def phone_photo(folder):
    from PIL import Image

    image = Image.open(io.BytesIO(phone_jpeg(ASTRONAUT, noise=8)))
    exif = Image.Exif()
    exif[0x0112] = 6
    path = Path(folder) / "IMG_4032.jpg"
    image.transpose(Image.Transpose.ROTATE_90).save(path, "JPEG", quality=92, exif=exif)
    return path


def new_page(browser, *, shrink, slow):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="ko-KR", is_mobile=True, has_touch=True
    )
    if not shrink:
        context.add_init_script("delete window.createImageBitmap;")
    page = context.new_page()
    page.set_default_timeout(180_000)
    if slow:
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", SLOW)
    return page


def send(page, photo):
    """Choose the photo, press the button; (seconds to the result's LCP, bytes sent)."""
    page.locator("#id_photo").set_input_files(str(photo))
    with page.expect_request(lambda r: r.method == "POST" and "/upload/" in r.url) as posted:
        pressed = page.evaluate("Date.now()")
        page.get_by_role("button", name="내 히어로 찾기").click()
    page.wait_for_url("**/history/*/", wait_until="load")
    page.wait_for_timeout(500)  # let a later, larger paint be reported
    lcp = page.evaluate(LCP)
    return (lcp - pressed) / 1000, int(posted.value.all_headers()["content-length"])


def run_upload(browser, site, photo, *, shrink):
    page = new_page(browser, shrink=shrink, slow=True)
    page.goto(site.url + "/upload/")
    seconds, sent = send(page, photo)
    page.context.close()
    return seconds, sent


def run_path(browser, site, photo):
    page = new_page(browser, shrink=True, slow=True)
    started = time.time() * 1000
    page.goto(site.url + "/")
    page.get_by_role("link", name="지금 해 보기").click()
    page.wait_for_url("**/upload/")
    _seconds, sent = send(page, photo)
    lcp = page.evaluate(LCP)
    page.context.close()
    return (lcp - started) / 1000, sent


def psnr_once(browser, site, photo):
    """Chromium's shrink against bench/_browser_shrink.py's, on the bench photo."""
    from _browser_shrink import browser_shrink, psnr

    page = new_page(browser, shrink=True, slow=False)
    page.goto(site.url + "/upload/")
    page.locator("#id_photo").set_input_files(str(photo))
    data = page.evaluate(
        """async () => {
      const form = document.getElementById("upload-form");
      const file = document.getElementById("id_photo").files[0];
      const side = parseInt(form.dataset.maxSide, 10), quality = parseFloat(form.dataset.jpegQuality);
      const bitmap = await createImageBitmap(file, {imageOrientation: "from-image"});
      const scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
      const canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale); canvas.height = Math.round(bitmap.height * scale);
      const context = canvas.getContext("2d");
      context.imageSmoothingEnabled = true; context.imageSmoothingQuality = "high";
      context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", quality));
      return Array.from(new Uint8Array(await blob.arrayBuffer()));
    }"""
    )
    page.context.close()
    js = bytes(data)
    return psnr(js, browser_shrink(photo.read_bytes())), len(js)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--port", type=int, default=8720)
    parser.add_argument("--skip-before", action="store_true", help="only after and path")
    args = parser.parse_args()
    # The bench uploads more than a visitor's quota from one address.
    for name in ("MLH_ANONYMOUS_RATE_IP", "MLH_PREDICTION_RATE_IP"):
        os.environ[name] = ""
    for name in ("MLH_ANONYMOUS_REFUSED_RATE_IP", "MLH_PREDICTION_REFUSED_RATE_IP"):
        os.environ[name] = ""

    from _site import running_site
    from playwright.sync_api import sync_playwright

    folder = tempfile.mkdtemp(prefix="mlh-first-result-")
    photo = phone_photo(folder)
    print(
        f"photo: 4032x3024 (stored 3024x4032, EXIF orientation 6), {photo.stat().st_size:,} bytes"
    )
    with running_site(port=args.port) as site, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        for _ in range(4):  # warm both gunicorn workers' engines, untimed
            page = new_page(browser, shrink=True, slow=False)
            page.goto(site.url + "/upload/")
            send(page, photo)
            page.context.close()
        value, size = psnr_once(browser, site, photo)
        print(
            f"Chromium's shrink vs bench/_browser_shrink.py: PSNR {value:.1f} dB ({size:,} bytes)"
        )
        kinds = [("after", True), ("path", None)]
        if not args.skip_before:
            kinds.insert(0, ("before", False))
        for kind, shrink in kinds:
            times, sent = [], []
            for _ in range(args.runs):
                if kind == "path":
                    seconds, size = run_path(browser, site, photo)
                else:
                    seconds, size = run_upload(browser, site, photo, shrink=shrink)
                times.append(seconds)
                sent.append(size)
            print(
                f"{kind:6}: median {statistics.median(times):6.2f} s "
                f"(runs {', '.join(f'{t:.2f}' for t in times)}), "
                f"sent {statistics.median(sent):,.0f} bytes"
            )
        browser.close()


if __name__ == "__main__":
    main()
