"""One application of a backend to one document: its progress hook, its audio, and what it records.

The backend object holds only its options (and, through the model cache, its model); everything a
run learns (the model path, drawn parameters, caveats) goes into its :class:`Run`, which becomes
the document's provenance record, so one backend can process many documents, even at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from speechkit.media.samples import AudioStore, document_audio
from speechkit.schema import Document

Hook = Callable[[str, float, "float | None"], None]
"""``hook(step, completed, total)``: progress of a named step (``total`` None when unknown), as pyannote's hooks."""


@dataclass
class Run:
    hook: Hook | None = None
    audio: AudioStore = field(default_factory=AudioStore)
    """Decoded audio; a pipeline passes one store to all its stages so the input is decoded once."""
    model: str | None = None
    """The model actually used, when the backend chose it (e.g. align's default from the transcript)."""
    model_path: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    """What the run drew or derived, recorded beside the resolved options."""
    notes: list[str] = field(default_factory=list)
    load_time: float = 0.0
    """Seconds this run spent loading models (0 when the cache had them), summed over every model it loaded."""

    def progress(self, step: str, completed: float, total: float | None = None) -> None:
        if self.hook is not None:
            self.hook(step, completed, total)

    def samples(self, doc: Document, what: str = "process") -> np.ndarray:
        """The document's 16 kHz mono samples (its selected channel), decoded once per store."""
        return self.audio.samples(document_audio(doc, what))

    def blocks(self, doc: Document, seconds: float, what: str = "process") -> Iterator[np.ndarray]:
        return self.audio.blocks(document_audio(doc, what), seconds)
