"""Private mode's browser engine under test: a plain static server for the
repository's static/ folder (no Django, so no CSP in the way and nothing
else on the page) and helpers that load static/js/private/engine.js in a
Playwright page and run its stages on photos handed over as bytes.

Used by heroes/tests/test_private_engine.py and bench/private_mode.py.
"""

import base64
import gzip
import json
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
STATIC = REPO_ROOT / "static"
MANIFEST = STATIC / "private" / "manifest.json"
RUNTIME = STATIC / "vendor" / "onnxruntime-web" / "ort-wasm-simd-threaded.wasm"
PORTS = range(8800, 8850)  # this project's ports for things served in tests
HARNESS = b"<!doctype html><html lang=en><meta charset=utf-8><title>private engine</title>"


def browser_files_missing():
    """Why the browser engine cannot run here, or None."""
    if not MANIFEST.is_file():
        return f"{MANIFEST} is missing: run scripts/build_browser_engine.py (docs/private-mode.md)"
    if not RUNTIME.is_file():
        return f"{RUNTIME} is missing: run npm ci && npm run vendor (docs/private-mode.md)"
    return None


class _Handler(SimpleHTTPRequestHandler):
    gzip = False
    log = None  # a list: every request path served, with its byte count
    _compressed = {}

    def log_message(self, *args):
        pass

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self):
        if self.path in ("/", "/index.html"):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(HARNESS)))
            self.end_headers()
            self.wfile.write(HARNESS)
            return
        if not self.path.startswith("/static/"):
            self.send_error(404)
            return
        if self.gzip and "gzip" in self.headers.get("Accept-Encoding", ""):
            path = Path(self.translate_path(self.path))
            if path.is_file():
                body = self._compressed.get(path)
                if body is None:
                    body = self._compressed[path] = gzip.compress(path.read_bytes(), 9)
                self.send_response(200)
                self.send_header("Content-Type", self.guess_type(str(path)))
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
        super().do_GET()

    def translate_path(self, path):
        path = path.split("?", 1)[0]
        relative = path[len("/static/") :] if path.startswith("/static/") else ""
        return str(STATIC / relative)


class StaticSite:
    """``with StaticSite() as site:`` serves static/ at site.url + "/static/"
    on the first free port of 8800-8849; ``gzip=True`` compresses responses
    as a production server (WhiteNoise, nginx) would."""

    def __init__(self, *, gzip=False):
        self.handler = type("Handler", (_Handler,), {"gzip": gzip, "_compressed": {}})

    def __enter__(self):
        last = None
        for port in PORTS:
            try:
                self.server = ThreadingHTTPServer(
                    ("127.0.0.1", port), partial(self.handler, directory=str(STATIC))
                )
            except OSError as exc:
                last = exc
                continue
            break
        else:
            raise OSError(f"no free port in 8800-8849: {last}")
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


LOAD = """async () => {
  const module = await import('/static/js/private/engine.js');
  const started = performance.now();
  window.privateEngine = await module.PrivateEngine.load('/static/private/manifest.json');
  window.privateModules = {
    engine: module,
    resample: await import('/static/js/private/resample.js'),
    align: await import('/static/js/private/align.js'),
    intake: await import('/static/js/private/intake.js'),
  };
  return performance.now() - started;
}"""


def load_engine(page, site):
    """Open the harness page and load the engine; returns its load time (ms)."""
    page.goto(site.url + "/")
    return page.evaluate(LOAD)


def as_blob_arg(data):
    return base64.b64encode(bytes(data)).decode("ascii")


BLOB = "const blob = new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))]);"


def analyse(page, data, face_index=None):
    """The engine's JSON for a photo's bytes, computed in the page."""
    return page.evaluate(
        "async ([b64, faceIndex]) => {" + BLOB + " return await window.privateEngine.analyse("
        "blob, {faceIndex}); }",
        [as_blob_arg(data), face_index],
    )


def run_stages(page, data):
    """Every stage's output for a photo's bytes: the decoded image's size and
    a digest of its pixels, the faces, the chip, the embedding, the ranking."""
    return page.evaluate(
        "async (b64) => {"
        + BLOB
        + """
  const r = await window.privateEngine.run(blob);
  const img = r.loaded.image;
  return {
    size: [img.width, img.height],
    pixels: Array.from(img.data),
    faces: r.faces,
    chip: Array.from(r.chip),
    embedding: Array.from(r.embedding),
    ranking: r.ranked.ranking,
    nearly_tied: r.ranked.nearly_tied,
    timings: r.timings,
  };
}""",
        as_blob_arg(data),
    )


def dumps(value):
    return json.dumps(value, separators=(",", ":"))
