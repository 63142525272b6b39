"""One bar per diarization stage that moves inside a block, not once per (half-hour) block.

A backend reports the steps inside a block as ``run.progress(f"{stage step}: {name}", completed, total)``
(pyannote's segmentation and embedding batches); the steps it declares in ``block_steps``, with each
one's share of a block's time, are folded into the stage's own step as seconds of audio done, so the
bar and its ETA follow the work. Steps it does not declare keep bars of their own.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from speechkit.stages.run import Hook, Run


class BlockProgress:
    """The hook a block runs under: ``step``'s sub-steps move ``step`` from ``start`` to ``start + length`` seconds."""

    def __init__(self, outer: Hook, step: str, start: float, length: float, total: float | None,
                 shares: Mapping[str, float]) -> None:
        self.outer, self.step, self.start, self.length, self.total = outer, step, start, length, total
        weight = sum(shares.values())
        self.shares = {name: share / weight for name, share in shares.items()} if weight else {}
        self.done: dict[str, float] = {}

    def __call__(self, name: str, completed: float, total: float | None = None) -> None:
        sub = name.removeprefix(f"{self.step}: ")
        if sub == name or sub not in self.shares:
            self.outer(name, completed, total)
            return
        if total:
            self.done[sub] = max(self.done.get(sub, 0.0), min(1.0, completed / total))
        fraction = sum(self.shares[s] * done for s, done in self.done.items())
        self.outer(self.step, round(self.start + self.length * fraction, 1), self.total)


@contextmanager
def folded_steps(run: Run, step: str, start: float, end: float, total: float | None,
                 shares: Mapping[str, float]) -> Iterator[None]:
    """Within the block from ``start`` to ``end`` seconds, ``run``'s hook folds ``step``'s sub-steps into ``step``."""
    outer = run.hook
    if outer is not None and shares:
        run.hook = BlockProgress(outer, step, start, end - start, total, shares)
    try:
        yield
    finally:
        run.hook = outer
