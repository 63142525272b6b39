"""``run_stress``: plan the cells, run the missing ones in worker processes, write the report.

Workers are separate processes (spawned, so no model library state is forked), each loading its
models once; cells go to whichever worker is free, so conditions run in parallel. Results are
cached per cell as they finish: interrupting (which ends the workers at once, the cells they were on
unwritten) and rerunning picks up where it stopped.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from speechkit.runtime.cluster import ENGINES, require_ray
from speechkit.stages.run import Hook
from speechkit.stress.cache import load_cell
from speechkit.stress.config import StressConfig, StressConfigError, load_config
from speechkit.stress.grid import Cell, StressInput, make_input, plan, shard
from speechkit.stress.report import summarize, write_report
from speechkit.stress.worker import run_cell
from speechkit.runtime.threads import share_of_cores
from speechkit.runtime.workers import end_workers, init_worker


@dataclass
class StressRun:
    """What a run did and where its outputs are."""

    cells: list[Cell]
    total: int
    ran: int
    cached: int
    missing: int
    paths: dict[str, Path] = field(default_factory=dict)
    summary: list[dict[str, Any]] = field(default_factory=list)


def resolve_inputs(config: StressConfig, inputs: Sequence[StressInput] | None) -> list[StressInput]:
    if inputs:
        return list(inputs)
    if not config.inputs:
        raise StressConfigError("no inputs: give audio files (and references) or an 'inputs' list in the config")
    return [make_input(i.audio, i.reference, i.channel) for i in config.inputs]


def _execute(pending: list[Cell], output_dir: Path, workers: int, threads: int, hook: Hook | None) -> None:
    context = multiprocessing.get_context("spawn")
    step, finished = f"stress ({workers} worker(s))", 0
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=init_worker, initargs=(threads, os.getpid()))
    try:
        futures = {pool.submit(run_cell, cell, output_dir) for cell in pending}
        while futures:
            done, futures = wait(futures, return_when=FIRST_EXCEPTION)
            for future in done:
                future.result()  # re-raises a worker's error here, naming the problem
                finished += 1
                if hook is not None:
                    hook(step, finished, len(pending))
    except Exception:  # a cell's error: no more cells start, the running ones finish and are cached
        try:
            pool.shutdown(wait=True, cancel_futures=True)
        except BaseException:
            end_workers(pool)
            raise
        raise
    except BaseException:  # Ctrl-C (or SIGTERM): stop now, not when the running cells are done
        end_workers(pool)  # cells are cached atomically: one cut short leaves no file, and a rerun does it
        raise
    pool.shutdown()


def run_stress(config: StressConfig | str | Path, inputs: Sequence[StressInput] | None = None,
               output_dir: str | Path = "stress", workers: int = 1, shard_of: tuple[int, int] | None = None,
               report: bool = True, hook: Hook | None = None, engine: str = "local",
               address: str | None = None) -> StressRun:
    """Run a stress test (or one shard of it) and write results.json, table.md and wer_vs_snr.png.

    ``config``: a :class:`StressConfig` or a path to its YAML. ``inputs``: from :func:`make_input`
    (default: the config's ``inputs``). ``workers``: processes, each loading each model once.
    ``shard_of=(i, n)``: run only every n-th cell from i; the report then covers every cell found
    in ``output_dir/cells``, from this shard or any other, and counts the missing ones. ``hook`` gets the
    cells' progress (none by default). ``engine="ray"`` runs the cells on ``workers`` Ray actors (of the
    cluster at ``address``, or a private local one); the results are the local engine's.
    """
    config = config if isinstance(config, StressConfig) else load_config(config)
    if workers < 1:
        raise StressConfigError(f"workers must be at least 1, got {workers}")
    if engine not in ENGINES:
        raise StressConfigError(f"--engine {engine}: not an engine (engines: {', '.join(ENGINES)})")
    if engine == "ray":
        require_ray()
    output_dir = Path(output_dir)
    items = resolve_inputs(config, inputs)
    cells = plan(config, items)
    mine = shard(cells, *shard_of) if shard_of else cells
    pending = [c for c in mine if load_cell(output_dir, c.key) is None]
    if pending:
        workers = min(workers, len(pending))
        threads = share_of_cores(workers)
        if engine == "ray":
            from speechkit.stress.ray_cells import run_cells_on_ray

            run_cells_on_ray(pending, output_dir.resolve(), workers, threads, address, hook)
        else:
            _execute(pending, output_dir, workers, threads, hook)
    results = [r for r in (load_cell(output_dir, c.key) for c in cells) if r is not None]
    run = StressRun(cells=mine, total=len(cells), ran=len(pending), cached=len(mine) - len(pending), missing=len(cells) - len(results))
    if report and results:
        described = [{"name": i.name, "audio": i.audio, "channel": i.channel, "sha256": i.sha256,
                      "reference": i.reference} for i in items]
        run.summary = summarize(results)
        run.paths = write_report(output_dir, config, described, results, run.summary, run.missing)
    return run
