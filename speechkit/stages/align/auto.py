"""``auto``: WhisperX CTC alignment when a CTC model for the language is on disk, else Whisper's own.

The choice and its reason are written into the chosen backend's provenance.
"""

from __future__ import annotations

from typing import Any

from speechkit.schema import Document
from speechkit.stages.align.ctc import resolve_ctc
from speechkit.stages.align.whisper import WhisperAligner
from speechkit.stages.align.whisperx import WhisperXAligner
from speechkit.stages.base import Backend


class AutoAligner(Backend):
    stage = "align"
    name = "auto"

    def __init__(self, model: str | None = None, whisper_model: str | None = None, **options: Any) -> None:
        super().__init__(model=model, whisper_model=whisper_model, **options)

    def choose(self, doc: Document) -> Backend:
        options = {k: v for k, v in self.options.items() if k != "whisper_model"}
        ctc, reason = resolve_ctc(doc.language, self.model)
        chosen: Backend = (WhisperXAligner(model=ctc, **options) if ctc
                           else WhisperAligner(model=self.options.get("whisper_model"), **options))
        chosen.parameters["selected_by"] = "auto"
        chosen.notes.append(f"auto chose {chosen.name}: {reason}")
        return chosen

    def __call__(self, doc: Document) -> Document:
        """Run the chosen backend, so the provenance names it (with auto's reason in its notes)."""
        return self.choose(doc)(doc)

    def process(self, doc: Document) -> Document:
        return self.choose(doc).process(doc)
