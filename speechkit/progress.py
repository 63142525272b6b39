"""Progress on stderr, so stdout stays clean for chaining output paths: bars on a terminal, lines in a log.

A terminal gets rich bars (an indeterminate one with the elapsed time while a model loads, whose
length is unknown). Anywhere else (a log file, CI, a service) a bar would print only when it stops,
so a plain line per running step is written at most every ``SPEECHKIT_PROGRESS_INTERVAL`` seconds
(10 by default), plus one when a step ends. Both show the same ETA: the average rate so far.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from rich.console import Console
from rich.progress import (BarColumn, Progress, ProgressColumn, Task, TaskID, TaskProgressColumn, TextColumn,
                           TimeElapsedColumn)
from rich.text import Text

stderr = Console(stderr=True)

INTERVAL_ENV = "SPEECHKIT_PROGRESS_INTERVAL"
DEFAULT_INTERVAL = 10.0
"""Seconds between two progress lines of a step in a log: often enough to show life, rarely enough to read."""


def log_interval() -> float:
    """The interval between log lines: ``$SPEECHKIT_PROGRESS_INTERVAL`` seconds when set to a number >= 0, else 10."""
    try:
        value = float(os.environ.get(INTERVAL_ENV, DEFAULT_INTERVAL))
    except ValueError:
        return DEFAULT_INTERVAL
    return value if value >= 0 else DEFAULT_INTERVAL


def remaining(elapsed: float, completed: float, total: float | None) -> float | None:
    """Seconds left at the average rate so far; None while nothing is done or the total is unknown.

    The average over the whole step, not rich's last-30-s speed: a batched decoder reports in bursts,
    and a window that ends between two bursts would read as a stall."""
    if not total or completed <= 0 or elapsed <= 0:
        return None
    return max(0.0, elapsed * (total - completed) / completed)


def clock(seconds: float | None) -> str:
    """``H:MM:SS``, or ``-:--:--`` when unknown (as rich writes it)."""
    if seconds is None:
        return "-:--:--"
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes // 60}:{minutes % 60:02d}:{secs:02d}"


class EtaColumn(ProgressColumn):
    """``eta H:MM:SS`` from :func:`remaining`; blank while a step's length is unknown (a model loading) or once done."""

    def render(self, task: Task) -> Text:
        if task.total is None or task.finished:
            return Text("")
        left = remaining(task.elapsed or 0.0, task.completed, task.total)
        return Text(f"eta {clock(left)}", style="progress.remaining")


def progress_bar() -> Progress:
    """A bar with elapsed time and ETA; use as a context manager and ``add_task(description, total=...)``."""
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        EtaColumn(),
        console=stderr,
        transient=False,
    )


@dataclass
class Step:
    started: float
    measured: bool = False
    """Whether its length was known before it ended; a load's is not, and it never shows a percentage."""
    completed: float = 0.0
    total: float | None = None
    ended: float | None = None

    def line(self, name: str, now: float) -> str:
        """``name: 37%, elapsed 0:01:02, eta 0:01:45``; a step of unknown length shows its elapsed time only."""
        elapsed = (self.ended or now) - self.started
        if self.ended is not None:
            return f"{name}: {'100%, ' if self.measured else ''}done in {clock(elapsed)}"
        if not self.measured or not self.total:
            return f"{name}: elapsed {clock(elapsed)}"
        percent = min(100.0, 100.0 * self.completed / self.total)
        left = remaining(elapsed, self.completed, self.total)
        return f"{name}: {percent:.0f}%, elapsed {clock(elapsed)}, eta {clock(left)}"


