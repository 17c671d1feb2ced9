"""Django start-up cost: `python -X importtime manage.py check`, repeated.

Prints the median wall time of the whole command, the median total import
time reported by -X importtime, the slowest top-level imports, and whether
any TensorFlow/Keras/mtcnn module was imported (it must not be).

    .venv/bin/python bench/startup.py [--runs 7]
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HEAVY = ("tensorflow", "keras", "mtcnn")
LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def one_run():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MONGODB_"))}
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "manage.py", "check"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - start
    top_level = {}
    modules = set()
    for line in result.stderr.splitlines():
        match = LINE.match(line)
        if not match:
            continue
        _self_us, cumulative_us, indent, name = match.groups()
        modules.add(name)
        if len(indent) == 1:
            top_level[name] = int(cumulative_us)
    return wall, top_level, modules


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    walls, totals, last = [], [], None
    for _ in range(args.runs):
        wall, top_level, modules = one_run()
        walls.append(wall)
        totals.append(sum(top_level.values()) / 1e6)
        last = (top_level, modules)
    top_level, modules = last
    heavy = sorted(m for m in modules if m.split(".")[0] in HEAVY)
    print(f"runs: {args.runs}")
    print(
        f"manage.py check wall time: median {statistics.median(walls):.3f} s "
        f"(min {min(walls):.3f}, max {max(walls):.3f})"
    )
    print(f"total import time (-X importtime): median {statistics.median(totals):.3f} s")
    print("slowest top-level imports (last run):")
    for name, us in sorted(top_level.items(), key=lambda item: -item[1])[:5]:
        print(f"  {us / 1e3:8.1f} ms  {name}")
    print(
        f"TensorFlow/Keras/mtcnn modules imported: {len(heavy)}"
        + (f" {heavy[:5]}" if heavy else "")
    )
    return 1 if heavy else 0


if __name__ == "__main__":
    sys.exit(main())
