"""Batch throughput: `manage.py predict_image` over a folder of 200 photos
the size of the hero set's (long side 480 px).

    .venv/bin/python bench/batch.py [--count 200]

Photos: the hero set's valid split where ../shared is present, else crops
and mirror images of the astronaut fixture resized to 480 px. Prints the
whole command's wall time (process start and model load included) and the
rate once loaded.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _photos import ASTRONAUT, shared_datasets  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def make_folder(count):
    folder = Path(tempfile.mkdtemp(prefix="mlh-batch-"))
    shared = shared_datasets()
    sources = sorted((shared / "marvel-heroes" / "valid").rglob("*.jpg")) if shared else []
    base = Image.open(ASTRONAUT).convert("RGB")
    for i in range(count):
        if i < len(sources):
            image = Image.open(sources[i]).convert("RGB")
        else:
            crop = 40 + (i * 7) % 60
            image = base.crop((crop, crop // 2, 512 - crop // 2, 512 - crop))
            if i % 2:
                image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        image.thumbnail((480, 480))
        image.save(folder / f"photo{i:03d}.jpg", quality=90)
    return folder, min(count, len(sources))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200)
    args = parser.parse_args()
    folder, from_hero_set = make_folder(args.count)
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "predict_image", str(folder), "--json"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    first_line_at = None
    lines = []
    for line in proc.stdout:
        if first_line_at is None:
            first_line_at = time.perf_counter()
        lines.append(json.loads(line))
    proc.wait()
    end = time.perf_counter()
    total = end - start
    with_face = sum("hero" in line for line in lines)
    # The first batch's lines appear together; measure the steady rate from
    # the first line to the last over the photos after the first batch.
    print(f"{len(lines)} photos ({from_hero_set} from the hero set), {with_face} with a face")
    print(
        f"whole command: {total:.1f} s, {len(lines) / total:.1f} photos/s "
        "(process start and model load included)"
    )
    if first_line_at and len(lines) > 32:
        steady = (len(lines) - 32) / (end - first_line_at)
        print(f"once loaded: {steady:.1f} photos/s (target >= 12)")


if __name__ == "__main__":
    main()
