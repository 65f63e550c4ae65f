"""Progress on stderr, the one helper of every workflow: a bar with rate and ETA, or one line per stage.

Plain text, standard library only::

    bar = Progress(total=640, done=128, unit="points")   # sweep: redrawn in place with "\\r"
    bar.update(64)                                         # [######....] 192/640 points  12.50 points/s  ETA 00:00:35
    bar.close()

    stages = Progress(total=7, unit="stages", lines=True)  # demo: one line per finished stage
    stages.update(1, "WIMP benchmark: ...")                # [1/7] WIMP benchmark: ... (3.2 s)

The bar is redrawn at most every ``interval`` seconds (and always when the last unit is
done), so a fast loop does not flood a log file; ``quiet=True`` prints nothing.  The rate
counts only the units done since the helper was created (a resumed sweep starts at
``done`` without inflating it).
"""

from __future__ import annotations

import math
import sys
import time

__all__ = ["Progress"]


class Progress:
    """Progress of ``total`` units on ``stream`` (default ``sys.stderr``).

    Parameters
    ----------
    total : int
        Units in all.
    done : int
        Units already done before this run (a resumed sweep).
    unit : str
        Name of a unit in the bar (``"points"``).
    quiet : bool
        Print nothing (the counters and ``seconds`` are still kept).
    lines : bool
        One line ``[k/total] message (t s)`` per :meth:`update` (stage time ``t``)
        instead of a bar.
    interval : float
        Least time between two redraws of the bar (seconds).
    stream : file, optional
        Where to write (default: ``sys.stderr`` at the time of each write).
    width : int
        Characters of the bar.

    Attributes
    ----------
    seconds : list of float
        Wall time of each :meth:`update` since the previous one (rounded to 0.01 s).
    """

    def __init__(self, total: int, done: int = 0, *, unit: str = "points", quiet: bool = False,
                 lines: bool = False, interval: float = 0.5, stream=None, width: int = 30):
        self.total, self.done, self.unit = int(total), int(done), unit
        self.quiet, self.lines, self.interval, self.width = quiet, lines, interval, width
        self._stream = stream
        self.t0 = self._t_step = time.perf_counter()
        self._last_draw, self._drawn = -math.inf, None
        self.new = 0
        self.seconds: list = []
        if not (quiet or lines):
            self._draw()

    @property
    def stream(self):
        return sys.stderr if self._stream is None else self._stream

    def update(self, n: int = 1, message: str | None = None) -> None:
        """``n`` more units done; with ``lines``, print ``message`` as the line of this step."""
        now = time.perf_counter()
        self.done += n
        self.new += n
        dt, self._t_step = now - self._t_step, now
        self.seconds.append(round(dt, 2))
        if self.quiet:
            return
        if self.lines:
            self._write(f"[{self.done}/{self.total}] {message or ''} ({dt:.1f} s)\n")
        elif now - self._last_draw >= self.interval or self.done >= self.total:
            self._draw(now)

    def _draw(self, now: float | None = None) -> None:
        now = time.perf_counter() if now is None else now
        self._last_draw, self._drawn = now, self.done
        frac = self.done / self.total if self.total else 1.0
        filled = int(round(self.width * frac))
        dt = now - self.t0
        rate = self.new / dt if dt > 0 and self.new else 0.0
        eta = (self.total - self.done) / rate if rate > 0 else float("nan")
        eta_txt = time.strftime("%H:%M:%S", time.gmtime(eta)) if math.isfinite(eta) else "--:--:--"
        self._write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {self.done}/{self.total} {self.unit} "
                    f"{rate:8.2f} {self.unit}/s  ETA {eta_txt}")

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()

    def close(self) -> None:
        """End the bar (its last state, then a newline); nothing for ``lines`` or ``quiet``."""
        if not (self.quiet or self.lines):
            if self._drawn != self.done:  # an update held back by the rate limit
                self._draw()
            self._write("\n")
