"""Same person, same hero; and no hero swallows a group.

    .venv/bin/python bench/london.py

On the Face Research Lab London Set (../shared/datasets/faces-london): for
each of the 102 people, do the neutral and the smiling photo get the same
top hero? And how are the top heroes spread among the 53 men's 106 photos
and the 49 women's 98 photos (london_info.csv)?
"""

import collections
import csv
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mylittlehero.settings")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from _photos import shared_datasets  # noqa: E402


def main():
    shared = shared_datasets()
    if not shared:
        sys.exit("../shared/datasets is absent: nothing to measure")
    import django

    django.setup()
    from heroes.ml import api

    root = shared / "faces-london"
    with open(root / "london_info.csv") as handle:
        people = {row["face_id"]: row for row in csv.DictReader(handle)}
    tops = {}
    for kind in ("neutral", "smiling"):
        paths = [str(root / kind / f"{face_id}.jpg") for face_id in sorted(people)]
        for path, outcome in api.predict_many(paths):
            face_id = Path(path).stem
            tops[(face_id, kind)] = None if isinstance(outcome, Exception) else outcome.top.hero
    agree = sum(
        1
        for face_id in people
        if tops[(face_id, "neutral")] is not None
        and tops[(face_id, "neutral")] == tops[(face_id, "smiling")]
    )
    missing = sum(1 for value in tops.values() if value is None)
    print(f"model {api.model_version()}")
    print(f"same top hero for neutral and smiling: {agree} of {len(people)} people "
          f"(target >= 92); photos without a usable face: {missing}")
    for gender in ("male", "female"):
        counts = collections.Counter(
            tops[(face_id, kind)]
            for face_id, row in people.items()
            if row["face_gender"] == gender
            for kind in ("neutral", "smiling")
        )
        total = sum(counts.values())
        spread = ", ".join(f"{hero} {n} ({n / total:.0%})" for hero, n in counts.most_common())
        print(f"{gender}: {total} photos: {spread}")


if __name__ == "__main__":
    main()
