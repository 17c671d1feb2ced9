"""The engine end to end with the real, committed model."""

import io
import json
import os

import numpy as np
import pytest
from django.core.management import call_command
from PIL import Image

from mylittlehero.tests.factories import ASTRONAUT

pytestmark = [pytest.mark.model, pytest.mark.nodb]


def jpeg(image, **kwargs):
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=kwargs.pop("quality", 90), **kwargs)
    return buffer.getvalue()


def test_astronaut_gets_a_full_calibrated_ranking(hero_engine):
    result = hero_engine.analyse(str(ASTRONAUT))
    heroes = [score.hero for score in result.ranking]
    assert sorted(heroes) == sorted(hero_engine.heroes)
    assert len(heroes) == 22
    probabilities = [score.probability for score in result.ranking]
    assert probabilities == sorted(probabilities, reverse=True)
    assert abs(sum(probabilities) - 1) < 1e-6
    assert all(-1 <= score.similarity <= 1 for score in result.ranking)
    assert all(0 <= score.percentile <= 100 for score in result.ranking)
    assert result.match_strength == result.ranking[0].percentile
    assert result.model_version == hero_engine.classifier.card["version"]
    assert len(result.faces) == 1 and result.face_index == 0
    assert set(result.timings) >= {"decode", "detect", "align", "embed", "classify", "total"}


def test_same_photo_in_other_shapes_gets_the_same_hero(hero_engine):
    """Re-encoded, resized, rotated with EXIF, padded: one person, one answer."""
    original = Image.open(ASTRONAUT).convert("RGB")
    expected = hero_engine.analyse(str(ASTRONAUT)).top.hero
    exif = Image.Exif()
    exif[0x0112] = 6  # stored rotated, displayed upright
    variants = {
        "quality 60": jpeg(original, quality=60),
        "2x larger": jpeg(original.resize((1024, 1024), Image.LANCZOS)),
        "exif rotated": jpeg(original.transpose(Image.Transpose.ROTATE_90), exif=exif),
        "on a wider canvas": jpeg(_on_canvas(original)),
    }
    for name, data in variants.items():
        result = hero_engine.analyse(data)
        assert result.top.hero == expected, (name, [s.as_dict() for s in result.ranking[:3]])


