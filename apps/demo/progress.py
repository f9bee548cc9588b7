"""A progress bar on stderr: done / total, rate and time left, redrawn a few times a second."""

import sys
import time
from typing import TextIO


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}:{secs:02d}"


class ProgressBar:
    WIDTH = 30

    def __init__(self, label: str, *, stream: TextIO | None = None, min_interval: float = 0.25):
        self.label = label
        self.stream = stream or sys.stderr
        self.min_interval = min_interval
        self.started = time.monotonic()
        self._last_draw = 0.0

    def __call__(self, done: int, total: int, rows: int = 0) -> None:
        now = time.monotonic()
        if done < total and now - self._last_draw < self.min_interval:
            return
        self._last_draw = now
        self.stream.write("\r" + self.line(done, total, rows, now - self.started))
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()

    def line(self, done: int, total: int, rows: int, elapsed: float) -> str:
        fraction = done / total if total else 1.0
        filled = int(self.WIDTH * fraction)
        rate = done / elapsed if elapsed > 0 else 0.0
        eta = (total - done) / rate if rate > 0 else 0.0
        extra = f", {rows:,} rows" if rows else ""
        return (
            f"{self.label} [{'#' * filled}{'.' * (self.WIDTH - filled)}] {done:,}/{total:,} "
            f"({fraction:4.0%}) {rate:,.0f}/s{extra}, elapsed {_duration(elapsed)}, "
            f"ETA {_duration(eta)} "
        )
