"""Stress cells on Ray: ``workers`` actors, each loading each model once, taking cells as they free up.

Cells are content-keyed and each writes its own cache file on shared storage, so the report built
afterwards is the one the local engine builds; a killed actor is restarted and its cell retried.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from speechkit.runtime.cluster import actor_options, connect
from speechkit.stages.run import Hook
from speechkit.stress.grid import Cell


class CellWorker:
    def __init__(self, threads: int) -> None:
        from speechkit.runtime.threads import set_process_threads

        set_process_threads(threads)

    def run(self, cell: dict[str, Any], output_dir: str) -> str:
        from speechkit.stress.worker import run_cell

        return run_cell(cell, output_dir)["key"]


def run_cells_on_ray(pending: list[Cell], output_dir: Path, workers: int, threads: int, address: str | None,
                     hook: Hook | None) -> None:
    """Run ``pending`` on the cluster; a cell's error is raised here, as the local engine raises it."""
    ray = connect(address)
    from ray.util import ActorPool

    actor = ray.remote(**actor_options(1, 0))(CellWorker)
    pool = ActorPool([actor.remote(threads) for _ in range(workers)])
    step = f"stress (ray, {workers} worker(s))"
    cells = [cell.as_dict() for cell in pending]
    try:
        for finished, _ in enumerate(pool.map_unordered(lambda a, c: a.run.remote(c, str(output_dir)), cells), 1):
            if hook is not None:
                hook(step, finished, len(pending))
    except ray.exceptions.RayTaskError as exc:
        raise exc.cause from None
