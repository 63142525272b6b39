"""The Ray engine: one pool of actors per stage, each actor loading its stage's model once.

Inputs are driven from this process, one thread per input in flight, through the same
:class:`~speechkit.pipeline.runner.Runner` as ``speechkit run`` (so manifests, skipping and documents
are identical); each stage call goes to a free actor of that stage's pool with the document (small)
and the stage's options, and the actor reads the audio itself from shared storage. A worker killed
mid-call is restarted by Ray and the call retried. An interrupt (Ctrl-C) cancels the inputs not yet
started and kills the actors, so the calls in flight end at once rather than when their stage finishes;
documents are written atomically, so a rerun finds each input either finished (and skips it) or not begun.
"""

from __future__ import annotations

import os
import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from speechkit.batch.job import InputResult, run_input
from speechkit.batch.tracker import Tracker
from speechkit.runtime.cluster import actor_options, connect
from speechkit.inputs.urls import is_url
from speechkit.errors import SpeechkitError
from speechkit.pipeline.config import PipelineConfig, StageSpec
from speechkit.schema import Document


class StageFailed(SpeechkitError):
    """A stage's error on a Ray worker, carried back as its one-line message."""


class Stopped(SpeechkitError):
    """The batch was interrupted: this pool's actors are gone and it takes no more calls."""


class StageWorker:
    """A Ray actor for one stage: its backends' models stay in this process's model cache."""

    def __init__(self, threads: int) -> None:
        from speechkit.runtime.threads import set_process_threads

        set_process_threads(threads)

    def apply(self, stage: str, backend: str, options: dict[str, Any], doc: Document) -> tuple[bool, Any]:
        """``(True, document)``, or ``(False, message)`` for an error (so Ray does not retry a bad input)."""
        from speechkit.registry import load_backend

        try:
            return True, load_backend(stage, backend)(**options)(doc)
        except SpeechkitError as exc:
            return False, str(exc)
        except Exception as exc:  # noqa: BLE001 - reported for this input; the actor serves the next one
            return False, f"unexpected {type(exc).__name__}: {exc}"

    def pid(self) -> int:
        return os.getpid()


class StagePool:
    """``size`` actors of one stage, started at its first call; each call takes a free one."""

    def __init__(self, ray: Any, stage: str, size: int, threads: int, cpus: float, gpus: float) -> None:
        self.ray, self.stage, self.size, self.threads = ray, stage, size, threads
        self.options = actor_options(cpus, gpus)
        self.idle: queue.Queue[Any] = queue.Queue()
        self.lock = threading.RLock()  # _take starts actors with _new while holding it
        self.started = False
        self.actors: list[Any] = []
        self.stopped = threading.Event()

    def apply(self, spec: StageSpec, options: dict[str, Any], doc: Document) -> Document:
        actor = self._take()
        try:
            ok, value = self.ray.get(actor.apply.remote(spec.stage, spec.backend, options, doc))
        except self.ray.exceptions.RayActorError:
            if self.stopped.is_set():
                raise Stopped(f"{spec.stage}: interrupted") from None
            with self.lock:
                if actor in self.actors:
                    self.actors.remove(actor)
            actor = self._new()  # restarts and retries ran out: this input fails, the pool gets a fresh actor
            raise StageFailed(f"{spec.stage}: its Ray worker died repeatedly on this input (out of memory?)") from None
        finally:
            self.idle.put(actor)
        if not ok:
            raise StageFailed(value)
        return value

    def stop(self) -> None:
        """Kill every actor (a call in flight fails at once, Ray restarting nothing) and take no more calls."""
        with self.lock:
            self.stopped.set()
            actors, self.actors = self.actors, []
        for actor in actors:
            try:
                self.ray.kill(actor, no_restart=True)
            except Exception:  # noqa: BLE001 - already dead, or the cluster is going: nothing left to stop
                pass

    def _take(self) -> Any:
        with self.lock:
            if not self.started:
                for _ in range(self.size):
                    self.idle.put(self._new())
                self.started = True
        while not self.stopped.is_set():
            try:
                return self.idle.get(timeout=0.2)
            except queue.Empty:
                continue
        raise Stopped("interrupted")

    def _new(self) -> Any:
        with self.lock:
            if self.stopped.is_set():
                raise Stopped("interrupted")
            actor = self.ray.remote(**self.options)(StageWorker).remote(self.threads)
            self.actors.append(actor)
        return actor


def run_ray(config: PipelineConfig, sources: list[str], output_dir: Path, workers: int, threads: int | None,
            gpus: float, address: str | None, tracker: Tracker) -> list[InputResult]:
    """``workers`` actors per stage; a worker's stage actors share one CPU (and ``gpus``), as its
    stages of one input run one after another."""
    ray = connect(address)
    stages = {spec.stage for spec in config.stages} | ({"download"} if any(is_url(s) for s in sources) else set())
    share = 1 / len(stages)
    pools = {stage: StagePool(ray, stage, workers, threads or 1, share, gpus * share) for stage in stages}

    def execute(spec: StageSpec, options: dict[str, Any], doc: Document) -> Document:
        return pools[spec.stage].apply(spec, options, doc)

    def one(source: str) -> InputResult:
        tracker.started()
        result = run_input(config, source, output_dir, execute)
        if not stopping.is_set():
            tracker.finished(result)
        return result

    stopping = threading.Event()
    driver = ThreadPoolExecutor(max(1, workers * len(stages)))
    try:
        futures = [driver.submit(one, source) for source in sources]
        results = [future.result() for future in futures]
    except BaseException:  # Ctrl-C (or SIGTERM): no input waits for its running stage to finish
        stopping.set()
        driver.shutdown(wait=False, cancel_futures=True)
        for pool in pools.values():
            pool.stop()
        raise
    driver.shutdown()
    return results
