"""``run_batch``: inputs checked and named, the engine chosen, the summary written."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from speechkit.batch.job import InputResult
from speechkit.batch.summary import write_summary
from speechkit.batch.tracker import Report, Tracker
from speechkit.runtime.cluster import ENGINES, require_ray
from speechkit.inputs.urls import is_url
from speechkit.errors import SpeechkitError
from speechkit.pipeline.config import PipelineConfig
from speechkit.registry import load_backend
from speechkit.inputs.expand import refuse_shared_names


class BatchError(SpeechkitError):
    """A batch that cannot start: an unknown engine, a config without stages, a bad worker count."""


@dataclass
class BatchRun:
    results: list[InputResult]
    paths: dict[str, Path] = field(default_factory=dict)

    @property
    def failed(self) -> list[InputResult]:
        return [r for r in self.results if r.status == "failed"]


def run_batch(config: PipelineConfig, inputs: Sequence[str], output_dir: str | Path = "speechkit-out",
              engine: str = "local", workers: int = 1, threads: int | None = None, device: str = "cpu",
              address: str | None = None, report: Report | None = None) -> BatchRun:
    """Run ``config``'s stages on every input (files or URLs, already expanded) into ``output_dir``.

    Inputs whose documents are up to date are skipped; a failing input is recorded and the others go
    on. ``engine``: ``local`` (``workers`` processes here) or ``ray`` (``workers`` actors per stage on
    the cluster at ``address``, or a private local one). ``device="cuda"`` puts GPU-capable stages on
    the GPU and, on Ray, asks for one GPU per worker. ``report`` gets the counts as inputs start and end.
    """
    _check(config, engine, workers, device)
    out = Path(output_dir).resolve()
    sources = [s if is_url(s) else str(Path(s).resolve()) for s in inputs]
    refuse_shared_names(sources, out)
    out.mkdir(parents=True, exist_ok=True)
    config = on_device(config, device)
    tracker, t0 = Tracker(len(sources), report), time.perf_counter()
    if engine == "ray":
        from speechkit.batch.ray_engine import run_ray

        results = run_ray(config, sources, out, workers, threads, float(device == "cuda"), address, tracker)
    else:
        from speechkit.batch.local import run_local

        results = run_local(config, sources, out, workers, threads, tracker)
    return BatchRun(results, write_summary(out, engine, workers, results, time.perf_counter() - t0))


def _check(config: PipelineConfig, engine: str, workers: int, device: str) -> None:
    if engine not in ENGINES:
        raise BatchError(f"--engine {engine}: not an engine (engines: {', '.join(ENGINES)})")
    if engine == "ray":
        require_ray()
    if workers < 1:
        raise BatchError(f"--workers must be at least 1, got {workers}")
    if device not in ("cpu", "cuda"):
        raise BatchError(f"--device {device}: expected cpu or cuda")
    if not config.stages:
        raise BatchError("the config has no stages to run (a stress-only config runs with speechkit stress --engine ray)")
    if config.stress is not None:
        raise BatchError("the config has a stress section; batch runs only stages (use speechkit stress --engine ray)")


def on_device(config: PipelineConfig, device: str) -> PipelineConfig:
    """``device`` set on every stage whose backend takes one and whose config does not choose it."""
    if device == "cpu":
        return config
    stages = [spec.model_copy(update={"options": {"device": device, **spec.options}})
              if "device" in load_backend(spec.stage, spec.backend).Options.model_fields else spec
              for spec in config.stages]
    return config.model_copy(update={"stages": stages})
