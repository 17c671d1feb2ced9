"""The number people share: in ranking order, and the same meaning on every
kind of photo.

    .venv/bin/python bench/strength.py [--sets london,london-small,lfw,...]

Runs photos through the engine's door as uploads are (upright, at most 1024
px, re-encoded as the stored JPEG) and reads each result as a person sees
it: the top hero's match strength and the index shown beside every hero.

- contradictions: results where a hero's index is higher than the index of
  a hero ranked above it (target 0, on every set);
- the match strength's median, p10 and p90, and the share of results under
  10 and under 20 (target: median 40-60 on London, London made small and
  lfw-population held out);
- London: the median difference between a person's neutral and smiling
  photos (target <= 8);
- the reference sets (lfw-population, the hero-actors population) also
  held out: each person's photos placed among the other people's photos of
  the reference (every person weighing the same, 10 person-level folds), so
  a set the model was calibrated on is not flattered by it.

The sets, from ../shared/datasets: london (faces-london, 204), london-small
(the same made 256 px, JPEG quality 75), lfw (lfw-population, 839),
population (hero-actors/population, 415), actors-valid (hero-actors valid
split, 706), web-valid (marvel-heroes valid split, 451). London is a check,
never a reference.
"""

import argparse
import hashlib
import io
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mylittlehero.settings")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
from _photos import shared_datasets  # noqa: E402
from PIL import Image  # noqa: E402

SETS = ("london", "london-small", "lfw", "population", "actors-valid", "web-valid")
REFERENCE = ("lfw", "population")  # the sets the model's scale is fitted on
FOLDS = 10


def small_copy(path, side=256, quality=75):
    image = Image.open(path).convert("RGB")
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def person_folder_items(root):
    """[(path, person)] for ROOT/<person>/*.jpg."""
    return [
        (path, person.name)
        for person in sorted(p for p in root.iterdir() if p.is_dir())
        for path in sorted(person.glob("*.jpg"))
    ]


def split_items(root):
    """[(path, hero folder)] for ROOT/valid/<class>/*."""
    return [
        (path, folder.name)
        for folder in sorted(p for p in (root / "valid").iterdir() if p.is_dir())
        for path in sorted(folder.iterdir())
        if path.is_file()
    ]


def photo_sets(shared, names):
    """{name: [(photo bytes, person or label, key)]}."""
    from heroes.services import stored_photo_bytes

    london = shared / "faces-london"
    london_items = [
        (london / kind / f"{face_id}.jpg", face_id, kind)
        for kind in ("neutral", "smiling")
        for face_id in sorted(p.stem for p in (london / "neutral").glob("*.jpg"))
    ]
    makers = {
        "london": lambda: [(stored_photo_bytes(p), f, k) for p, f, k in london_items],
        "london-small": lambda: [(small_copy(p), f, k) for p, f, k in london_items],
        "lfw": lambda: [
            (stored_photo_bytes(p), person, p.name)
            for p, person in person_folder_items(shared / "lfw-population")
        ],
        "population": lambda: [
            (stored_photo_bytes(p), person, p.name)
            for p, person in person_folder_items(shared / "hero-actors" / "population")
        ],
        "actors-valid": lambda: [
            (stored_photo_bytes(p), label, p.name)
            for p, label in split_items(shared / "hero-actors")
        ],
        "web-valid": lambda: [
            (stored_photo_bytes(p), label, p.name)
            for p, label in split_items(shared / "marvel-heroes")
        ],
    }
    return {name: makers[name]() for name in names}


def contradicts(result):
    """A hero's shown index is above the index of a hero ranked before it."""
    shown = [score.percentile for score in result.ranking]
    return any(later > earlier for earlier, later in zip(shown, shown[1:]))


def fold_of(person):
    return int(hashlib.sha256(person.encode()).hexdigest()[:8], 16) % FOLDS


def held_out(strengths, people):
    """Each photo's percentile among the other folds' photos of the
    reference, every person weighing the same. The index is an increasing
    function of the score it is measured on, so ranking by it is ranking
    by that score."""
    strengths, people = np.asarray(strengths), np.asarray(people)
    _names, inverse, counts = np.unique(people, return_inverse=True, return_counts=True)
    weights = 1.0 / counts[inverse]
    folds = np.array([fold_of(p) for p in people])
    values = np.zeros(len(strengths))
    for fold in range(FOLDS):
        mine, others = folds == fold, folds != fold
        below = (strengths[others][None, :] < strengths[mine][:, None]) * weights[others]
        equal = (strengths[others][None, :] == strengths[mine][:, None]) * weights[others]
        values[mine] = 100 * (below.sum(1) + equal.sum(1) / 2) / weights[others].sum()
    return values


def describe(values):
    values = np.asarray(values)
    return (
        f"median {np.median(values):5.1f}, p10 {np.quantile(values, 0.1):5.1f}, "
        f"p90 {np.quantile(values, 0.9):5.1f}, under 10: {np.mean(values < 10):4.0%}, "
        f"under 20: {np.mean(values < 20):4.0%}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sets", default=",".join(SETS), help="comma-separated: " + ", ".join(SETS)
    )
    args = parser.parse_args()
    names = [name for name in args.sets.split(",") if name]
    shared = shared_datasets()
    if not shared:
        sys.exit("../shared/datasets is absent: nothing to measure")
    import django

    django.setup()
    from heroes.ml import api

    print(f"model {api.model_version()}")
    reference = {}
    for name, photos in photo_sets(shared, names).items():
        results = [
            (person, key, outcome)
            for (_photo, person, key), (_source, outcome) in zip(
                photos, api.predict_many([photo for photo, _person, _key in photos])
            )
            if not isinstance(outcome, Exception)
        ]
        strengths = [r.match_strength for _p, _k, r in results]
        bad = sum(1 for _p, _k, r in results if contradicts(r))
        print(
            f"{name:13s} {len(results):4d} of {len(photos):4d} photos ranked; "
            f"contradictions {bad}; match strength {describe(strengths)}"
        )
        if name == "london":
            by_face = {(p, k): r.match_strength for p, k, r in results}
            pairs = [
                abs(by_face[(p, "neutral")] - by_face[(p, "smiling")])
                for p, k in by_face
                if k == "neutral" and (p, "smiling") in by_face
            ]
            print(f"{'':13s} neutral vs smiling: median difference {np.median(pairs):.1f} points")
        if name in REFERENCE:
            reference[name] = [(f"{name}/{p}", r.match_strength) for p, _k, r in results]
    if reference:
        people = [p for rows in reference.values() for p, _s in rows]
        values = held_out([s for rows in reference.values() for _p, s in rows], people)
        start = 0
        for name, rows in reference.items():
            part = values[start : start + len(rows)]
            start += len(rows)
            print(f"{name + ' held out':13s} {describe(part)}")


if __name__ == "__main__":
    main()
