"""Does the photo the upload page sends (shrunk in the browser) get the same
answer as the phone's original? The target: on the 204 London photos, the
same top hero, or a result flagged nearly tied with that hero, for at least
98%.

    .venv/bin/python bench/shrink_agreement.py [--qualities 70,80,85,90,95] [--limit N]

Each London face (640 px) is first made a 12-megapixel phone JPEG
(bench/_photos.py phone_jpeg: enlarged, camera-like noise, quality 92). The
original goes through what an upload of it goes through on the server
(heroes.services.stored_photo_bytes, then the engine); the shrunk one is
bench/_browser_shrink.py's emulation of static/js/upload.js (upright, 1024
px, JPEG at each quality), then the same server path. Prints, per quality,
the agreement, the strict top-1 agreement and the median bytes sent.
"""

import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mylittlehero.settings")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from _browser_shrink import browser_shrink  # noqa: E402
from _photos import phone_jpeg, shared_datasets  # noqa: E402


def agree(original, shrunk):
    """The same top hero, or one answer flagged nearly tied between the two
    heroes the answers name."""
    if original.top.hero == shrunk.top.hero:
        return True
    second = {result.ranking[1].hero for result in (original, shrunk) if len(result.ranking) > 1}
    tied = original.nearly_tied or shrunk.nearly_tied
    return tied and (shrunk.top.hero in second or original.top.hero in second)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--qualities", default="70,80,85,90,95")
    parser.add_argument("--limit", type=int, default=0, help="only the first N photos")
    args = parser.parse_args()
    shared = shared_datasets()
    if not shared:
        sys.exit("../shared/datasets is absent: nothing to measure")
    import django

    django.setup()
    from heroes.ml import api
    from heroes.services import stored_photo_bytes

    paths = sorted((shared / "faces-london").rglob("*.jpg"))
    if args.limit:
        paths = paths[: args.limit]
    qualities = [int(q) for q in args.qualities.split(",")]
    phones = [phone_jpeg(path, seed=i) for i, path in enumerate(paths)]
    print(
        f"{len(paths)} London photos as 12 MP phone JPEGs, median "
        f"{statistics.median(len(p) for p in phones) / 1e6:.2f} MB"
    )

    def ranked(photos):
        return [
            None if isinstance(outcome, Exception) else outcome
            for _source, outcome in api.predict_many([stored_photo_bytes(p) for p in photos])
        ]

    originals = ranked(phones)
    for quality in qualities:
        shrunk_bytes = [browser_shrink(p, quality=quality) for p in phones]
        shrunk = ranked(shrunk_bytes)
        pairs = [(o, s) for o, s in zip(originals, shrunk) if o is not None or s is not None]
        both = [(o, s) for o, s in pairs if o is not None and s is not None]
        same = sum(o.top.hero == s.top.hero for o, s in both)
        agreed = sum(agree(o, s) for o, s in both)
        refused_once = len(pairs) - len(both)
        print(
            f"quality {quality}: agree {agreed}/{len(pairs)} = {agreed / len(pairs):.1%} "
            f"(same top hero {same}, refused in one only {refused_once}); "
            f"median sent {statistics.median(len(b) for b in shrunk_bytes) / 1024:.0f} KB"
        )


if __name__ == "__main__":
    main()
