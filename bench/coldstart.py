"""Cold start: the first prediction in a new process, TensorFlow import
included, and resident memory after loading; next to the 2022 pipeline's
cold start measured the same way in the same session (import Keras, build
MobileNetV2, load the photo at full resolution, resize to 224, predict),
runs alternating so that the machine's noise hits both alike.

    .venv/bin/python bench/coldstart.py [--runs 5]
"""

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

CHILD = r"""
import os, sys, time
start = time.perf_counter()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mylittlehero.settings")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import django
django.setup()
from heroes.ml import api
result = api.predict(sys.argv[1])
first = time.perf_counter() - start
rss = int([l for l in open("/proc/self/status") if l.startswith("VmRSS")][0].split()[1]) // 1024
print(first, rss, result.top.hero)
"""


BASELINE = r"""
import os, sys, time
start = time.perf_counter()
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np
import keras
model = keras.applications.MobileNetV2(weights=None)
image = keras.utils.load_img(sys.argv[1]).resize((224, 224))
x = keras.applications.mobilenet_v2.preprocess_input(np.expand_dims(keras.utils.img_to_array(image), 0))
model.predict(x, verbose=0)
first = time.perf_counter() - start
rss = int([l for l in open("/proc/self/status") if l.startswith("VmRSS")][0].split()[1]) // 1024
print(first, rss, "mobilenet")
"""


def run(code, photo):
    out = subprocess.run(
        [sys.executable, "-c", code, str(photo)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return float(out[0]), int(out[1]), out[2]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    photo = REPO / "heroes" / "tests" / "fixtures" / "astronaut.jpg"
    firsts, rsss, baseline = [], [], []
    for _ in range(args.runs):
        first, rss, hero = run(CHILD, photo)
        firsts.append(first)
        rsss.append(rss)
        base, _rss, _ = run(BASELINE, photo)
        baseline.append(base)
        print(
            f"  first prediction {first:.2f} s, RSS {rss} MB ({hero}); 2022 pipeline {base:.2f} s"
        )
    ours, theirs = statistics.median(firsts), statistics.median(baseline)
    print(
        f"median of {args.runs}: first prediction {ours:.2f} s, 2022 pipeline {theirs:.2f} s, "
        f"ratio {ours / theirs:.2f} (target <= 1.2); RSS after loading "
        f"{statistics.median(rsss)} MB (target <= 900 MB)"
    )


if __name__ == "__main__":
    main()
