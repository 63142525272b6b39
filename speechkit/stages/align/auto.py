"""``auto``: WhisperX CTC alignment when a CTC model for the language is on disk; else, for English,
pocketsphinx; else Whisper's own.

pocketsphinx comes before Whisper's cross-attention for English because it measured more accurate
at turn boundaries (``benchmarks/word_timing.py``: median first-word start error 0.017 s against
0.168 s, last-word end 0.097 s against 0.183 s); naming ``--whisper-model`` asks for Whisper.
The choice and its reason are written into the chosen backend's provenance.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from speechkit.models.ctc import resolve_ctc
from speechkit.schema import Document
from speechkit.stages.align.pocketsphinx import LANGUAGES as POCKETSPHINX_LANGUAGES
from speechkit.stages.align.pocketsphinx import PocketsphinxAligner
from speechkit.stages.align.whisper import WhisperAligner
from speechkit.stages.align.whisperx import WhisperXAligner
from speechkit.stages.base import Backend
from speechkit.stages.run import Run


class AutoAligner(Backend):
    stage = "align"
    name = "auto"

    class Options(WhisperAligner.Options, WhisperXAligner.Options):
        whisper_model: str | None = Field(None, description="Whisper model for the fallback; set, it is used instead of pocketsphinx")

    def choose(self, doc: Document, run: Run) -> Backend:
        """The aligner for this document, its choice and reason written into ``run``."""
        ctc, reason = resolve_ctc(doc.language, self.options.model)
        if ctc:
            chosen: Backend = self._make(WhisperXAligner, model=ctc)
        elif (doc.language in POCKETSPHINX_LANGUAGES and self.options.whisper_model is None
              and self.options.device == "cpu" and _installed("pocketsphinx")):
            chosen, reason = self._make(PocketsphinxAligner), f"{reason}; English, so pocketsphinx's en-us model"
        else:
            chosen = self._make(WhisperAligner, model=self.options.whisper_model)
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


def _installed(module: str) -> bool:
    from importlib.util import find_spec

    return find_spec(module) is not None
