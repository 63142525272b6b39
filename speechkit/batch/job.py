"""One input of a batch: its pipeline run, and what a summary says about it (never an exception)."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from speechkit.errors import SpeechkitError
from speechkit.pipeline.config import PipelineConfig
from speechkit.pipeline.runner import Executor, Runner


@dataclass
class InputResult:
    """``status``: ``done`` (some stage ran), ``skipped`` (everything was up to date) or ``failed``."""

    input: str
    status: str
    wall_time: float
    audio_seconds: float | None = None
    ran: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    error: str | None = None
    load_time: float | None = None
    """Seconds of ``wall_time`` spent loading models: the worker's first input pays it, later ones not."""

    @property
    def real_time_factor(self) -> float | None:
        """Wall time over audio time, for inputs whose stages ran."""
        if self.status != "done" or not self.audio_seconds:
            return None
        return round(self.wall_time / self.audio_seconds, 4)

    @property
    def processing_rtf(self) -> float | None:
        """Wall time less model loading over audio time: what every input costs once the models are loaded."""
        if self.status != "done" or not self.audio_seconds:
            return None
        return round(max(0.0, self.wall_time - (self.load_time or 0.0)) / self.audio_seconds, 4)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "real_time_factor": self.real_time_factor, "rtf_processing": self.processing_rtf}


def run_input(config: PipelineConfig, source: str, output_dir: Path, execute: Executor | None = None) -> InputResult:
    """Run ``config``'s stages on ``source``; a failure is recorded in the result so the batch goes on."""
    t0 = time.perf_counter()
    try:
        jobs = Runner(config, output_dir, None, None, source, execute=execute, quiet=True).run()
    except SpeechkitError as exc:
        return InputResult(source, "failed", _since(t0), error=str(exc))
    except Exception as exc:  # noqa: BLE001 - one input's surprise must not cost the others their work
        return InputResult(source, "failed", _since(t0), error=f"unexpected {type(exc).__name__}: {exc}")
    ran = sorted({stage for job in jobs for stage in job.ran})
    seconds = sum(job.document.audio.duration for job in jobs if job.document.audio and job.document.audio.duration)
    outputs = [str(p) for job in jobs for p in (job.reports or job.documents.values())]
    loading = round(sum(job.load_time for job in jobs), 3)
    return InputResult(source, "done" if ran else "skipped", _since(t0), seconds or None, ran, outputs, load_time=loading)


def _since(t0: float) -> float:
    return round(time.perf_counter() - t0, 3)
