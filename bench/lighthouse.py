"""Lighthouse (npm lighthouse@12.2.3, pinned in bench/lighthouse/) on every
page type: home, upload, result, history, account, the hero list and a hero
page (logged in), and what a visitor without an account opens: the share
page, the sign-up and login pages; mobile preset (Lighthouse's
default: a mid-range phone on a throttled 4G link, simulated), against
Debian's Chromium and a production-mode copy of the site (bench/_site.py:
gunicorn, whitenoise, compressed static files) on loopback.

    (cd bench/lighthouse && npm ci)     # once; node_modules is git-ignored
    .venv/bin/python bench/lighthouse.py [--port 8811] [--runs 1] [--json out.json] [--only share,home]

Prints one line per page: performance, accessibility, best practices (0-1)
and the largest contentful paint, and the median over --runs.
"""

import argparse
import http.cookiejar
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._site import ROOT, running_site  # noqa: E402

CLI = ROOT / "bench" / "lighthouse" / "node_modules" / "lighthouse" / "cli" / "index.js"
CATEGORIES = ["performance", "accessibility", "best-practices"]
TARGETS = {"performance": 0.90, "accessibility": 0.95, "best-practices": 0.95}


def session_cookie(site):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login = site.url + "/accounts/login/"
    html = opener.open(login).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": site.email, "password": site.password}
    ).encode()
    opener.open(urllib.request.Request(login, data=data, headers={"Referer": login}))
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "sessionid" not in cookies:
        raise SystemExit("could not log in")
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def lighthouse(url, headers_file, out_file):
    env = {**os.environ, "CHROME_PATH": os.environ.get("MLH_CHROMIUM", "/usr/bin/chromium")}
    command = [
        "node",
        str(CLI),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out_file}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--extra-headers={headers_file}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run",
    ]
    for attempt in range(3):  # Lighthouse sometimes loses a trace on a busy machine (NO_NAVSTART)
        if subprocess.run(command, env=env, cwd=ROOT).returncode == 0:
            break
        print(f"  Lighthouse failed on {url}; attempt {attempt + 2} of 3", file=sys.stderr)
    else:
        raise SystemExit(f"Lighthouse failed three times on {url}")
    report = json.loads(Path(out_file).read_text())
    scores = {name: report["categories"][name]["score"] for name in CATEGORIES}
    scores["lcp_ms"] = report["audits"]["largest-contentful-paint"]["numericValue"]
    failing = {
        name: [
            ref["id"]
            for ref in report["categories"][name]["auditRefs"]
            if ref.get("weight")
            and (report["audits"][ref["id"]].get("score") is not None)
            and report["audits"][ref["id"]]["score"] < 0.9
        ]
        for name in CATEGORIES
    }
    final = report.get("finalDisplayedUrl") or report.get("finalUrl")
    if urllib.parse.urlsplit(final).path != urllib.parse.urlsplit(url).path:
        raise SystemExit(f"{url} ended at {final}: not the page asked for (not logged in?)")
    shifts = [
        item.get("node", {}).get("selector")
        for item in report["audits"]
        .get("layout-shift-elements", {})
        .get("details", {})
        .get("items", [])
    ] or [
        item.get("node", {}).get("selector")
        for item in report["audits"].get("layout-shifts", {}).get("details", {}).get("items", [])
    ]
    if (
        scores["performance"] is not None
        and report["audits"]["cumulative-layout-shift"]["score"] < 0.9
    ):
        failing["layout shifts"] = shifts
    return scores, failing


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8811)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--json", help="write the figures here")
    parser.add_argument("--only", help="comma-separated page names (default: all)")
    args = parser.parse_args()
    if not CLI.exists():
        raise SystemExit("Lighthouse is not installed: (cd bench/lighthouse && npm ci)")
    results = {}
    with running_site(args.port) as site, tempfile.TemporaryDirectory() as tmp:
        headers = Path(tmp) / "headers.json"
        headers.write_text(json.dumps({"Cookie": session_cookie(site), "Accept-Language": "ko"}))
        visitor = Path(tmp) / "visitor.json"
        visitor.write_text(json.dumps({"Accept-Language": "ko"}))
        pages = {
            "home": ("/", headers),
            "upload": ("/upload/", headers),
            "result": (site.result_path, headers),
            "history": ("/history/", headers),
            "account": ("/accounts/", headers),
            "heroes": ("/heroes/", headers),
            "hero": ("/heroes/thor/", headers),
            "share": (site.share_path, visitor),
            "signup": ("/accounts/signup/", visitor),
            "login": ("/accounts/login/", visitor),
        }
        if args.only:
            pages = {name: pages[name] for name in args.only.split(",")}
        for name, (path, page_headers) in pages.items():
            runs = []
            for number in range(args.runs):
                scores, failing = lighthouse(
                    site.url + path, page_headers, Path(tmp) / f"{name}-{number}.json"
                )
                runs.append(scores)
            median = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
            results[name] = {"median": median, "runs": runs, "below_0.9": failing}
            flags = " ".join(
                f"{key} {median[key]:.2f}{'' if median[key] >= TARGETS[key] else ' (BELOW TARGET)'}"
                for key in CATEGORIES
            )
            print(
                f"{name:8s} {flags}  LCP {median['lcp_ms'] / 1000:.2f} s   audits below 0.9: {failing}"
            )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
