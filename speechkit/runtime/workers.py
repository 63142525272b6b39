"""Set-up shared by every engine's worker processes (``speechkit batch`` and ``speechkit stress``):
a share of the cores, death with the process that started them, and an end at once on an interrupt.

Neutral ground: it imports neither engine, so batch and stress each depend on it, not on each other.
"""

from __future__ import annotations

import os
import signal
import sys
from concurrent.futures import ProcessPoolExecutor

from speechkit.runtime.threads import set_process_threads

PR_SET_PDEATHSIG = 1
"""Linux prctl(2) option: the signal a process gets when its parent dies."""


def init_worker(threads: int, parent: int) -> None:
    """Per-process set-up: a share of the cores, and death with the parent (process ``parent``)."""
    die_with_parent(parent)
    set_process_threads(threads)
    thread_lock_for_progress_bars()


def thread_lock_for_progress_bars() -> None:
    """tqdm (faster-whisper's bars, even disabled ones) otherwise makes a cross-process semaphore, which a
    worker ended by an interrupt never releases: the resource tracker then warns of a leak on exit."""
    import threading

    try:
        from tqdm import tqdm
    except ImportError:
        return
    tqdm.set_lock(threading.RLock())


def die_with_parent(parent: int) -> None:
    """On Linux a worker is killed when the process that started it dies, however it dies (``kill -9``
    included), so no 850 MB worker outlives an interrupted run; its resource tracker then exits on its own."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died while this worker was starting
        os._exit(1)


def end_workers(pool: ProcessPoolExecutor) -> None:
    """Cancel the work not started and end the workers at once (as ``terminate_workers`` does from
    Python 3.14), for an interrupt: what they were on is left unwritten (every output is written
    atomically, so it leaves no file) and a rerun does it. Never ``shutdown(wait=True)`` the pool after
    this, nor leave a ``with`` block on it, which would wait for the running work."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
