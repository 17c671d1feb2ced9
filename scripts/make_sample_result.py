#!/usr/bin/env python
"""Write the home page's sample result: the astronaut test photo
(heroes/tests/fixtures/astronaut.jpg, public domain) ranked by the real
engine with the default model.

    .venv/bin/python scripts/make_sample_result.py

Writes static/sample/astronaut.json (the engine's own output: ranking,
match strength, nearly-tied flag, model version) and
static/sample/astronaut-face.jpg (a square crop around the face). Run it
again after a new default model is activated; the home page hides the
sample when its top hero is not in the catalog.
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mylittlehero.settings")


def main():
    from PIL import Image, ImageOps

    from heroes.cards import face_crop
    from heroes.ml import api as engine

    photo = ROOT / "heroes" / "tests" / "fixtures" / "astronaut.jpg"
    out = ROOT / "static" / "sample"
    out.mkdir(parents=True, exist_ok=True)
    result = engine.predict(str(photo))
    strength = result.match_strength
    data = {
        "source": "heroes/tests/fixtures/astronaut.jpg",
        "model_version": result.model_version,
        "match_strength": None if strength is None else round(strength, 1),
        "nearly_tied": result.nearly_tied,
        "ranking": [score.as_dict() for score in result.ranking],
    }
    (out / "astronaut.json").write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    face = result.faces[result.face_index].as_dict()
    image = ImageOps.exif_transpose(Image.open(photo)).convert("RGB")
    crop = ImageOps.fit(face_crop(image, face["box"], margin=0.45), (320, 320), Image.LANCZOS)
    crop.save(out / "astronaut-face.jpg", quality=80, optimize=True, progressive=True)
    print(f"top hero {data['ranking'][0]['hero']}, match strength {data['match_strength']}")


if __name__ == "__main__":
    main()
