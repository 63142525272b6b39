"""Deadlines and a size cap for a transfer: yt-dlp's socket timeout never fires on a server that
trickles a byte a second, and nothing stops an endless body from filling the disk."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from speechkit.errors import DownloadError

T = TypeVar("T")
MIN_PROGRESS = 1024
"""Bytes that count as progress: a trickle below this per stall window is a stalled transfer."""
POLL_SECONDS = 0.25


class TransferGuard:
    """Runs a transfer in a worker thread and stops it when no ``MIN_PROGRESS`` bytes arrive for
    ``stall_timeout`` seconds, or when more than ``max_size`` bytes have come."""

    def __init__(self, url: str, stall_timeout: float, max_size: int) -> None:
        self.url, self.stall_timeout, self.max_size = url, stall_timeout, max_size
        self._mark, self._last, self._stop = 0, time.monotonic(), None
        self.too_big = False
        """Set once more than ``max_size`` bytes came: the partial file is worth nothing then."""

    def hook(self, status: dict[str, Any]) -> None:
        """yt-dlp progress hook: counts progress, enforces the cap, and ends a transfer told to stop."""
        from yt_dlp.utils import DownloadCancelled

        done = int(status.get("downloaded_bytes") or 0)
        if done > self.max_size:
            self.too_big = True
            self._stop = self._stop or f"larger than the {self.max_size:,}-byte limit (--max-size); stopped"
        if self._stop:
            raise DownloadCancelled(self._stop)
        if done - self._mark >= MIN_PROGRESS or done < self._mark:
            self._mark, self._last = done, time.monotonic()

    def run(self, work: Callable[[], T]) -> T:
        """``work()``'s result, or a one-line DownloadError when the transfer stalls or grows too big."""
        outcome: dict[str, Any] = {}

        def target() -> None:
            try:
                outcome["value"] = work()
            except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
                outcome["error"] = exc

        self._last = time.monotonic()
        worker = threading.Thread(target=target, daemon=True, name="speechkit-download")
        worker.start()
        while worker.is_alive():
            worker.join(POLL_SECONDS)
            if worker.is_alive() and time.monotonic() - self._last > self.stall_timeout:
                self._stop = f"the transfer stalled: under {MIN_PROGRESS} bytes in {self.stall_timeout:g} s"
                raise DownloadError(f"{self.url}: {self._stop} (--stall-timeout); a rerun resumes it")
        if self._stop:
            raise DownloadError(f"{self.url}: {self._stop}")
        if "error" in outcome:
            raise outcome["error"]
        return outcome["value"]
