"""Face alignment: MTCNN's 5 landmarks -> dlib-style 150x150 face chip.

Pure numpy + Pillow (no TensorFlow).  ``align_face`` estimates a similarity
transform (rotation, uniform scale, translation; least squares, Umeyama) that
sends the 5 landmarks to ``TEMPLATE_150`` (eyes and nose weighted more than
the mouth corners, see ``LANDMARK_WEIGHTS``) and resamples the image bilinearly,
so the chip is framed the way ``dlib.get_face_chip(img, shape, size=150,
padding=0.25)`` frames it - the framing dlib's face-recognition network was
trained on.

Landmark order (as MTCNN names them, "left" = left side of the *image*):
left eye, right eye, nose, mouth left, mouth right; (x, y) in image pixels.
"""

from __future__ import annotations

import numpy as np

CHIP_SIZE = 150

# Where MTCNN's 5 points land, on average, in dlib's 150x150 chip
# (get_face_chip(size=150, padding=0.25) after dlib's 5-point shape
# predictor), in chip pixels with pixel centres at integer coordinates.
# Derived empirically by ``scripts/make_dlib_reference.py template`` on the
# 204 photos of the Face Research Lab London Set (102 people, neutral and
# smiling): for each photo, dlib's chip->image mapping (from
# get_face_chip_details, checked against dlib's chips pixel by pixel) was
# inverted and MTCNN's landmarks were mapped into the chip;
# the mean over 203 photos is below (one MTCNN failure, smiling/005, dropped).
# Spread (std over photos, x/y) was about 1.0/0.9 px for the eyes, 1.3/2.7 px
# for the nose and 2.6/3.7 px for the mouth corners.
TEMPLATE_150 = np.array(
    [
        [46.36, 44.95],  # left eye (image left)
        [100.60, 44.81],  # right eye
        [73.49, 74.17],  # nose tip
        [50.00, 101.99],  # mouth left corner
        [97.13, 101.98],  # mouth right corner
    ],
    dtype=np.float64,
)

# The order of the five landmarks, as MTCNN (detect.py) gives them (image
# left/right: "left_eye" is the eye on the image's left side).
LANDMARK_NAMES = ("left_eye", "right_eye", "nose", "mouth_left", "mouth_right")

# Weights of the 5 points in the least-squares fit. dlib frames its chip from
# eye corners and the bottom of the nose only; MTCNN's mouth corners move with
# expression (smiles), so they get little weight. On the London set these
# weights brought the mean RMS framing error against dlib's own chip (over the
# chip area) from 2.2 px (equal weights) to 1.4 px (95th percentile 4.2 -> 2.6).
LANDMARK_WEIGHTS = np.array([1.0, 1.0, 0.6, 0.1, 0.1])


def landmarks_array(landmarks) -> np.ndarray:
    """(5,2) float array from an array-like or an MTCNN ``keypoints`` dict."""
    if isinstance(landmarks, dict):
        if "keypoints" in landmarks:
            landmarks = landmarks["keypoints"]
        landmarks = [landmarks[name] for name in LANDMARK_NAMES]
    pts = np.asarray(landmarks, dtype=np.float64)
    if pts.shape != (5, 2):
        raise ValueError(f"expected 5 (x, y) landmarks, got shape {pts.shape}")
    if not np.all(np.isfinite(pts)):
        raise ValueError("landmarks must be finite")
    return pts


def template(size: int = CHIP_SIZE) -> np.ndarray:
    """The 5-point template for a ``size`` x ``size`` chip.

    dlib maps its crop rectangle onto pixel centres 0 .. size-1, so chip
    coordinates scale by (size - 1) / (150 - 1).
    """
    return TEMPLATE_150 * ((size - 1) / (CHIP_SIZE - 1))


def similarity_transform(src, dst, weights=None) -> np.ndarray:
    """(Weighted) least-squares similarity src -> dst (Umeyama 1991, no reflection).

    Returns the 2x3 matrix M with dst ~= M @ [x, y, 1].
    """
    src = np.asarray(src, np.float64)
    dst = np.asarray(dst, np.float64)
    w = np.ones(len(src)) if weights is None else np.asarray(weights, np.float64)
    w = w / w.sum()
    mu_s, mu_d = w @ src, w @ dst
    s0, d0 = src - mu_s, dst - mu_d
    var_s = w @ (s0**2).sum(1)
    if var_s <= 1e-12:
        raise ValueError("degenerate landmarks (all points coincide)")
    cov = (d0 * w[:, None]).T @ s0
    u, sig, vt = np.linalg.svd(cov)
    sign = np.ones(2)
    if np.linalg.det(u) * np.linalg.det(vt) < 0:
        sign[-1] = -1.0
    rot = u @ np.diag(sign) @ vt
    scale = (sig * sign).sum() / var_s
    m = np.empty((2, 3))
    m[:, :2] = scale * rot
    m[:, 2] = mu_d - m[:, :2] @ mu_s
    return m


