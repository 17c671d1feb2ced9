"""Private mode's browser engine (static/js/private/) against the server's
engine, stage by stage, in Debian's Chromium: resampling against Pillow and
TensorFlow, then on real photos the decoded pixels, the faces, the chip,
the embedding, the ranking, and the engine's JSON."""

import base64
import io
import json

import numpy as np
import pytest
from PIL import Image

from heroes.tests.private_site import (
    BLOB,
    StaticSite,
    analyse,
    as_blob_arg,
    browser_files_missing,
    load_engine,
    run_stages,
)
from mylittlehero.tests.environment import shared_datasets_dir
from mylittlehero.tests.factories import ASTRONAUT

pytestmark = [pytest.mark.browser, pytest.mark.model, pytest.mark.nodb]

LONDON = shared_datasets_dir() / "faces-london"
# A few London photos, both expressions; the bench (bench/private_mode.py)
# runs all 204.
LONDON_SAMPLE = ["neutral/001.jpg", "smiling/005.jpg", "neutral/042.jpg", "smiling/087.jpg"]


@pytest.fixture(scope="module")
def private_page(chromium_browser):
    missing = browser_files_missing()
    if missing:
        pytest.fail(missing)  # committed files: their absence is a failure
    with StaticSite() as site:
        context = chromium_browser.new_context()
        context.set_default_timeout(120_000)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        load_engine(page, site)
        yield page
        context.close()
        assert not errors, errors


@pytest.fixture(scope="module")
def server_engine():
    pytest.importorskip("tensorflow")
    from heroes.ml.engine import get_engine

    return get_engine()


def b64(array):
    return base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii")


def js_image(kind="u8"):
    array = "Uint8ClampedArray" if kind == "u8" else "Float32Array"
    return (
        "const raw = Uint8Array.from(atob(img.b64), (c) => c.charCodeAt(0));"
        f"const image = {{width: img.width, height: img.height, data: new {array}(raw.buffer)}};"
    )


def photo_bytes(name):
    if name == "astronaut":
        return ASTRONAUT.read_bytes()
    path = LONDON / name
    if not path.is_file():
        pytest.skip(f"{LONDON} is absent (the shared data sets are not in a fresh clone)")
    return path.read_bytes()


# -- resampling ------------------------------------------------------------------


def test_pillow_resize_is_reproduced_exactly(private_page):
    rng = np.random.default_rng(7)
    cases = [
        (rng.integers(0, 256, (37, 53, 3), dtype=np.uint8), [(20, 11), (53, 80), (7, 37)]),
        (np.asarray(Image.open(ASTRONAUT).convert("RGB")), [(300, 200), (331, 512), (640, 480)]),
    ]
    for array, sizes in cases:
        img = {"width": array.shape[1], "height": array.shape[0], "b64": b64(array)}
        for width, height in sizes:
            got = private_page.evaluate(
                "([img, w, h]) => {"
                + js_image()
                + "return Array.from(window.privateModules.resample.pillowResize(image, w, h).data);}",
                [img, width, height],
            )
            want = np.asarray(Image.fromarray(array).resize((width, height), Image.BILINEAR))
            assert np.array_equal(np.array(got, np.uint8).reshape(want.shape), want), (
                array.shape,
                width,
                height,
            )


def test_thumbnail_matches_pillow(private_page):
    """intake's last step: thumbnail to 1024 px with reducing_gap=2 (here on
    images up to 4.5 times the size, so the box reduce runs too)."""
    rng = np.random.default_rng(8)
    for shape in [(700, 1500, 3), (2100, 1100, 3), (1030, 4700, 3)]:
        array = rng.integers(0, 256, shape, dtype=np.uint8)
        img = {"width": shape[1], "height": shape[0], "b64": b64(array)}
        got = private_page.evaluate(
            "(img) => {"
            + js_image()
            + "const t = window.privateModules.resample.pillowThumbnail(image, 1024);"
            "return [t.width, t.height, Array.from(t.data)];}",
            img,
        )
        want = Image.fromarray(array)
        want.thumbnail((1024, 1024), Image.Resampling.BILINEAR, reducing_gap=2.0)
        assert (got[0], got[1]) == want.size
        diff = np.abs(np.array(got[2], np.int16) - np.asarray(want, np.int16).reshape(-1))
        assert diff.max() <= 1, (shape, diff.max())


