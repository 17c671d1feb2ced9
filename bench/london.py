"""Ordinary people: the same answer for the same person, a varied and fitting
answer for women and men alike, a steady answer for a re-encoded photo, and a
match strength that means something.

    .venv/bin/python bench/london.py

On the Face Research Lab London Set (../shared/datasets/faces-london): 102
adults, a neutral and a smiling photo each (london_info.csv gives gender).
Each photo goes through what an upload goes through (upright, at most 1024
px, re-encoded as the stored JPEG, then ranked). Prints:

- the neutral and smiling photos' top hero: the same, and within the other's top 3;
- per gender, the most frequent top hero's share and how many heroes appear;
- photos whose top hero is of the other gender (hero genders from
  ../shared/datasets/hero-actors/heroes.csv; Doctor Strange and Thanos male);
- re-encoding each photo (JPEG quality 75 at half size) keeps its top hero;
- the match strength's median, p10 and p90, and the median difference between
  a person's two photos; how many results are "nearly tied".

These are checks of the engine, not something to tune it on.
"""

import collections
import csv
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mylittlehero.settings")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from _photos import shared_datasets  # noqa: E402


def hero_genders(shared):
    genders = {"doctor-strange": "male", "thanos": "male"}
    with open(shared / "hero-actors" / "heroes.csv") as handle:
        genders.update({row["hero"]: row["gender"] for row in csv.DictReader(handle)})
    return genders


def rank_all(api, photos, keys):
    """{key: EngineResult or None} for photos ranked in one batched pass."""
    return {
        key: None if isinstance(outcome, Exception) else outcome
        for key, (_source, outcome) in zip(keys, api.predict_many(photos))
    }


def report_pairs(people, results):
    def top(key):
        return results[key].top.hero if results[key] else None

    def top3(key):
        return [s.hero for s in results[key].ranking[:3]] if results[key] else []

    same = sum(
        1 for f in people if top((f, "neutral")) and top((f, "neutral")) == top((f, "smiling"))
    )
    within3 = sum(
        1 for f in people if top((f, "neutral")) and top((f, "neutral")) in top3((f, "smiling"))
    )
    print(
        f"neutral and smiling: same top hero for {same} of {len(people)} (target >= 88); "
        f"neutral's top hero within smiling's top 3 for {within3} (target >= 98)"
    )


def report_genders(people, results, genders):
    for gender, target in (("female", 0.30), ("male", 0.20)):
        counts = collections.Counter(
            results[(f, kind)].top.hero
            for f, row in people.items()
            if row["face_gender"] == gender
            for kind in ("neutral", "smiling")
            if results[(f, kind)]
        )
        total = sum(counts.values())
        hero, n = counts.most_common(1)[0]
        spread = ", ".join(f"{h} {c}" for h, c in counts.most_common())
        print(
            f"{gender}: {total} photos, {len(counts)} heroes; most frequent {hero} "
            f"{n / total:.1%} (target <= {target:.0%}): {spread}"
        )
    other = sum(
        1
        for (f, _kind), r in results.items()
        if r and genders.get(r.top.hero) not in (None, people[f]["face_gender"])
    )
    print(f"top hero of the other gender: {other} of {len(results)} photos (target <= 5)")


def report_reencoding(keys, results, again):
    compared = [k for k in keys if results[k] and again[k]]
    kept = sum(1 for k in compared if results[k].top.hero == again[k].top.hero)
    print(
        f"re-encoded (JPEG q75, half size): top hero kept for {kept} of {len(compared)} "
        f"({kept / max(1, len(compared)):.1%}, target >= 97%)"
    )


def report_strength(people, keys, results):
    strengths = [
        results[k].match_strength
        for k in keys
        if results[k] and results[k].match_strength is not None
    ]
    if not strengths:
        print("match strength: this model has no population statistics")
        return
    deciles = statistics.quantiles(strengths, n=10)
    pairs = [
        abs(results[(f, "neutral")].match_strength - results[(f, "smiling")].match_strength)
        for f in people
        if results[(f, "neutral")] and results[(f, "smiling")]
    ]
    tied = sum(1 for k in keys if results[k] and results[k].nearly_tied)
    print(
        f"match strength: median {statistics.median(strengths):.1f} (target 40-60), "
        f"p10 {deciles[0]:.1f}, p90 {deciles[-1]:.1f}; a person's two photos differ by a "
        f"median of {statistics.median(pairs):.1f} points (target <= 8); "
        f"nearly tied: {tied} of {len(strengths)}"
    )


def main():
    shared = shared_datasets()
    if not shared:
        sys.exit("../shared/datasets is absent: nothing to measure")
    import django

    django.setup()
    from heroes.ml import api, training_api
    from heroes.services import stored_photo_bytes

    root = shared / "faces-london"
    with open(root / "london_info.csv") as handle:
        people = {row["face_id"]: row for row in csv.DictReader(handle)}
    keys = [(face_id, kind) for kind in ("neutral", "smiling") for face_id in sorted(people)]
    paths = [str(root / kind / f"{face_id}.jpg") for face_id, kind in keys]
    results = rank_all(api, [stored_photo_bytes(p) for p in paths], keys)
    again = rank_all(api, [training_api.reencoded(p) for p in paths], keys)
    missing = sum(1 for value in results.values() if value is None)
    print(
        f"model {api.model_version()}; {len(keys)} photos of {len(people)} people, "
        f"{missing} without a usable face"
    )
    report_pairs(people, results)
    report_genders(people, results, hero_genders(shared))
    report_reencoding(keys, results, again)
    report_strength(people, keys, results)


if __name__ == "__main__":
    main()
