"""Running a config's stages on one input: each stage's document saved, finished stages skipped.

A stage reruns when its document is missing or its fingerprint (its settings and all upstream
settings and the input) changed; ``start``/``stop`` (``--from``/``--to``) pick a range, and stages
from ``start`` on always rerun. Killing a run loses at most the stage in progress.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from speechkit.media.audio import sha256
from speechkit.inputs.urls import entries, is_url, url_key
from speechkit.errors import SpeechkitError
from speechkit.inputs.documents import load_input
from speechkit.io import atomic_write_text, guard_output
from speechkit.naming import base_name
from speechkit.pipeline.config import PipelineConfig, StageSpec
from speechkit.pipeline.manifest import Manifest
from speechkit.pipeline.sample import default_input
from speechkit.progress import stderr
from speechkit.registry import load_backend
from speechkit.report import write_report
from speechkit.media.samples import AudioStore
from speechkit.schema import Document, Provenance
from speechkit.speakers.names import apply_names
from speechkit.stages.base import Backend
from speechkit.stages.run import Hook


Executor = Callable[[StageSpec, dict[str, Any], Document], Document]
"""``execute(spec, options, doc)`` applies one stage somewhere else (``speechkit batch --engine ray``
sends it to a Ray actor holding the stage's model); by default stages run in this process."""


class PipelineError(SpeechkitError):
    """A run that cannot go on: a bad stage range, or a missing document from an earlier run."""


@dataclass
class JobResult:
    """One input's run (a playlist gives one per item)."""

    name: str
    document: Document
    documents: dict[str, Path] = field(default_factory=dict)
    reports: list[Path] = field(default_factory=list)
    ran: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    load_time: float = 0.0
    """Seconds the stages that ran spent loading models (0 where the process had them loaded)."""

    @property
    def final(self) -> Path | None:
        """The document of the last stage run (or reused)."""
        return list(self.documents.values())[-1] if self.documents else None


def run_name(source: str) -> str:
    """Output file prefix: a file's stem, or a URL's last path part plus a hash of the whole URL."""
    if not is_url(source):
        return base_name(source) or "input"
    last = source.rstrip("/").rsplit("/", 1)[-1].split("?")[0].split(".")[0]
    return f"{re.sub(r'[^A-Za-z0-9_-]+', '_', last)[:40] or 'url'}-{url_key(source)}"


def _select(stages: list[StageSpec], start: str | None, stop: str | None) -> tuple[int, int]:
    names = [s.stage for s in stages]
    for flag, stage in (("--from", start), ("--to", stop)):
        if stage is not None and stage not in names:
            raise PipelineError(f"{flag} {stage}: not a stage of this run (stages: {', '.join(names)})")
    first = names.index(start) if start else 0
    last = names.index(stop) if stop else len(names) - 1
    if first > last:
        raise PipelineError(f"--from {start} comes after --to {stop}")
    return first, last


class Runner:
    def __init__(self, config: PipelineConfig, output_dir: Path, start: str | None, stop: str | None,
                 source: str, hook: Hook | None = None, execute: Executor | None = None,
                 quiet: bool = False) -> None:
        self.config = config
        self.hook = hook
        self.execute = execute
        self.quiet = quiet
        self._backends: dict[str, Backend] = {}
        self.out = output_dir
        self.source = source
        url = is_url(source)
        stages = [s for s in config.stages if url or s.stage != "download"]
        if url and (not stages or stages[0].stage != "download"):
            stages.insert(0, StageSpec(stage="download"))
        if not stages:
            raise PipelineError(f"{source}: nothing to run: the config only downloads, and this is not a URL")
        self.stages = stages
        self.first, self.last = _select(stages, start, stop)
        self.forced_from = self.first if start else len(stages)
        self.name = run_name(source)
        self.manifest = Manifest(output_dir / f"{self.name}.run.json")

    def path(self, job: str, stage: str) -> Path:
        return self.out / f"{job}.{stage}.json"

    def inputs(self) -> tuple[list[tuple[str, Document]], str, int]:
        """The documents the stages start from, the upstream fingerprint, and the first stage index."""
        if is_url(self.source):
            return self.download(), self.stages[0].fingerprint(self.source), 1
        path = Path(self.source)
        return [(self.name, load_input(path))], sha256(path), 0

    def download(self) -> list[tuple[str, Document]]:
        """Download each item (or reuse earlier downloads); a playlist gives one job per item."""
        spec = self.stages[0]
        fingerprint = spec.fingerprint(self.source)
        saved = self.manifest.data.get("entries") or []
        fresh = all(self.manifest.fresh(j, "download", fingerprint, self.path(j, "download")) for j in saved)
        if self.first > 0 or (saved and fresh and self.forced_from > 0):
            if not saved or not all(self.path(j, "download").is_file() for j in saved):
                raise PipelineError(f"--from {self.stages[self.first].stage}: {self.path(self.name, 'download')} "
                                    "is missing; run the download first")
            self.log("download", f"skipped: {len(saved)} item(s) downloaded before")
            return [(j, Document.load(self.path(j, "download"))) for j in saved]
        found = entries(self.backend(spec), self.source)
        names = [self.name] if len(found) == 1 else [f"{self.name}-{i:02d}" for i in range(1, len(found) + 1)]
        out = [(job, self.run_stage(job, spec, entry, fingerprint, AudioStore())) for job, entry in zip(names, found)]
        self.manifest.set("entries", names)
        return out

    def options(self, spec: StageSpec) -> dict[str, Any]:
        """The config's options; downloads go to ``<out>/media`` unless the config says otherwise."""
        return {"output_dir": str(self.out / "media"), **spec.options} if spec.stage == "download" else spec.options

    def backend(self, spec: StageSpec) -> Backend:
        """One backend object per stage, applied to every job (its model loads once, from the shared cache)."""
        if spec.stage not in self._backends:
            self._backends[spec.stage] = load_backend(spec.stage, spec.backend)(**self.options(spec))
        return self._backends[spec.stage]

    def fingerprint(self, spec: StageSpec, upstream: str) -> str:
        """The stage's fingerprint; the config's speaker names count as settings of the diarize stage."""
        names = self.config.speaker_names if spec.stage == "diarize" else {}
        return spec.fingerprint(f"{upstream}\n{json.dumps(names, sort_keys=True)}" if names else upstream)

    def run_stage(self, job: str, spec: StageSpec, doc: Document, fingerprint: str, audio: AudioStore) -> Document:
        t0 = time.perf_counter()
        self.log(spec.stage, f"running {spec.backend} on {job}")
        target = guard_output(self.path(job, spec.stage), [self.source])
        if self.execute is not None:
            doc = self.execute(spec, self.options(spec), doc)
        else:
            doc = self.backend(spec)(doc, hook=self.hook, audio=audio)
        if spec.stage == "diarize" and self.config.speaker_names:  # an unknown id fails here, as diarize --speaker-names
            doc = apply_names(doc, self.config.speaker_names)
        atomic_write_text(target, doc.to_json() + "\n")
        self.manifest.record(job, spec.stage, fingerprint, target, spec.backend)
        self.log(spec.stage, f"done in {time.perf_counter() - t0:.1f} s{_timing(doc, spec.stage)} -> {target}")
        return doc

    def run_job(self, job: str, doc: Document, upstream: str, begin: int) -> JobResult:
        result = JobResult(name=job, document=doc)
        audio = AudioStore()  # the job's audio, decoded by the first stage that needs it, shared by the rest
        for index in range(begin, self.last + 1):
            spec = self.stages[index]
            fingerprint = self.fingerprint(spec, upstream)
            target = self.path(job, spec.stage)
            if index < self.first:
                if not target.is_file():
                    raise PipelineError(f"--from {self.stages[self.first].stage}: {target} is missing; "
                                        f"run the earlier stages first")
                doc = Document.load(target)
            elif index < self.forced_from and self.manifest.fresh(job, spec.stage, fingerprint, target):
                self.log(spec.stage, f"skipped: up to date ({target})")
                doc = Document.load(target)
                result.skipped.append(spec.stage)
            else:
                doc = self.run_stage(job, spec, doc, fingerprint, audio)
                result.ran.append(spec.stage)
                record = _record(doc, spec.stage)
                result.load_time += (record.load_time or 0.0) if record else 0.0
            result.documents[spec.stage] = target
            upstream = fingerprint
        result.document = doc
        formats = self.config.report.formats
        for fmt in formats:
            guard_output(self.out / f"{job}.{fmt}", [self.source])
        result.reports = write_report(doc, self.out, job, formats, self.config.report.embed_audio)
        return result

    def run(self) -> list[JobResult]:
        jobs, upstream, begin = self.inputs()  # a bad input fails here, before anything is written
        self.manifest.set("input", self.source)
        if begin == 1 and self.last == 0:
            return [JobResult(name=j, document=d, documents={"download": self.path(j, "download")}) for j, d in jobs]
        return [self.run_job(job, doc, upstream, begin) for job, doc in jobs]

    def log(self, stage: str, message: str) -> None:
        if not self.quiet:
            stderr.print(f"[bold]{stage}[/bold]: {message}", highlight=False, soft_wrap=True)


def _record(doc: Document, stage: str) -> Provenance | None:
    """The provenance record the stage just appended."""
    return doc.provenance[-1] if doc.provenance and doc.provenance[-1].stage == stage else None


def _timing(doc: Document, stage: str) -> str:
    """`` (RTF 0.19; 16.0 s loading the model, RTF 0.135 without it)`` for the stage's record, or less."""
    record = _record(doc, stage)
    if record is None or record.real_time_factor is None:
        return ""
    if not record.load_time:
        return f" (RTF {record.real_time_factor:.3g})"
    return (f" (RTF {record.real_time_factor:.3g}; {record.load_time:.1f} s loading the model, "
            f"RTF {record.processing_rtf:.3g} without it)")


@dataclass
class PipelineRun:
    jobs: list[JobResult] = field(default_factory=list)
    stress: Any = None
    """A :class:`speechkit.stress.StressRun` when the config has a stress section."""

    def outputs(self) -> list[Path]:
        """The files a person opens: each job's report (or its documents), then the stress report."""
        paths = [p for job in self.jobs for p in (job.reports or job.documents.values())]
        return paths + (list(self.stress.paths.values()) if self.stress is not None else [])


def run_pipeline(config: PipelineConfig, input: str | Path | None = None, output_dir: str | Path = ".",
                 start: str | None = None, stop: str | None = None, hook: Hook | None = None) -> PipelineRun:
    """Run ``config`` on a file, document or URL (default: pyannote's sample call); one job per item.

    A ``stress`` section then hands the input (or, with stages, the final document, whose transcript
    is the reference unless the section gives one) to :func:`speechkit.stress.run_stress`. ``hook`` gets
    every stage's progress (none by default).
    """
    source = str(input) if input is not None else str(default_input())
    run = PipelineRun()
    if config.stages:
        run.jobs = Runner(config, Path(output_dir), start, stop, source, hook).run()
    if config.stress is not None:
        from speechkit.pipeline.stress import run_stress_section

        finals = [job.final for job in run.jobs if job.final is not None]
        run.stress = run_stress_section(config.stress, None if input is None else str(input), finals, Path(output_dir),
                                        hook)
    return run
