"""Face detection on real faces, several faces, no face and tight crops."""

import numpy as np
import pytest
from PIL import Image

from mylittlehero.tests.factories import ASTRONAUT

pytestmark = [pytest.mark.model, pytest.mark.nodb]


@pytest.fixture(scope="module")
def detector():
    pytest.importorskip("tensorflow")
    from heroes.ml.detect import FaceDetector

    detector = FaceDetector()
    detector.warm_up()
    return detector


@pytest.fixture(scope="module")
def astronaut():
    return Image.open(ASTRONAUT).convert("RGB")


def test_finds_the_astronauts_face_with_sensible_landmarks(detector, astronaut):
    faces = detector.detect(astronaut)
    assert len(faces) == 1
    face = faces[0]
    x, y, w, h = face.box
    # The face sits in the upper middle of the 512x512 portrait.
    assert 120 < x + w / 2 < 320 and 40 < y + h / 2 < 240
    assert 60 < w < 220
    assert face.confidence > 0.95
    left_eye, right_eye, nose, mouth_left, mouth_right = face.landmarks
    assert left_eye[0] < right_eye[0]
    assert max(left_eye[1], right_eye[1]) < nose[1] < min(mouth_left[1], mouth_right[1])


def test_two_faces_are_both_found_largest_first(detector, astronaut):
    small = astronaut.resize((256, 256))
    canvas = Image.new("RGB", (800, 520), (90, 90, 90))
    canvas.paste(small, (10, 130))
    canvas.paste(astronaut.transpose(Image.Transpose.FLIP_LEFT_RIGHT), (280, 4))
    faces = detector.detect(canvas)
    assert len(faces) == 2
    assert faces[0].area > faces[1].area
    assert faces[0].box[0] > 280  # the big one is on the right
    assert faces[1].box[0] < 280


def test_a_plain_gradient_has_no_face(detector):
    gradient = np.tile(np.linspace(0, 255, 400, dtype=np.uint8), (300, 1))
    image = np.stack([gradient, gradient[:, ::-1], gradient], axis=-1)
    assert detector.detect(image) == []


def test_a_tight_crop_of_a_face_is_still_found(detector, astronaut):
    x, y, w, h = detector.detect(astronaut)[0].box
    crop = astronaut.crop((int(x), int(y), int(x + w), int(y + h)))
    faces = detector.detect(crop)
    assert len(faces) == 1
    # Mapped back into the crop's own coordinates.
    fx, fy, fw, fh = faces[0].box
    assert fx >= 0 and fy >= 0 and fx + fw <= crop.width + 1 and fy + fh <= crop.height + 1


def test_big_photos_are_detected_on_a_downscaled_copy(detector, astronaut):
    big = astronaut.resize((2048, 2048))
    faces = detector.detect(big)
    assert len(faces) == 1
    # Coordinates are in the big image's pixels.
    small_box = np.array(detector.detect(astronaut)[0].box)
    assert np.allclose(np.array(faces[0].box) / 4, small_box, atol=8)


def test_london_faces_are_found(detector, shared_datasets):
    paths = sorted((shared_datasets / "faces-london" / "neutral").glob("*.jpg"))[:10]
    for path in paths:
        faces = detector.detect(Image.open(path))
        assert len(faces) == 1, path
