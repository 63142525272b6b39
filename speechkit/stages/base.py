"""The one small interface every backend implements: a document in, a new document out.

A backend only does its stage's work in :meth:`Backend.process`; timing, library versions
and the provenance record are added here, once, for all of them.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from typing import Any, ClassVar

from speechkit import __version__
from speechkit.schema import Document, Provenance


def library_versions(names: tuple[str, ...]) -> dict[str, str]:
    found = {"speechkit": __version__}
    for name in names:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            continue
    return found


class Backend(ABC):
    """Subclass, set ``stage``/``name``/``libraries``, implement :meth:`process`.

    Options arrive as keyword arguments and are recorded as the provenance's parameters.
    A backend that knows more after running (the model path, drawn random parameters,
    a caveat such as random weights) sets ``model_path``, ``parameters`` or ``notes``.
    """

    stage: ClassVar[str]
    name: ClassVar[str]
    libraries: ClassVar[tuple[str, ...]] = ()

    def __init__(self, model: str | None = None, **options: Any) -> None:
        self.model = model
        self.options = options
        self.model_path: str | None = None
        self.parameters: dict[str, Any] = {k: v for k, v in options.items() if v is not None}
        self.notes: list[str] = []

    @abstractmethod
    def process(self, doc: Document) -> Document:
        """Return a new document with this stage's output; never mutate ``doc``."""

    def __call__(self, doc: Document) -> Document:
        started = datetime.now(timezone.utc).isoformat(timespec="seconds")
        t0 = time.perf_counter()
        out = self.process(doc.model_copy(deep=True))
        wall = time.perf_counter() - t0
        duration = out.audio.duration if out.audio else None
        out.provenance.append(
            Provenance(
                stage=self.stage,
                backend=self.name,
                model=self.model,
                model_path=self.model_path,
                parameters=_jsonable(self.parameters),
                versions=library_versions(self.libraries),
                started_at=started,
                wall_time=round(wall, 4),
                real_time_factor=round(wall / duration, 4) if duration else None,
                notes=list(self.notes),
            )
        )
        return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if hasattr(value, "item"):
        return value.item()
    return str(value)
