"""``auto``: WhisperX CTC alignment when a CTC model for the language is on disk, else Whisper's own.

The choice and its reason are written into the chosen backend's provenance.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from speechkit.models.ctc import resolve_ctc
from speechkit.schema import Document
from speechkit.stages.align.whisper import WhisperAligner
from speechkit.stages.align.whisperx import WhisperXAligner
from speechkit.stages.base import Backend
from speechkit.stages.run import Run


class AutoAligner(Backend):
    stage = "align"
    name = "auto"

    class Options(WhisperAligner.Options, WhisperXAligner.Options):
        whisper_model: str | None = Field(None, description="Whisper model for the fallback (default: the transcribing model)")

    def choose(self, doc: Document, run: Run) -> Backend:
        """The aligner for this document, its choice and reason written into ``run``."""
        ctc, reason = resolve_ctc(doc.language, self.options.model)
        chosen: Backend = (self._make(WhisperXAligner, model=ctc) if ctc
                           else self._make(WhisperAligner, model=self.options.whisper_model))
        run.parameters["selected_by"] = "auto"
        run.notes.append(f"auto chose {chosen.name}: {reason}")
        return chosen

    def _make(self, backend: type[Backend], **options: Any) -> Backend:
        shared = self.options.model_dump(include=set(backend.Options.model_fields), exclude={"model"},
                                         exclude_unset=True)
        return backend(**shared, **options)

    def apply(self, doc: Document, run: Run) -> Document:
        """Run the chosen backend, so the provenance names it (with auto's reason in its notes)."""
        return self.choose(doc, run).apply(doc, run)

    def process(self, doc: Document, run: Run) -> Document:
        return self.choose(doc, run).process(doc, run)
