"""Cold start: the first prediction in a new process, TensorFlow import
included, and resident memory after loading.

    .venv/bin/python bench/coldstart.py [--runs 3]
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    photo = REPO / "heroes" / "tests" / "fixtures" / "astronaut.jpg"
    firsts, rsss = [], []
    for _ in range(args.runs):
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(photo)],
            cwd=REPO, capture_output=True, text=True, check=True,
        ).stdout.split()
        firsts.append(float(out[0]))
        rsss.append(int(out[1]))
        print(f"  first prediction {float(out[0]):.2f} s, RSS {out[1]} MB ({out[2]})")
    print(f"median of {args.runs}: first prediction {statistics.median(firsts):.2f} s "
          f"(target < 6 s), RSS after loading {statistics.median(rsss)} MB (target < 900 MB)")


if __name__ == "__main__":
    main()
