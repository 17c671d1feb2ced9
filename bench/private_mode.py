"""Private mode: the browser's answer against the server's, its
speed, its first-use download on a slow phone network, and the tab's memory.

    .venv/bin/python bench/private_mode.py [--limit N] [--skip-slow]

Runs static/js/private/engine.js in Debian's Chromium (headless, WebAssembly,
one thread) on a static server on 127.0.0.1:8800-8849, and the server's engine
(TensorFlow) in this process. Prints:

- on the London photos (../shared/datasets/faces-london, 204): how often the
  browser's top hero is the server engine's on the same file, and for the
  others whether either side calls the top two nearly tied; the same against
  what an upload gets (the engine on the stored, re-encoded copy); the L2
  distance between the browser's and the server's embeddings (median, p95, max);
- warm time per photo in the page, decode to ranking (median), on London's
  640 px photos and on a 12 MP phone-sized JPEG;
- first use on the slow mobile profile (CDP: 1.6 Mbit/s down, 750 kbit/s up,
  150 ms RTT; gzip as a production server sends): bytes transferred and the
  time from opening the page to the first ranking;
- the renderer process's memory (RSS, from /proc) after the first photo.

The bench reads the engine's stages (heroes.ml.engine), not only its door:
the embeddings are not part of the engine's answer.
"""

import argparse
import os
import statistics
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mylittlehero.settings")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
from _photos import ASTRONAUT, phone_jpeg, shared_datasets  # noqa: E402

from heroes.tests import private_site  # noqa: E402

CHROMIUM = os.environ.get("MLH_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SLOW = {  # the slow mobile profile (bytes per second, as CDP wants)
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1.6e6 / 8,
    "uploadThroughput": 750e3 / 8,
}

STAGES = """async (b64) => {
  const blob = new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))]);
  const started = performance.now();
  const r = await window.privateEngine.run(blob);
  return {ms: performance.now() - started, embedding: Array.from(r.embedding),
          ranking: r.ranked.ranking.map((s) => s.hero), tied: r.ranked.nearly_tied};
}"""


def renderer_rss_mb(marker):
    """RSS of the renderer processes under the browser started with marker."""
    procs = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            rss = int(
                next(
                    line.split()[1]
                    for line in (entry / "status").read_text().splitlines()
                    if line.startswith("VmRSS:")
                )
            )
        except (OSError, StopIteration):
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        procs[int(entry.name)] = (ppid, cmdline, rss)
    roots = {pid for pid, (_p, cmd, _r) in procs.items() if marker in cmd}

    def under(pid):
        while pid in procs:
            if pid in roots:
                return True
            pid = procs[pid][0]
        return False

    sizes = [
        rss / 1024
        for pid, (_p, cmd, rss) in procs.items()
        if "--type=renderer" in cmd and under(pid)
    ]
    return max(sizes) if sizes else None


@dataclass
class _Tally:
    """The browser against the server engine, photo by photo."""

    same: int = 0  # same top hero as the server engine on the same file
    same_upload: int = 0  # same top hero as an upload (the stored re-encoded copy)
    others: list = field(default_factory=list)  # (name, nearly tied on either side)
    others_upload: list = field(default_factory=list)  # (name, nearly tied, or "refused")
    distances: list = field(default_factory=list)  # embedding L2, browser vs server
    times: list = field(default_factory=list)  # ms in the page, decode to ranking
    refused: dict = field(
        default_factory=lambda: {"both": 0, "browser only": [], "server only": []}
    )


def london(playwright, limit, folder=None):
    from heroes.ml.engine import get_engine

    found = _london_photos(folder)
    if found is None:
        return
    paths, label = found
    paths = paths[:limit] if limit else paths
    hero_engine = get_engine()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    tally = _Tally()
    with private_site.StaticSite() as site:
        page = browser.new_page()
        page.set_default_timeout(120_000)
        private_site.load_engine(page, site)
        for path in paths:
            _compare_photo(page, hero_engine, path, tally)
        browser.close()
    _print_london(label, paths, tally)


def _london_photos(folder):
    """(the photos, their label): ``folder``'s, else the London set; None
    (and a line saying so) without either."""
    shared = shared_datasets()
    if folder:
        paths = sorted(p for p in Path(folder).rglob("*") if p.suffix.lower() in (".jpg", ".png"))
        return paths, str(folder)
    if shared:
        root = shared / "faces-london"
        paths = sorted((root / "neutral").glob("*.jpg")) + sorted((root / "smiling").glob("*.jpg"))
        return paths, "London"
    print("London: ../shared/datasets is absent, skipped")
    return None


