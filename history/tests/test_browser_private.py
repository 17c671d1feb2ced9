"""Private mode in a real browser on the real site (docs/private-mode.md):
the upload page's choice, the engine running under the site's own
Content-Security-Policy, every request of the session recorded to show that
neither the photo nor anything drawn from the face is sent, the result the
server would have given, and the face picture sent only when the person
asks to keep it."""

import base64
import json
import re

import pytest

from heroes.models import Prediction
from heroes.private_ranking import MAX_BODY_BYTES
from heroes.services import PRIVATE_THUMBNAIL_MAX_BYTES
from mylittlehero.tests.environment import playwright_expect
from mylittlehero.tests.factories import ASTRONAUT

expect = playwright_expect()

pytestmark = [
    pytest.mark.browser,
    pytest.mark.model,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_heroes"),
]

RESULT_URL = re.compile(r"/history/[^/]+/$")
# What image bytes look like, raw or base64 (JPEG, PNG, WebP, GIF, HEIC).
IMAGE_SIGNS = [b"\xff\xd8\xff", b"\x89PNG", b"RIFF", b"GIF8", b"ftypheic"]
IMAGE_SIGNS += [base64.b64encode(sign)[:4] for sign in (b"\xff\xd8\xff", b"\x89PNG")]


def carries_an_image(body):
    return any(sign in body for sign in IMAGE_SIGNS)


class Recorder:
    """Every request the page makes, with its body."""

    def __init__(self, page):
        self.requests = []
        page.on("request", lambda request: self.requests.append(request))

    def sent(self):
        return [r for r in self.requests if r.method not in ("GET", "HEAD")]

    def hosts(self):
        return {
            re.match(r"^[a-z]+://([^/]+)", r.url).group(1)
            for r in self.requests
            if r.url.startswith("http")
        }


def test_a_private_result_sends_only_the_ranking_and_matches_the_server(page, hero_engine):
    from heroes.ml import api

    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    recorder = Recorder(page)
    page.goto(page.base_url + "/upload/")
    choice = page.locator("#analyse-where")
    expect(choice).to_be_visible()
    expect(page.locator("#where-server")).to_be_checked()  # a first visit: the server
    page.get_by_label(re.compile("이 기기에서")).check()
    page.locator("#id_photo").set_input_files(str(ASTRONAUT))
    page.get_by_role("button", name="내 히어로 찾기").click()
    page.wait_for_url(RESULT_URL, timeout=120_000)

    # Nothing of the face left the browser: one small JSON POST, no image
    # bytes anywhere, no other host.
    posts = recorder.sent()
    assert [r.url.removeprefix(page.base_url) for r in posts] == ["/private-result/"]
    body = posts[0].post_data_buffer or b""
    assert 0 < len(body) <= MAX_BODY_BYTES and not carries_an_image(body)
    assert set(json.loads(body)) == {
        "model_version",
        "ranking",
        "nearly_tied",
        "face_box",
    }
    assert not any(carries_an_image(r.post_data_buffer or b"") for r in recorder.requests)
    assert recorder.hosts() == {page.base_url.split("://")[1]}
    assert not [p for p in problems if "Content Security Policy" in p], problems

    # The server's answer for the same photo.
    prediction = Prediction.objects.get(pk=page.url.rstrip("/").split("/")[-1])
    assert prediction.is_private and not prediction.image and prediction.owner is None
    answer = api.predict(ASTRONAUT.read_bytes())
    assert prediction.top_hero.key == answer.top.hero or (
        prediction.nearly_tied and prediction.ranking[1]["hero"] == answer.top.hero
    )
    assert prediction.match_strength == pytest.approx(answer.top.percentile, abs=0.5)

    # The result page: the face from this tab only, and the offer to keep it.
    expect(page.locator("#private-face")).to_contain_text("기기")
    local = page.locator("#private-local-face")
    expect(local).to_be_visible()
    assert local.get_attribute("src").startswith("data:image/jpeg;base64,")
    expect(page.locator("#private-emblem")).to_be_hidden()

    # Kept only when asked: one multipart POST with a small JPEG.
    before = len(recorder.sent())
    page.locator("#keep-face-button").click()
    expect(page.locator("#keep-face-status")).not_to_be_empty()
    kept = recorder.sent()[before:]
    assert [r.url.removeprefix(page.base_url) for r in kept] == [
        f"/history/{prediction.pk}/keep-face/"
    ]
    # Playwright keeps no multipart body: its size, as the header says.
    assert int(kept[0].all_headers()["content-length"]) < PRIVATE_THUMBNAIL_MAX_BYTES + 1024
    prediction.refresh_from_db()
    assert prediction.image and max(prediction.image_width, prediction.image_height) <= 256

    # The choice is remembered in this browser.
    page.goto(page.base_url + "/upload/")
    expect(page.locator("#where-device")).to_be_checked()


def test_a_refusal_is_said_here_and_nothing_is_sent(page, tmp_path):
    from PIL import Image

    blank = tmp_path / "wall.jpg"
    Image.new("RGB", (640, 480), (200, 190, 180)).save(blank, "JPEG")
    recorder = Recorder(page)
    page.goto(page.base_url + "/upload/")
    page.evaluate("localStorage.setItem('mlh-analyse-where', 'device')")
    page.reload()
    expect(page.locator("#where-device")).to_be_checked()
    page.locator("#id_photo").set_input_files(str(blank))
    page.get_by_role("button", name="내 히어로 찾기").click()
    expect(page.locator("#id_photo_error")).to_contain_text("얼굴", timeout=120_000)
    assert recorder.sent() == []
    assert not Prediction.objects.exists()
