"""A progress line for long commands: tqdm in a terminal, plain lines otherwise."""

import sys
import time


class Progress:
    def __init__(self, stream, label, *, every=200):
        self.stream = stream
        self.label = label
        self.every = every
        self.start = time.perf_counter()
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self._bar = None
        self._last_step = 0
        if self.tty:
            try:
                from tqdm import tqdm
            except ImportError:
                self.tty = False
            else:
                self._bar = tqdm(desc=label, file=sys.stderr, unit="img")

    def __call__(self, done, total):
        if self._bar is not None:
            self._bar.total = total
            self._bar.update(done - self._bar.n)
            return
        step = done // self.every
        if step > self._last_step or done == total:
            self._last_step = step
            elapsed = time.perf_counter() - self.start
            rate = done / elapsed if elapsed else 0.0
            eta = (total - done) / rate if rate else 0.0
            self.stream.write(
                f"{self.label}: {done}/{total} ({rate:.1f}/s, about {eta:.0f} s left)"
            )

    def close(self):
        if self._bar is not None:
            self._bar.close()
