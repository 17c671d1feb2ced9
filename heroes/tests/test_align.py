"""Face alignment to dlib-style 150x150 chips (pure numpy/Pillow, no Django)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from heroes.ml import align

pytestmark = [pytest.mark.model, pytest.mark.nodb]

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ASTRONAUT_LANDMARKS = next(
    f["landmarks"]
    for f in json.loads((FIXTURES / "dlib_reference.json").read_text())["faces"]
    if f["source"] == "astronaut"
)


@pytest.fixture(scope="module")
def astronaut() -> np.ndarray:
    with Image.open(FIXTURES / "astronaut.jpg") as im:
        return np.asarray(im.convert("RGB"))


def similarity(angle_deg: float, scale: float, tx: float, ty: float) -> np.ndarray:
    a = np.deg2rad(angle_deg)
    m = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]]) * scale
    return np.hstack([m, [[tx], [ty]]])


def apply(m: np.ndarray, pts) -> np.ndarray:
    return np.asarray(pts, np.float64) @ m[:, :2].T + m[:, 2]


def test_output_shape_and_dtype(astronaut):
    chip = align.align_face(astronaut, ASTRONAUT_LANDMARKS)
    assert chip.shape == (150, 150, 3) and chip.dtype == np.uint8
    assert chip.std() > 20  # a face, not a blank
    pil_chip = align.align_face(Image.fromarray(astronaut), ASTRONAUT_LANDMARKS)
    np.testing.assert_array_equal(chip, pil_chip)
    grey = align.align_face(Image.fromarray(astronaut).convert("L"), ASTRONAUT_LANDMARKS)
    assert grey.shape == (150, 150, 3)
    assert align.align_face(astronaut, ASTRONAUT_LANDMARKS, size=100).shape == (100, 100, 3)


def test_mtcnn_keypoint_dict_accepted(astronaut):
    names = align.LANDMARK_NAMES
    keypoints = {n: p for n, p in zip(names, ASTRONAUT_LANDMARKS, strict=True)}
    np.testing.assert_array_equal(
        align.align_face(astronaut, {"box": [0, 0, 1, 1], "keypoints": keypoints}),
        align.align_face(astronaut, ASTRONAUT_LANDMARKS),
    )
    with pytest.raises(ValueError):
        align.align_face(astronaut, np.zeros((4, 2)))
    with pytest.raises(ValueError):
        align.align_face(astronaut, np.zeros((5, 2)))  # degenerate


def test_similarity_transform_recovers_known_transform():
    m = similarity(-23.0, 1.7, 12.5, -40.25)
    src = np.random.default_rng(1).uniform(0, 300, (5, 2))
    np.testing.assert_allclose(align.similarity_transform(src, apply(m, src)), m, atol=1e-9)
    np.testing.assert_allclose(
        align.similarity_transform(src, apply(m, src), weights=[1, 2, 3, 0.5, 0.1]), m, atol=1e-9
    )


@pytest.mark.parametrize("angle,scale", [(0.0, 1.0), (25.0, 2.3), (-40.0, 0.7), (10.0, 5.0)])
def test_eye_lands_where_the_template_says(angle, scale):
    """Draw a dot at the 'left eye' of a face placed with a known similarity;
    the dot must appear at the template's left-eye position in the chip."""
    size = int(260 * scale) + 40
    m = similarity(angle, scale, 20.0, 20.0)
    landmarks = apply(m, align.TEMPLATE_150)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64)
    ex, ey = landmarks[0]
    sigma = 2.0 * scale
    blob = 250.0 * np.exp(-((xx - ex) ** 2 + (yy - ey) ** 2) / (2 * sigma**2))
    img = np.repeat(blob[:, :, None], 3, axis=2).astype(np.uint8)
    chip = align.align_face(img, landmarks).astype(np.float64)[:, :, 0]
    v, u = np.mgrid[0:150, 0:150]
    weights = chip * (chip > 20)
    cx, cy = (weights * u).sum() / weights.sum(), (weights * v).sum() / weights.sum()
    tx, ty = align.TEMPLATE_150[0]
    assert abs(cx - tx) < 0.5 and abs(cy - ty) < 0.5, (cx, cy, tx, ty)


def test_rotating_the_photo_does_not_rotate_the_chip(astronaut):
    lm = np.asarray(ASTRONAUT_LANDMARKS)
    cx, cy = lm.mean(0)
    theta = 30.0
    rotated = np.asarray(
        Image.fromarray(astronaut).rotate(theta, resample=Image.Resampling.BICUBIC, center=(cx, cy))
    )
    # PIL turns the picture counter-clockwise on screen (y axis down).
    a = np.deg2rad(theta)
    d = lm - [cx, cy]
    lm_rot = np.stack(
        [
            cx + d[:, 0] * np.cos(a) + d[:, 1] * np.sin(a),
            cy - d[:, 0] * np.sin(a) + d[:, 1] * np.cos(a),
        ],
        1,
    )

    base = align.align_face(astronaut, lm).astype(np.float64)
    turned = align.align_face(rotated, lm_rot).astype(np.float64)
    naive = align.align_face(rotated, lm).astype(np.float64)  # landmarks not rotated
    inner = np.s_[20:130, 20:130]
    diff = np.abs(turned - base)[inner].mean()
    naive_diff = np.abs(naive - base)[inner].mean()
    assert diff < 8.0, diff
    assert naive_diff > 3 * diff, (naive_diff, diff)


def test_big_face_is_downscaled_smoothly(astronaut):
    """A 4x larger photo of the same face gives (nearly) the same chip."""
    factor = 4
    big = np.asarray(
        Image.fromarray(astronaut).resize((512 * factor, 512 * factor), Image.Resampling.BICUBIC)
    )
    lm = np.asarray(ASTRONAUT_LANDMARKS)
    lm_big = (lm + 0.5) * factor - 0.5
    small_chip = align.align_face(astronaut, lm).astype(np.float64)
    big_chip = align.align_face(big, lm_big).astype(np.float64)
    assert np.abs(big_chip - small_chip)[10:140, 10:140].mean() < 6.0
