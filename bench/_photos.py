"""Test photos for the benchmarks, made at run time (nothing downloaded)."""

import io
import os
from pathlib import Path

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parent.parent
ASTRONAUT = REPO / "heroes" / "tests" / "fixtures" / "astronaut.jpg"


def shared_datasets():
    path = Path(os.environ.get("MLH_SHARED_DATASETS", REPO.parent / "shared" / "datasets"))
    return path if path.is_dir() else None


def phone_jpeg(source, *, size=(4032, 3024), seed=0, noise=4):
    """A 12-megapixel JPEG like a phone's: the portrait enlarged to fill the
    frame's height, camera-like noise (``noise``: its standard deviation;
    8 makes a file of about 4 MB, like a phone's), quality 92."""
    rng = np.random.default_rng(seed)
    portrait = Image.open(source).convert("RGB")
    height = size[1]
    width = round(portrait.width * height / portrait.height)
    portrait = portrait.resize((width, height), Image.LANCZOS)
    canvas = Image.new("RGB", size, (168, 160, 150))
    canvas.paste(portrait, ((size[0] - width) // 2, 0))
    array = np.asarray(canvas).astype(np.int16)
    array += rng.normal(0, noise, array.shape).astype(np.int16)
    buffer = io.BytesIO()
    Image.fromarray(np.clip(array, 0, 255).astype(np.uint8)).save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def phone_photos(count=3):
    """Paths of portraits to turn into 12 MP photos: the astronaut, plus
    London-set faces where the shared data sets are present."""
    sources = [ASTRONAUT]
    shared = shared_datasets()
    if shared:
        sources += sorted((shared / "faces-london" / "neutral").glob("*.jpg"))[: count - 1]
    return sources[:count]


def small_photos(count, *, folders=("faces-london",)):
    """``count`` RGB images at most 640 px for batch benchmarks: the shared
    data sets' faces under ``folders`` (relative to the data sets), cycled,
    or crops of the astronaut where the data sets are absent. Returns
    (images, True when they are real faces from the data sets)."""
    shared = shared_datasets()
    sources = []
    for folder in folders if shared else ():
        sources += sorted((shared / folder).rglob("*.jpg"))
    base = Image.open(ASTRONAUT).convert("RGB")
    images = []
    for i in range(count):
        if sources:
            image = Image.open(sources[i % len(sources)]).convert("RGB")
        else:
            image = base.crop((i % 40, i % 30, 512 - i % 20, 512 - i % 25))
        image.thumbnail((640, 640))
        images.append(image)
    return images, bool(sources)