def _on_canvas(image):
    canvas = Image.new("RGB", (image.width * 2, image.height), (200, 200, 190))
    canvas.paste(image, (image.width // 2, 0))
    return canvas


def test_the_caller_can_choose_a_face(hero_engine):
    astronaut = Image.open(ASTRONAUT).convert("RGB")
    canvas = Image.new("RGB", (800, 520), (90, 90, 90))
    canvas.paste(astronaut.resize((256, 256)), (10, 130))
    canvas.paste(astronaut.transpose(Image.Transpose.FLIP_LEFT_RIGHT), (280, 4))
    data = jpeg(canvas)
    first = hero_engine.analyse(data)
    second = hero_engine.analyse(data, face_index=1)
    assert len(first.faces) == 2
    assert second.face_index == 1
    assert first.faces[0].box[0] > 280
    from heroes.ml.engine import NoSuchFace

    with pytest.raises(NoSuchFace) as info:
        hero_engine.analyse(data, face_index=2)
    assert info.value.code == "no_such_face" and info.value.faces_found == 2


def test_no_face_is_a_specific_error(hero_engine):
    from heroes.ml.engine import NoFaceFound

    gradient = np.tile(np.linspace(0, 255, 400, dtype=np.uint8), (300, 1))
    with pytest.raises(NoFaceFound) as info:
        hero_engine.analyse(jpeg(Image.fromarray(gradient).convert("RGB")))
    assert info.value.code == "no_face"


def test_a_face_too_small_to_compare_is_its_own_error(hero_engine):
    from heroes.ml.engine import FaceTooSmall

    # The astronaut's face box is about a sixth of the portrait's width:
    # about 26x33 px here, found by the detector but under the 32 px needed.
    canvas = Image.new("RGB", (600, 450), (120, 130, 140))
    canvas.paste(Image.open(ASTRONAUT).convert("RGB").resize((160, 160)), (300, 200))
    with pytest.raises(FaceTooSmall) as info:
        hero_engine.analyse(jpeg(canvas))
    assert info.value.code == "face_too_small"


def test_batch_path_matches_single_path(hero_engine, tmp_path):
    text = tmp_path / "notes.jpg"
    text.write_text("not a photo")
    results = list(hero_engine.analyse_many([str(ASTRONAUT), str(text), str(ASTRONAUT)]))
    assert results[1][1].code == "not_an_image"
    single = hero_engine.analyse(str(ASTRONAUT))
    batched = results[0][1]
    assert [s.hero for s in batched.ranking] == [s.hero for s in single.ranking]
    assert np.allclose(
        [s.probability for s in batched.ranking], [s.probability for s in single.ranking], atol=1e-4
    )


def test_predict_image_prints_one_json_line_per_file(tmp_path, capsys):
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "astronaut.jpg").write_bytes(ASTRONAUT.read_bytes())
    (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 truncated")
    call_command("predict_image", str(folder), str(tmp_path / "missing.png"), "--json")
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    by_name = {os.path.basename(line["path"]): line for line in lines}
    assert set(by_name) == {"astronaut.jpg", "broken.jpg", "missing.png"}
    good = by_name["astronaut.jpg"]
    # Every key of the first contract, plus the match strength (added, never renamed).
    assert set(good) == {
        "path",
        "faces",
        "hero",
        "ranking",
        "model_version",
        "match_strength",
        "nearly_tied",
    }
    assert good["faces"] == 1
    assert good["hero"] == good["ranking"][0]["hero"]
    assert set(good["ranking"][0]) == {"hero", "probability", "similarity", "index"}
    assert len(good["ranking"]) == 22
    assert 0 <= good["match_strength"] <= 100
    assert good["match_strength"] == good["ranking"][0]["index"]
    assert all(0 <= row["index"] <= 100 for row in good["ranking"])
    assert by_name["broken.jpg"] == {"path": str(folder / "broken.jpg"), "error": "corrupt_image"}
    assert by_name["missing.png"]["error"] == "not_found"


def test_london_pairs_mostly_agree(hero_engine, shared_datasets):
    """A smoke check on a few people (the full figure is in bench/london.py)."""
    agree = 0
    for number in ["001", "002", "003", "004", "005", "006"]:
        a = hero_engine.analyse(str(shared_datasets / "faces-london" / "neutral" / f"{number}.jpg"))
        b = hero_engine.analyse(str(shared_datasets / "faces-london" / "smiling" / f"{number}.jpg"))
        agree += a.top.hero == b.top.hero
    assert agree >= 4


def test_missing_model_is_one_clear_error(tmp_path):
    from heroes.ml.classifier import ModelUnavailable
    from heroes.ml.engine import HeroEngine

    with pytest.raises(ModelUnavailable):
        HeroEngine(tmp_path)
    (tmp_path / "model.json").write_text("{not json")
    with pytest.raises(ModelUnavailable):
        HeroEngine(tmp_path)


def test_shown_numbers_follow_the_ranking_on_ordinary_peoples_photos(
    tmp_path, capsys, shared_datasets
):
    """From outside, as predict_image --json prints them: every hero's index
    is in ranking order, on news photos and studio portraits. London man 005
    and these news photos contradicted it with the former scale (the top
    hero's number below a runner-up's)."""
    lfw = shared_datasets / "lfw-population"
    photos = [shared_datasets / "faces-london" / "neutral" / "005.jpg"]
    photos += [sorted(person.glob("*.jpg"))[0] for person in sorted(lfw.iterdir())[:24]]
    folder = tmp_path / "photos"
    folder.mkdir()
    for number, path in enumerate(photos):
        (folder / f"{number:02d}.jpg").write_bytes(path.read_bytes())
    call_command("predict_image", str(folder), "--json")
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    ranked = [line for line in lines if "ranking" in line]
    assert len(ranked) >= 20
    for line in ranked:
        shown = [row["index"] for row in line["ranking"]]
        assert shown == sorted(shown, reverse=True), line["path"]
        assert line["match_strength"] == shown[0]