def test_area_resize_and_crops_match_tensorflow(private_page):
    tf = pytest.importorskip("tensorflow")
    from heroes.ml.detect import crop_patches

    rng = np.random.default_rng(9)
    image = rng.uniform(0, 255, (101, 77, 3)).astype(np.float32)
    img = {"width": 77, "height": 101, "b64": b64(image)}
    for height, width in [(71, 54), (50, 38), (12, 12), (29, 22), (101, 77)]:
        got = private_page.evaluate(
            "([img, h, w]) => {"
            + js_image("f32")
            + "return Array.from(window.privateModules.resample.tfAreaResize(image, h, w).data);}",
            [img, height, width],
        )
        want = tf.image.resize(image[None], (height, width), method="area").numpy()[0]
        assert np.abs(np.array(got, np.float32) - want.reshape(-1)).max() < 1e-3
    boxes = np.array(
        [[10.5, 3.25, 60.0, 52.75], [-8.0, -5.0, 40.0, 43.0], [50.0, 70.0, 90.0, 110.0]],
        np.float32,
    )
    for size in (24, 48):
        got = private_page.evaluate(
            "([img, boxes, size]) => {"
            + js_image("f32")
            + "return Array.from(window.privateModules.resample.cropAndResize(image, boxes, size));}",
            [img, boxes.tolist(), size],
        )
        want = crop_patches(tf.constant(image), tf.constant(boxes), size).numpy()
        assert np.abs(np.array(got, np.float32) - want.reshape(-1)).max() < 1e-5


# -- the stages on real photos ---------------------------------------------------


@pytest.mark.parametrize("name", ["astronaut", *LONDON_SAMPLE])
def test_every_stage_matches_the_server(private_page, server_engine, name):
    from heroes.ml.align import align_face
    from heroes.ml.intake import load_image

    data = photo_bytes(name)
    got = run_stages(private_page, data)

    loaded = load_image(data)
    pixels = np.asarray(loaded.image)
    assert got["size"] == [pixels.shape[1], pixels.shape[0]]
    # Chromium's JPEG decoder and Pillow's (both libjpeg-turbo) agree.
    assert np.array_equal(np.array(got["pixels"], np.uint8), pixels.reshape(-1))

    faces = server_engine._faces(loaded)
    assert len(got["faces"]) == len(faces)
    for mine, theirs in zip(got["faces"], faces):
        assert np.allclose(mine["box"], theirs.box, atol=0.01), (mine["box"], theirs.box)
        assert np.allclose(mine["landmarks"], theirs.landmarks, atol=0.01)
        assert abs(mine["confidence"] - theirs.confidence) < 1e-4

    chip = align_face(pixels, np.asarray(faces[0].landmarks))
    mine_chip = np.array(got["chip"], np.uint8).reshape(chip.shape)
    assert np.abs(mine_chip.astype(int) - chip).max() <= 1

    # The network alone: the browser's embedding of the server's chip.
    embedding = server_engine.embed_faces([chip])[0]
    network = private_page.evaluate(
        "async (b64) => { const chip = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));"
        "return Array.from(await window.privateEngine.embed(chip)); }",
        b64(chip),
    )
    assert np.linalg.norm(np.array(network) - embedding) < 1e-4
    # The whole way from the photo's bytes.
    assert np.linalg.norm(np.array(got["embedding"]) - embedding) < 1e-3

    # The classifier alone: the browser's ranking of the server's embedding.
    ((ranking, tied),) = server_engine.rank(embedding[None])
    mine = private_page.evaluate(
        "(e) => window.privateEngine.classifier.rank(Float32Array.from(e))", embedding.tolist()
    )
    assert [s["hero"] for s in mine["ranking"]] == [s.hero for s in ranking]
    for a, b in zip(mine["ranking"], ranking):
        assert abs(a["probability"] - b.probability) < 1e-5
        assert abs(a["similarity"] - b.similarity) < 1e-5
        assert abs(a["index"] - b.percentile) < 0.05
    assert mine["nearly_tied"] == tied


def test_the_json_is_the_engines(private_page, server_engine):
    result = server_engine.analyse(ASTRONAUT.read_bytes())
    got = analyse(private_page, ASTRONAUT.read_bytes())
    assert got["model_version"] == result.model_version
    assert got["face_index"] == 0
    assert got["faces"] == [face.as_dict() for face in result.faces]
    assert got["ranking"] == [score.as_dict() for score in result.ranking]
    assert got["nearly_tied"] == result.nearly_tied
    assert got["match_strength"] == round(result.match_strength, 1)
    width, height = result.image.image.size
    x, y, w, h = result.faces[0].box
    assert np.allclose(got["face_box"], [x / width, y / height, w / width, h / height], atol=1e-4)


