"""A small progress bar on stderr: cells done, rate and time left (no dependency)."""
from __future__ import annotations

import sys
import time

__all__ = ["Progress"]


def _fmt_time(s: float) -> str:
    if s != s or s == float("inf"):
        return "--:--"
    s = int(round(s))
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m:02d}:{sec:02d}"


class Progress:
    """``[#####.....] 12/40 cells  0.8 cells/s  eta 00:35  (label)``.

    On a terminal the line is redrawn in place (at most ~10 times a second); otherwise a line
    is printed every ``every`` seconds and at the end. ``enabled=False`` prints nothing.

    ``warmup``: the number of first cells whose time includes starting a worker and compiling
    or loading its kernels (one per worker). Until one more cell has finished, the line says
    ``compiling kernels`` instead of an ETA; afterwards rate and ETA count only the cells
    finished after the warm-up, so a first compile does not inflate the estimate."""

    def __init__(self, total: int, *, label: str = "", stream=None, enabled: bool = True,
                 every: float = 10.0, width: int = 24, warmup: int = 0):
        self.total, self.label, self.width = int(total), label, width
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled and total > 0
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.every = 0.1 if self.tty else every
        self.done = 0
        self.start = 0          # cells already done when the bar started (not in the rate)
        self.note = ""
        self.t0 = time.perf_counter()
        self._last = -1e9
        self._drawn = False
        self._last_done = -1
        self.warmup = int(warmup)
        self._t_warm = None     # when the warm-up cells had finished

    def skip(self, n: int) -> None:
        """Count ``n`` cells that were already done (they do not enter the rate)."""
        self.done += n
        self.start += n

    def update(self, n: int = 1, note: str | None = None) -> None:
        self.done += n
        if self._t_warm is None and self.done - self.start >= self.warmup:
            self._t_warm = time.perf_counter()
        if note is not None:
            self.note = note
        self.draw()

    def line(self) -> str:
        now = time.perf_counter()
        el = now - self.t0
        new = self.done - self.start
        fill = int(self.width * self.done / self.total) if self.total else self.width
        bar = "#" * fill + "." * (self.width - fill)
        warm = new - self.warmup if self.warmup else new
        if self.warmup and (self._t_warm is None or warm <= 0) and self.done < self.total:
            txt = (f"[{bar}] {self.done}/{self.total} cells  compiling kernels (first "
                   f"cells)  elapsed {_fmt_time(el)}")
        else:
            span = now - self._t_warm if self.warmup and self._t_warm is not None else el
            rate = warm / span if span > 0 and warm > 0 else 0.0
            eta = (self.total - self.done) / rate if rate > 0 else float("nan")
            rate_s = f"{rate:.2f} cells/s" if rate < 10 else f"{rate:.0f} cells/s"
            txt = (f"[{bar}] {self.done}/{self.total} cells  {rate_s}  "
                   f"elapsed {_fmt_time(el)}  eta {_fmt_time(eta)}")
        if self.label:
            txt = f"{self.label} {txt}"
        return f"{txt}  {self.note}" if self.note else txt

    def draw(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        final = self.done >= self.total and self._last_done != self.done
        if not force and now - self._last < self.every and not final:
            return
        if not force and self.done == self._last_done and not self.tty and self.note == "":
            return
        self._last, self._last_done = now, self.done
        if self.tty:
            self.stream.write("\r\033[K" + self.line())
        else:
            self.stream.write(self.line() + "\n")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        if not self.enabled or (self.done == self.start and not self._drawn):
            return
        if self.tty or self._last_done != self.done:
            self.draw(force=True)
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()
