"""The local engine: inputs in worker processes on this machine, each keeping its models loaded.

One worker runs in this process; more are spawned processes (no forked model-library state), each
with its share of the cores. A worker that dies (killed, out of memory) fails the inputs it had not
finished; a rerun of the batch picks them up. An interrupt (Ctrl-C) ends the workers at once, the
inputs they were on unwritten, so a rerun skips the finished inputs and does the rest.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from speechkit.batch.job import InputResult, run_input
from speechkit.batch.tracker import Tracker
from speechkit.pipeline.config import PipelineConfig
from speechkit.runtime.threads import chosen_threads, share_of_cores
from speechkit.runtime.workers import end_workers, init_worker


def run_local(config: PipelineConfig, sources: list[str], output_dir: Path, workers: int, threads: int | None,
              tracker: Tracker) -> list[InputResult]:
    workers = max(1, min(workers, len(sources)))
    threads = threads or share_of_cores(workers)
    if workers == 1:
        return [_here(config, source, output_dir, threads, tracker) for source in sources]
    context = multiprocessing.get_context("spawn")
    results: dict[str, InputResult] = {}
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=init_worker, initargs=(threads, os.getpid()))
    try:
        futures: dict[Future[InputResult], str] = {pool.submit(run_input, config, s, output_dir): s for s in sources}
        tracker.running(workers)
        for future in as_completed(futures):
            results[futures[future]] = _outcome(future, futures[future])
            tracker.finished(results[futures[future]])
            tracker.running(min(workers, len(sources) - len(results)))
    except BaseException:  # Ctrl-C (or SIGTERM): stop now, not when the inputs being worked on are done
        end_workers(pool)  # documents are written atomically: an input cut short leaves none
        raise
    pool.shutdown()
    return [results[s] for s in sources]


def _here(config: PipelineConfig, source: str, output_dir: Path, threads: int, tracker: Tracker) -> InputResult:
    from threadpoolctl import threadpool_limits

    tracker.started()
    with chosen_threads(threads), threadpool_limits(threads):
        result = run_input(config, source, output_dir)
    tracker.finished(result)
    return result


def _outcome(future: Future[InputResult], source: str) -> InputResult:
    try:
        return future.result()
    except BrokenProcessPool:
        return InputResult(source, "failed", 0.0, error="its worker process died (killed or out of memory); "
                                                        "rerun the batch to resume")
