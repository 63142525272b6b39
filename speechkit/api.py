"""The Python API: one call per stage, or a stage loaded once and applied to many documents.

::

    import speechkit

    doc = speechkit.transcribe("talk.mp3", model="base", language="en")
    doc = speechkit.diarize(doc, num_speakers=2)
    doc.save("talk.json")

    stage = speechkit.load("transcribe", model="tiny.en")   # the model loads once
    docs = [stage(speechkit.read(path)) for path in paths]

Options are each backend's (``speechkit.load(...).options`` shows them) and are checked before
anything loads. Calls are silent; pass ``hook=`` (``hook(step, completed, total)``) for progress.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from speechkit.inputs.documents import load_input
from speechkit.registry import load_backend
from speechkit.schema import Document
from speechkit.stages.base import Backend
from speechkit.stages.run import Hook

Input = str | Path | Document
"""An audio/video file, a saved document (.json), or a document in memory."""


def read(source: Input, channel: str | None = None) -> Document:
    """A document for ``source``: a document as it is, or a file read as ``load_input`` reads it."""
    if isinstance(source, Document):
        return source
    return load_input(source, channel)


def load(stage: str, backend: str | None = None, **options: Any) -> Backend:
    """A reusable stage: ``load("transcribe", model="base")(doc)``; its model loads on first use, once per process."""
    name = backend or importlib.import_module(f"speechkit.stages.{stage}").DEFAULT
    return load_backend(stage, name)(**options)


def _apply(stage: str, source: Input, backend: str | None, hook: Hook | None, channel: str | None,
           options: dict[str, Any]) -> Document:
    runner = load(stage, backend, **options)  # options are checked before the input is read
    return runner(read(source, channel), hook=hook)


def transcribe(audio: Input, model: str | None = None, *, backend: str | None = None, hook: Hook | None = None,
               channel: str | None = None, **options: Any) -> Document:
    """Timed transcript of ``audio`` (default model: the packaged tiny.en)."""
    return _apply("transcribe", audio, backend, hook, channel, {"model": model, **options})


def align(doc: Input, model: str | None = None, *, backend: str | None = None, hook: Hook | None = None,
          **options: Any) -> Document:
    """Word timings for a transcript."""
    return _apply("align", doc, backend, hook, None, {"model": model, **options})


def diarize(audio: Input, *, backend: str | None = None, hook: Hook | None = None, channel: str | None = None,
            **options: Any) -> Document:
    """Speaker turns, and a speaker for every word when ``audio`` is a transcript."""
    return _apply("diarize", audio, backend, hook, channel, options)


def summarize(doc: Input, model: str | None = None, *, backend: str | None = None, hook: Hook | None = None,
              **options: Any) -> Document:
    """Overall summary, key points per speaker and chapter summaries of a transcript."""
    return _apply("summarize", doc, backend, hook, None, {"model": model, **options})
