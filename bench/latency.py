"""Warm latency of one 12-megapixel phone JPEG, decode to ranking, next to
the 2022 project's pipeline on the same photos in the same process.

    .venv/bin/python bench/latency.py [--repeats 15]

Ours: heroes.ml.api.predict(bytes) (intake with draft decoding, MTCNN,
alignment, dlib embedding of the face and its mirror image, classifier).
Original: keras.utils.load_img at full resolution, resize to 224x224,
MobileNetV2 .predict() (weights=None: ImageNet weights cannot be
downloaded here, and weights do not change the speed).

Also the same photos as the upload page now sends them (shrunk
in the browser to 1024 px, JPEG quality 80; bench/_browser_shrink.py
emulates static/js/upload.js), through the server's whole upload path
(heroes.services.stored_photo_bytes, then the engine), next to the 12 MP
originals through the same path.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mylittlehero.settings")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from _browser_shrink import browser_shrink  # noqa: E402
from _photos import phone_jpeg, phone_photos  # noqa: E402


def median_ms(fn, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()

    import django

    django.setup()
    from heroes.ml import api

    photos = [phone_jpeg(path, seed=i) for i, path in enumerate(phone_photos())]
    files = _written(photos)
    api.predict(photos[0])  # load and warm up
    original = _original_pipeline()
    original(files[0])  # warm up
    _compare_with_original(api, photos, files, original, args.repeats)
    _compare_upload_paths(api, photos, args.repeats)


def _written(photos):
    """The photos as files in a temporary folder (the original pipeline reads paths)."""
    tmp = Path(tempfile.mkdtemp())
    files = []
    for i, data in enumerate(photos):
        files.append(tmp / f"phone{i}.jpg")
        files[-1].write_bytes(data)
    return files


def _original_pipeline():
    """The 2022 project's pipeline: a function of a photo's path."""
    import keras
    import numpy as np

    mobilenet = keras.applications.MobileNetV2(weights=None)

    def original(path):
        image = keras.utils.load_img(path)  # full resolution, as in 2022
        image = image.resize((224, 224))
        x = keras.applications.mobilenet_v2.preprocess_input(
            np.expand_dims(keras.utils.img_to_array(image), 0)
        )
        return mobilenet.predict(x, verbose=0)

    return original


def _compare_with_original(api, photos, files, original, repeats):
    print(f"{len(photos)} photos of 4032x3024, {repeats} runs each, medians:")
    ours_all, theirs_all = [], []
    for data, path in zip(photos, files):
        ours = median_ms(lambda data=data: api.predict(data), repeats)
        theirs = median_ms(lambda path=path: original(str(path)), repeats)
        stages = api.predict(data).timings
        ours_all.append(ours)
        theirs_all.append(theirs)
        print(
            f"  {path.name}: ours {ours:6.1f} ms (decode {stages['decode']:.0f}, detect "
            f"{stages['detect']:.0f}, align {stages['align']:.0f}, embed {stages['embed']:.0f}, "
            f"classify {stages['classify']:.0f}); original {theirs:6.1f} ms"
        )
    ours, theirs = statistics.median(ours_all), statistics.median(theirs_all)
    print(
        f"median over photos: ours {ours:.1f} ms, original {theirs:.1f} ms, "
        f"ratio ours/original {ours / theirs:.2f}"
    )


def _compare_upload_paths(api, photos, repeats):
    """The server's share of an upload, for the photo as sent: the 12 MP
    original (as sent before the page shrank photos) and the ~1024 px JPEG
    the page sends now."""
    from heroes.services import stored_photo_bytes

    def upload_path(data):
        return api.predict(stored_photo_bytes(data))

    big_all, small_all = [], []
    for data in photos:
        small = browser_shrink(data)
        big_all.append(median_ms(lambda data=data: upload_path(data), repeats))
        small_all.append(median_ms(lambda small=small: upload_path(small), repeats))
    big, small = statistics.median(big_all), statistics.median(small_all)
    sizes = ", ".join(
        f"{len(d) / 1e6:.1f} MB -> {len(browser_shrink(d)) / 1e3:.0f} KB" for d in photos
    )
    print(
        f"upload path (store + rank), medians over photos: 12 MP original {big:.1f} ms, "
        f"1024 px as the page sends it {small:.1f} ms, ratio {small / big:.2f} ({sizes})"
    )


if __name__ == "__main__":
    main()
