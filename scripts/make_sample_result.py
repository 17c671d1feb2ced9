#!/usr/bin/env python
"""Write the home page's sample result: a real photo ranked by the real
engine with the default model.

    .venv/bin/python scripts/make_sample_result.py            # a London face
    .venv/bin/python scripts/make_sample_result.py --photo P --credit TEXT

By default it ranks the smiling photos of the Face Research Lab London Set
(../shared/datasets/faces-london, CC BY 4.0, shown with its attribution) and
keeps the one whose top hero is matched most strongly and not nearly tied:
the sample shows what a strong result looks like, and says it is a sample.
Writes static/sample/sample.json (the engine's own output: ranking, match
strength, nearly-tied flag, model version, the photo's source and credit)
and static/sample/sample-face.jpg (a square crop around the face). Run it
again after a new default model is activated; the home page hides the
sample when its top hero is not in the catalog.
"""

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mylittlehero.settings")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

LONDON_CREDIT = (
    "DeBruine, L., & Jones, B. (2017). Face Research Lab London Set. "
    "doi:10.6084/m9.figshare.5047666.v5, CC BY 4.0"
)


def london_candidates():
    london = ROOT.parent / "shared" / "datasets" / "faces-london" / "smiling"
    if not london.is_dir():
        sys.exit(f"{london} is absent: pass --photo and --credit")
    return sorted(london.glob("*.jpg")), LONDON_CREDIT


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photo", type=Path, help="one photo instead of the London set")
    parser.add_argument("--credit", default="", help="the photo's attribution (shown)")
    args = parser.parse_args()

    from PIL import Image, ImageOps

    from heroes.cards import face_crop
    from heroes.ml import api as engine_api

    if args.photo:
        candidates, credit = [args.photo], args.credit
    else:
        candidates, credit = london_candidates()
    best = None
    for photo in candidates:
        result = engine_api.predict(str(photo))
        if result.match_strength is None or (result.nearly_tied and len(candidates) > 1):
            continue
        if best is None or result.match_strength > best[1].match_strength:
            best = (photo, result)
    if best is None:
        sys.exit("no photo gave a result with a match strength")
    photo, result = best
    out = ROOT / "static" / "sample"
    out.mkdir(parents=True, exist_ok=True)
    source = photo.relative_to(ROOT.parent) if photo.is_relative_to(ROOT.parent) else photo.name
    data = {
        "source": str(source),
        "credit": credit,
        "model_version": result.model_version,
        "match_strength": round(result.match_strength, 1),
        "nearly_tied": result.nearly_tied,
        "ranking": [score.as_dict() for score in result.ranking],
    }
    (out / "sample.json").write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    face = result.faces[result.face_index].as_dict()
    image = ImageOps.exif_transpose(Image.open(photo)).convert("RGB")
    crop = ImageOps.fit(face_crop(image, face["box"], margin=0.45), (320, 320), Image.LANCZOS)
    crop.save(out / "sample-face.jpg", quality=80, optimize=True, progressive=True)
    print(
        f"{len(candidates)} photos ranked; sample {source}: top hero "
        f"{data['ranking'][0]['hero']}, match strength {data['match_strength']}"
    )


if __name__ == "__main__":
    main()
