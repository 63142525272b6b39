"""The one interface every backend implements: typed options, a model loaded once, a document in and out.

A backend declares its options as a pydantic model (``Options``), validated before anything loads;
it loads its model in :meth:`Backend.load` (kept in the process-wide cache, so many documents and
many backend instances share it) and does its stage's work in :meth:`Backend.process`, writing what
it learns into the :class:`~speechkit.stages.run.Run`. Timing (the wall time, and the part of it spent
loading a model not yet in the cache), library versions and the provenance record (with the resolved
option values) are added here, once, for all of them.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Mapping
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from speechkit import __version__
from speechkit.errors import OptionsError
from speechkit.jsonable import jsonable
from speechkit.models import cache
from speechkit.media.samples import AudioStore
from speechkit.runtime.threads import MAX_THREADS, torch_threads
from speechkit.schema import Document, Provenance
from speechkit.stages.run import Hook, Run
from speechkit.validation import first_error


def library_versions(names: tuple[str, ...]) -> dict[str, str]:
    found = {"speechkit": __version__}
    for name in names:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            continue
    return found


class BackendOptions(BaseModel):
    """Base of every backend's options: unknown keys are errors, values are fixed once parsed."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ThreadOptions(BackendOptions):
    """A backend that runs a model on the CPU: its thread count, else the process's default
    (``--threads`` on run/batch, else :func:`speechkit.runtime.threads.default_threads`)."""

    threads: int | None = Field(None, ge=1, le=MAX_THREADS, description="CPU threads (default: speechkit's thread policy)")


def parse_options(options: type[BackendOptions], values: Mapping[str, Any], what: str) -> BackendOptions:
    """``values`` as ``options``; None means "the default". A bad key or type is one line naming it
    and the allowed options."""
    try:
        return options.model_validate({k: v for k, v in values.items() if v is not None})
    except ValidationError as exc:
        where, message = first_error(exc, options.model_fields)
        raise OptionsError(f"{what}: option {where!r}: {message}" if where else f"{what}: {message}") from None


class Backend(ABC):
    """Subclass, set ``stage``/``name``/``libraries``, declare ``Options``, implement :meth:`process`
    (and :meth:`load` when there is a model)."""

    stage: ClassVar[str]
    name: ClassVar[str]
    libraries: ClassVar[tuple[str, ...]] = ()
    Options: ClassVar[type[BackendOptions]] = BackendOptions
    load_fields: ClassVar[tuple[str, ...]] = ()
    """The options the loaded model depends on: backends that agree on these share one model."""
    uses_torch: ClassVar[bool] = False
    """Runs torch on the CPU: :meth:`apply` then sets torch's threads to the ``threads`` option or the default."""

    def __init__(self, **options: Any) -> None:
        self.options = parse_options(type(self).Options, options, f"{self.stage} backend {self.name}")

    @property
    def model(self) -> str | None:
        """The model named in the provenance."""
        return getattr(self.options, "model", None)

    def load(self, *args: Any) -> cache.Loaded:
        """Load the model (for ``args``, when it depends on the document too); called once per process and key."""
        raise NotImplementedError(f"{self.stage} backend {self.name} has no model to load")

    def loaded_model(self, run: Run, *args: Any) -> Any:
        """The model for these options (and ``args``) from the process-wide cache; its path and notes go to ``run``.

        A load is reported with ``total`` None (its length is unknown: a bar shows it loading, with the
        elapsed time, not a percentage), then as ``(1, 1)`` once done."""
        key = (type(self).__module__, type(self).__qualname__,
               tuple((k, repr(getattr(self.options, k))) for k in self.load_fields), args)
        step = f"load {self.stage} {run.model or self.model or self.name}"
        fresh = not cache.is_loaded(key)
        if fresh:
            run.progress(step, 0, None)
        loading = 0.0

        def build() -> cache.Loaded:  # runs only when this call loads the model (not when another had)
            nonlocal loading
            t0 = time.perf_counter()
            try:
                return self.load(*args)
            finally:
                loading = time.perf_counter() - t0

        loaded = cache.get(key, build)
        run.load_time += loading
        if fresh:
            run.progress(step, 1, 1)
        run.model_path = loaded.path
        run.notes.extend(n for n in loaded.notes if n not in run.notes)
        run.parameters.update(loaded.parameters)
        return loaded.value

    def preload(self, hook: Hook | None = None) -> None:
        """Load the model into the cache now, e.g. so a benchmark times loading apart from processing."""
        self.loaded_model(Run(hook=hook))

    @abstractmethod
    def process(self, doc: Document, run: Run) -> Document:
        """Return a new document with this stage's output; never mutate ``doc``."""

    def record(self, run: Run) -> dict[str, Any]:
        """The parameters the provenance records: the resolved options, then what the run added."""
        resolved = self.options.model_dump(exclude={"model"}, exclude_none=True)
        return jsonable({**resolved, **run.parameters})

    def __call__(self, doc: Document, hook: Hook | None = None, audio: AudioStore | None = None) -> Document:
        """Process ``doc`` and append this run's provenance; ``hook`` gets progress, ``audio`` shares decoded audio."""
        return self.apply(doc, Run(hook=hook, audio=audio if audio is not None else AudioStore()))

    def apply(self, doc: Document, run: Run) -> Document:
        """:meth:`process` a copy of ``doc``, timed, with ``run`` appended as its provenance record."""
        started = datetime.now(timezone.utc).isoformat(timespec="seconds")
        t0 = time.perf_counter()
        with self.cpu_threads():
            out = self.process(doc.model_copy(deep=True), run)
        wall = time.perf_counter() - t0
        duration = out.audio.duration if out.audio else None
        out.provenance.append(self.provenance(run, started, wall, duration))
        return out

    def cpu_threads(self) -> AbstractContextManager[None]:
        """Torch's thread count while this backend works (the caller's is given back after)."""
        return torch_threads(getattr(self.options, "threads", None)) if self.uses_torch else nullcontext()

    def provenance(self, run: Run, started: str, wall: float, duration: float | None) -> Provenance:
        return Provenance(
            stage=self.stage,
            backend=self.name,
            model=run.model or self.model,
            model_path=run.model_path,
            parameters=self.record(run),
            versions=library_versions(self.libraries),
            started_at=started,
            wall_time=round(wall, 4),
            real_time_factor=round(wall / duration, 4) if duration else None,
            load_time=round(min(run.load_time, wall), 4),
            notes=list(run.notes),
        )