def _as_rgb_array(image) -> np.ndarray:
    if hasattr(image, "mode") and hasattr(image, "convert"):  # PIL image
        if image.mode != "RGB":
            image = image.convert("RGB")
        return np.asarray(image, dtype=np.uint8)
    arr = np.asarray(image)
    if arr.ndim == 2:
        arr = np.repeat(arr[:, :, None], 3, axis=2)
    elif arr.ndim == 3 and arr.shape[2] == 4:
        arr = arr[:, :, :3]
    if arr.ndim != 3 or arr.shape[2] != 3:
        raise ValueError(f"expected an RGB image HxWx3, got shape {arr.shape}")
    if arr.dtype != np.uint8:
        raise ValueError(f"expected uint8 pixels, got {arr.dtype}")
    return arr


def _halve(img: np.ndarray) -> np.ndarray:
    """Blur with the separable 5-tap binomial filter [1 4 6 4 1]/16 and keep
    every second pixel (an image-pyramid step, as dlib does): new pixel i sits
    on old pixel 2i, so old coordinate x becomes x / 2."""
    k = np.array([1.0, 4.0, 6.0, 4.0, 1.0], np.float32) / 16.0
    h, w = img.shape[:2]
    p = np.pad(img, ((2, 2), (0, 0), (0, 0)), mode="edge")
    rows = sum(k[i] * p[i : i + h : 2] for i in range(5))
    p = np.pad(rows, ((0, 0), (2, 2), (0, 0)), mode="edge")
    return sum(k[i] * p[:, i : i + w : 2] for i in range(5))


def _bilinear(img: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Sample img (HxWxC float) at (xs, ys); points outside the image are 0."""
    h, w = img.shape[:2]
    inside = (xs >= 0) & (ys >= 0) & (xs <= w - 1) & (ys <= h - 1)
    x0 = np.clip(np.floor(xs).astype(np.int64), 0, max(w - 2, 0))
    y0 = np.clip(np.floor(ys).astype(np.int64), 0, max(h - 2, 0))
    x1 = np.minimum(x0 + 1, w - 1)
    y1 = np.minimum(y0 + 1, h - 1)
    fx = np.clip(xs - x0, 0.0, 1.0)[..., None]
    fy = np.clip(ys - y0, 0.0, 1.0)[..., None]
    top = img[y0, x0] * (1 - fx) + img[y0, x1] * fx
    bottom = img[y1, x0] * (1 - fx) + img[y1, x1] * fx
    out = top * (1 - fy) + bottom * fy
    out[~inside] = 0
    return out


def chip_transform(landmarks, size: int = CHIP_SIZE) -> np.ndarray:
    """2x3 similarity mapping image coordinates to chip coordinates."""
    return similarity_transform(landmarks_array(landmarks), template(size), LANDMARK_WEIGHTS)


def align_face(image, landmarks, size: int = CHIP_SIZE) -> np.ndarray:
    """Cut a ``size`` x ``size`` uint8 RGB chip, dlib framing, out of image.

    image: HxWx3 uint8 RGB array (or a PIL image); landmarks: MTCNN's 5 points
    (see module doc) as a (5, 2) array-like or MTCNN's ``keypoints`` dict.
    Parts of the chip outside the image are black, as with dlib.
    """
    img = _as_rgb_array(image)
    m = chip_transform(landmarks, size)
    # Inverse: chip (u, v) -> image (x, y).
    a = m[:, :2]
    a_inv = np.linalg.inv(a)
    t_inv = -a_inv @ m[:, 2]
    step = float(np.sqrt(abs(np.linalg.det(a_inv))))  # image pixels per chip pixel

    # Only the part of the image under the chip matters: crop it (plus a margin).
    corners = np.array([[0, 0], [size - 1, 0], [0, size - 1], [size - 1, size - 1]], np.float64)
    xy = corners @ a_inv.T + t_inv
    margin = 2.0 * step + 2.0
    h, w = img.shape[:2]
    x_lo = int(max(0, np.floor(xy[:, 0].min() - margin)))
    y_lo = int(max(0, np.floor(xy[:, 1].min() - margin)))
    x_hi = int(min(w, np.ceil(xy[:, 0].max() + margin) + 1))
    y_hi = int(min(h, np.ceil(xy[:, 1].max() + margin) + 1))
    if x_hi <= x_lo or y_hi <= y_lo:
        return np.zeros((size, size, 3), np.uint8)
    work = img[y_lo:y_hi, x_lo:x_hi].astype(np.float32)
    t_inv = t_inv - [x_lo, y_lo]

    # Big face: halve the image (pyramid step) until at most 2 source pixels
    # map to one chip pixel, so bilinear sampling does not alias (dlib's
    # extract_image_chip uses an image pyramid for the same reason; its chips
    # differ from ours by about 2 grey levels on average then, and are
    # identical below that scale).
    while step > 2.0 and min(work.shape[:2]) >= 8:
        work = _halve(work)
        a_inv = a_inv / 2.0
        t_inv = t_inv / 2.0
        step /= 2.0

    v, u = np.mgrid[0:size, 0:size].astype(np.float64)
    xs = a_inv[0, 0] * u + a_inv[0, 1] * v + t_inv[0]
    ys = a_inv[1, 0] * u + a_inv[1, 1] * v + t_inv[1]
    chip = _bilinear(work, xs, ys)
    # Truncate to integers as dlib does when it writes the chip's pixels.
    return np.clip(chip, 0, 255).astype(np.uint8)
