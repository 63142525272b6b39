"""Counts of a batch in flight (done, failed, running), reported to one callback for one progress bar."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from speechkit.batch.job import InputResult


@dataclass
class Counts:
    total: int
    done: int = 0
    """Finished inputs, run now or up to date already."""
    failed: int = 0
    running: int = 0

    @property
    def finished(self) -> int:
        return self.done + self.failed


Report = Callable[[Counts], None]


class Tracker:
    """Thread-safe: the Ray engine's driver threads report as their inputs start and end."""

    def __init__(self, total: int, report: Report | None) -> None:
        self.counts = Counts(total)
        self.report = report
        self.lock = threading.Lock()

    def started(self) -> None:
        with self.lock:
            self.counts.running += 1
            self._send()

    def running(self, count: int) -> None:
        """For engines that see only ends (a process pool): the inputs in flight now."""
        with self.lock:
            self.counts.running = count
            self._send()

    def finished(self, result: InputResult) -> None:
        with self.lock:
            self.counts.running = max(0, self.counts.running - 1)
            if result.status == "failed":
                self.counts.failed += 1
            else:
                self.counts.done += 1
            self._send()

    def _send(self) -> None:
        if self.report is not None:
            self.report(self.counts)