def _compare_photo(page, hero_engine, path, tally):
    """One photo in the page and in the server engine, on the same file and
    as an upload stores it; counted in ``tally``."""
    from heroes.ml.errors import ImageRejected
    from heroes.ml.intake import load_image

    data = path.read_bytes()
    try:
        got = page.evaluate(STAGES, private_site.as_blob_arg(data))
    except Exception:  # noqa: BLE001 - the page refused it (no face...)
        got = None
    try:
        prepared = hero_engine._prepare(data, None, None)
    except ImageRejected:
        prepared = None
    if got is None or prepared is None:
        if got is None and prepared is None:
            tally.refused["both"] += 1
        else:
            tally.refused["browser only" if got is None else "server only"].append(path.name)
        return
    tally.times.append(got["ms"])
    embedding = hero_engine.embed_faces([prepared.chip])
    ((ranking, tied),) = hero_engine.rank(embedding)
    tally.distances.append(float(np.linalg.norm(np.array(got["embedding"]) - embedding[0])))
    if got["ranking"][0] == ranking[0].hero:
        tally.same += 1
    else:
        tally.others.append((path.name, tied or got["tied"]))
    # What an upload gets: the engine on the stored, re-encoded copy.
    from heroes.services import _jpeg_bytes

    try:
        upload = hero_engine.analyse(_jpeg_bytes(load_image(data).image))
    except ImageRejected:
        tally.others_upload.append((path.name, "refused"))
        return
    if got["ranking"][0] == upload.ranking[0].hero:
        tally.same_upload += 1
    else:
        tally.others_upload.append((path.name, upload.nearly_tied or got["tied"]))


def _print_london(label, paths, tally):
    refused, others, others_upload = tally.refused, tally.others, tally.others_upload
    same, same_upload = tally.same, tally.same_upload
    n = len(paths) - refused["both"] - len(refused["browser only"]) - len(refused["server only"])
    print(f"{label}, {len(paths)} photos, {n} ranked by both; refused: {refused}")
    print(
        f"  same top hero as the server engine on the same file: {same}/{n} "
        f"({100 * same / n:.1f}%); the others nearly tied: "
        f"{sum(t for _n, t in others)}/{len(others)} {others}"
    )
    print(
        f"  same top hero as an upload (stored re-encoded copy): {same_upload}/{n} "
        f"({100 * same_upload / n:.1f}%); the others nearly tied: "
        f"{sum(t is True for _n, t in others_upload)}/{len(others_upload)} "
        f"(re-encoded copy refused: {sum(t == 'refused' for _n, t in others_upload)})"
    )
    d = sorted(tally.distances)
    print(
        f"  embedding L2, browser vs server: median {statistics.median(d):.2e}, "
        f"p95 {d[int(0.95 * (len(d) - 1))]:.2e}, max {d[-1]:.2e}"
    )
    print(
        f"  warm time per photo (decode to ranking): median {statistics.median(tally.times):.0f} ms"
    )


def phone_photo(playwright):
    data = phone_jpeg(ASTRONAUT)
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    with private_site.StaticSite() as site:
        page = browser.new_page()
        page.set_default_timeout(120_000)
        private_site.load_engine(page, site)
        times = []
        for _ in range(7):
            times.append(page.evaluate(STAGES, private_site.as_blob_arg(data))["ms"])
    browser.close()
    print(
        f"12 MP phone JPEG ({len(data) / 1e6:.1f} MB): warm median {statistics.median(times[2:]):.0f} ms "
        f"(first {times[0]:.0f} ms)"
    )


def first_use(playwright):
    marker = f"--mlh-bench={uuid.uuid4().hex}"
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[*ARGS, marker])
    with private_site.StaticSite(gzip=True) as site:
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(600_000)
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send("Network.emulateNetworkConditions", SLOW)
        transferred = {}
        cdp.on(
            "Network.loadingFinished",
            lambda event: transferred.__setitem__(event["requestId"], event["encodedDataLength"]),
        )
        before = renderer_rss_mb(marker)
        started = time.perf_counter()
        load_ms = private_site.load_engine(page, site)
        loaded = time.perf_counter() - started
        data = (
            (shared_datasets() / "faces-london" / "neutral" / "001.jpg").read_bytes()
            if shared_datasets()
            else ASTRONAUT.read_bytes()
        )
        page.evaluate(STAGES, private_site.as_blob_arg(data))
        first = time.perf_counter() - started
        after = renderer_rss_mb(marker)
        heap = cdp.send("Runtime.getHeapUsage")
        total = sum(transferred.values())
        print(
            f"First use, slow mobile profile: {total / 1e6:.2f} MB transferred in "
            f"{len(transferred)} requests; engine ready after {loaded:.1f} s "
            f"(in-page load {load_ms / 1000:.1f} s), first ranking after {first:.1f} s"
        )
        print(
            f"Tab memory after the first photo: renderer RSS {after:.0f} MB "
            f"(blank page {before or 0:.0f} MB); JS heap used {heap['usedSize'] / 1e6:.0f} MB"
        )
        context.close()
    browser.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, help="only the first N London photos")
    parser.add_argument("--skip-slow", action="store_true", help="skip the slow-network run")
    parser.add_argument("--photos", help="a folder of photos instead of London (answer only)")
    args = parser.parse_args()
    missing = private_site.browser_files_missing()
    if missing:
        sys.exit(missing)
    import django

    django.setup()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        london(playwright, args.limit, args.photos)
        if args.photos:
            return
        phone_photo(playwright)
        if not args.skip_slow:
            first_use(playwright)


if __name__ == "__main__":
    main()