def test_a_rotated_phone_photo_comes_in_upright_and_small(private_page, server_engine):
    """EXIF orientation 6 on a 3000 px JPEG: the browser's decoder turns it,
    the draft scale is approximated by a box average (Pillow decodes JPEGs
    at 1/4 scale): same size, pixels close, same faces and top hero."""
    from heroes.ml.intake import load_image

    big = Image.open(ASTRONAUT).convert("RGB").resize((3000, 3000), Image.BICUBIC)
    big = big.transpose(Image.Transpose.ROTATE_90)  # stored turned; EXIF 6 turns it back
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    big.crop((0, 0, 3000, 2250)).save(buffer, "JPEG", quality=92, exif=exif)
    data = buffer.getvalue()

    loaded = load_image(data)
    got = run_stages(private_page, data)
    pixels = np.asarray(loaded.image)
    assert got["size"] == [pixels.shape[1], pixels.shape[0]]
    diff = np.abs(np.array(got["pixels"], np.int16) - pixels.reshape(-1).astype(np.int16))
    assert diff.mean() < 2.0, diff.mean()
    result = server_engine.analyse(loaded)
    assert len(got["faces"]) == len(result.faces)
    assert got["ranking"][0]["hero"] == result.ranking[0].hero
    assert np.allclose(got["faces"][0]["box"], result.faces[0].box, atol=3.0)


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda: b"just some text, not a photo", "not_an_image"),
        (lambda: ASTRONAUT.read_bytes()[:2000], "corrupt_image"),
        (lambda: _plain_jpeg(), "no_face"),
    ],
)
def test_refusals_carry_the_engines_codes(private_page, make, code):
    got = private_page.evaluate(
        "async (b64) => { const blob = new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))]);"
        "try { await window.privateEngine.analyse(blob); return null; }"
        "catch (error) { return error.code || String(error); } }",
        as_blob_arg(make()),
    )
    assert got == code


def _plain_jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (120, 140, 160)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.mark.django_db
def test_what_the_browser_would_post_is_accepted_and_is_the_servers_ranking(
    private_page, server_engine
):
    """The private result's ranking (privateRanking in engine.js) passes the
    server's check and equals what an upload of the same photo stores."""
    from heroes.models import Hero
    from heroes.private_ranking import private_ranking_clean
    from heroes.services import _catalog_ranking

    active = list(Hero.objects.active().values_list("key", flat=True))
    posted = private_page.evaluate(
        "async ([b64, active]) => {" + BLOB + " const result = await window.privateEngine.analyse("
        "blob); return window.privateModules.engine.privateRanking(result, active); }",
        [as_blob_arg(ASTRONAUT.read_bytes()), active],
    )
    body = json.dumps(posted)
    assert "embedding" not in body and len(body) < 4096
    clean = private_ranking_clean(posted, body_bytes=len(body))
    stored, _heroes = _catalog_ranking(server_engine.analyse(ASTRONAUT.read_bytes()))
    assert [row["hero"] for row in clean.ranking] == [row["hero"] for row in stored]
    # From the photo's bytes: the chip may differ by a grey level here and
    # there, so probabilities by about 1e-5.
    for mine, theirs in zip(clean.ranking, stored):
        assert abs(mine["probability"] - theirs["probability"]) < 1e-4
        assert abs(mine["index"] - theirs["index"]) < 0.05


def test_analysing_a_photo_sends_nothing(chromium_browser):
    """Every request of a fresh page that loads the engine and ranks a photo:
    only GETs of the site's own static files, none with a body, none to
    another host, and none at all while the photo is analysed."""
    with StaticSite() as site:
        context = chromium_browser.new_context()
        context.set_default_timeout(120_000)
        page = context.new_page()
        requests = []
        page.on("request", lambda request: requests.append(request))
        load_engine(page, site)
        loaded = len(requests)
        result = analyse(page, ASTRONAUT.read_bytes())
        context.close()
    assert result["ranking"]
    assert len(requests) == loaded, [r.url for r in requests[loaded:]]
    for request in requests:
        assert request.method == "GET", request.url
        assert not request.post_data_buffer, request.url
        assert request.url.startswith(site.url + "/"), request.url
    assert any("/static/private/embedder." in r.url for r in requests)