class LogLines:
    """Progress as plain lines for a log: each running step at most every ``interval`` s, and a line when it ends.

    Nothing is written in the first ``interval`` seconds: a command that ends sooner prints its steps'
    end lines once, when it succeeds (:meth:`finish`), and only its one-line error when it fails.
    :meth:`tick` is called by a timer as well as by reports, so a step that reports nothing for minutes
    (a batched decoder, a model loading) still shows it is alive.
    """

    def __init__(self, write: Callable[[str], None], interval: float, now: Callable[[], float] = time.monotonic):
        self.write, self.interval, self.now = write, interval, now
        self.steps: dict[str, Step] = {}
        self.pending: list[str] = []
        self.since: float | None = None
        """When the first report came; the last progress line's time is ``last_line``."""
        self.last_line = 0.0
        self.lock = threading.Lock()

    def report(self, step: str, completed: float, total: float | None) -> None:
        with self.lock:
            now = self.now()
            if self.since is None:
                self.since = self.last_line = now
            state = self.steps.get(step)
            if state is not None and state.ended is not None:
                if total is not None and completed >= total:  # its end, reported again
                    return
                state = None  # a step that runs again (diarize's sub-steps, once per block)
            if state is None:
                state = self.steps[step] = Step(now)
            state.completed, state.total = completed, total
            if total is not None and completed >= total:
                state.ended = now
                self.pending.append(state.line(step, now))
            elif total is not None:
                state.measured = True
            self._tick(now)

    def tick(self) -> None:
        with self.lock:
            self._tick(self.now())

    def _tick(self, now: float) -> None:
        if self.since is None or now - self.since < self.interval:
            return
        self._flush()
        if now - self.last_line >= self.interval:
            self.last_line = now
            for name, state in self.steps.items():
                if state.ended is None:
                    self.write(state.line(name, now))

    def _flush(self) -> None:
        for line in self.pending:
            self.write(line)
        self.pending.clear()

    def finish(self) -> None:
        """The end lines not written yet (a command shorter than the interval)."""
        with self.lock:
            self._flush()


class Ticker:
    """Calls ``tick`` every ``period`` seconds on a daemon thread until stopped."""

    def __init__(self, tick: Callable[[], None], period: float) -> None:
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(tick, period), name="speechkit-progress", daemon=True)
        self.thread.start()

    def _run(self, tick: Callable[[], None], period: float) -> None:
        while not self.stopped.wait(period):
            tick()

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join()


class Bars:
    """One rich bar per step, drawn while the steps run: for a terminal."""

    def __init__(self) -> None:
        self.bar = progress_bar()
        self.tasks: dict[str, TaskID] = {}

    def report(self, step: str, completed: float, total: float | None) -> None:
        if not self.tasks:
            self.bar.start()
        if step not in self.tasks:
            self.tasks[step] = self.bar.add_task(step, total=total)
        self.bar.update(self.tasks[step], completed=completed, total=total)

    def close(self, failed: bool) -> None:
        if not self.tasks:  # started by the first report
            return
        console, quiet = self.bar.console, self.bar.console.quiet
        if failed:  # a failed run leaves only its one-line error
            self.bar.live.transient, console.quiet = True, True
        try:
            self.bar.stop()
        finally:
            console.quiet = quiet


class Log:
    """:class:`LogLines` on stderr, with a :class:`Ticker` from the first report: for anything but a terminal."""

    def __init__(self, interval: float) -> None:
        self.lines = LogLines(self.write, interval)
        self.period = min(1.0, interval / 2) or 0.05
        self.ticker: Ticker | None = None

    @staticmethod
    def write(line: str) -> None:
        stderr.print(line, markup=False, highlight=False, soft_wrap=True)

    def report(self, step: str, completed: float, total: float | None) -> None:
        if self.ticker is None:
            self.ticker = Ticker(self.lines.tick, self.period)
        self.lines.report(step, completed, total)

    def close(self, failed: bool) -> None:
        if self.ticker is not None:
            self.ticker.stop()
        if not failed:  # a failed run leaves only its one-line error
            self.lines.finish()


class RichHook:
    """The CLI's progress hook, ``hook(step, completed, total)``: :class:`Bars` on a terminal, :class:`Log`
    lines elsewhere; a context manager. ``-q`` silences both (``stderr.quiet``).

    Backends report progress only through such a hook, so library calls stay silent and the CLI
    (which passes this one) shows every stage and every model load (``total`` None while loading).
    """

    def __init__(self, interval: float | None = None) -> None:
        self.display = Bars() if stderr.is_terminal else Log(log_interval() if interval is None else interval)

    def __enter__(self) -> RichHook:
        return self

    def __exit__(self, error: type[BaseException] | None, *rest: object) -> None:
        self.display.close(failed=error is not None)

    def __call__(self, step: str, completed: float, total: float | None = None) -> None:
        self.display.report(step, completed, total)
