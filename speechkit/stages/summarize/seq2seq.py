"""Abstractive summaries with any transformers seq2seq model (BART, PEGASUS, T5), map-reduced over chunks.

A model reads a bounded number of tokens (1,024 for BART), so the transcript is cut into chunks that
fit, each chunk is summarized (map), and the joined summaries are summarized again (reduce) until one
chunk remains. Each summary is capped at a quarter of the input limit, so every round shrinks the text
at least fourfold and a two-hour (or three-hour) transcript takes a few rounds; only one batch of
chunks is in the model at a time, so memory does not grow with the transcript.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import Field

from speechkit.errors import ModelNotFoundError
from speechkit.models.cache import Loaded
from speechkit.models.local import locate
from speechkit.models.resolve import hub_allowed
from speechkit.stages.run import Run
from speechkit.stages.summarize.chunking import SENTENCE_END, Sentence, fit, pack
from speechkit.stages.summarize.common import SpeakerAwareSummarizer, SummarizeOptions

DEFAULT_MODEL = "facebook/bart-large-cnn"
RANDOM_MARK = "random_weights"
"""A config attribute that marks a model built with random weights (tests' tiny models): plumbing only."""


@dataclass(frozen=True)
class Seq2Seq:
    """A loaded model, its tokenizer, its input limit and the summary lengths derived from them."""

    tokenizer: Any
    model: Any
    limit: int
    max_new: int
    min_new: int

    def count(self, texts: list[str]) -> list[int]:
        return [len(ids) for ids in self.tokenizer([" " + t for t in texts], add_special_tokens=False)["input_ids"]]


class Seq2SeqSummarizer(SpeakerAwareSummarizer):
    name = "transformers"
    libraries = ("transformers", "torch")
    load_fields = ("model", "device", "summary_tokens", "min_summary_tokens")

    class Options(SummarizeOptions):
        model: str = Field(DEFAULT_MODEL, description="transformers seq2seq model id or local path")
        summary_tokens: int | None = Field(None, ge=1, description="most tokens per summary (default: the model's, within a quarter of its input)")
        min_summary_tokens: int | None = Field(None, ge=0, description="fewest tokens per summary")
        num_beams: int | None = Field(None, ge=1, description="beam width (default: the model's)")
        batch_size: int = Field(4, ge=1, description="chunks per generate() call")

    def load(self) -> Loaded:
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        name = self.options.model
        where = locate(name)
        if where is None and not hub_allowed():
            raise ModelNotFoundError(f"{name}: summarization model is not available offline (not a local "
                                     "directory, not in the Hugging Face cache); use --backend extractive")
        try:
            tokenizer = AutoTokenizer.from_pretrained(where or name)
            model = AutoModelForSeq2SeqLM.from_pretrained(where or name).to(self.options.device).eval()
        except (OSError, ValueError) as exc:
            reason = str(exc).strip().splitlines()[0]
            raise ModelNotFoundError(f"{name}: summarization model cannot be loaded ({reason}); "
                                     "use --backend extractive") from None
        loaded = self._configure(tokenizer, model)
        notes = ("random weights: plumbing only, the summary text is meaningless",) if getattr(
            model.config, RANDOM_MARK, False) else ()
        return Loaded(loaded, where or name, notes, {"input_limit": loaded.limit, "max_new_tokens": loaded.max_new,
                                                     "min_new_tokens": loaded.min_new})

    def _configure(self, tokenizer: Any, model: Any) -> Seq2Seq:
        """The input limit, and summaries capped at a quarter of it so every reduce round shrinks the text."""
        limits = [getattr(model.config, "max_position_embeddings", None), tokenizer.model_max_length]
        limit = min(int(x) for x in limits if x and x < 1_000_000) - tokenizer.num_special_tokens_to_add()
        generation = model.generation_config
        max_new = min(self.options.summary_tokens or generation.max_length or 142, limit // 4)
        min_new = min(self.options.min_summary_tokens or generation.min_length or 0, max_new)
        return Seq2Seq(tokenizer, model, limit, max_new, min_new)

    def summarize(self, loaded: Seq2Seq, items: list[Sentence], n: int, run: Run) -> list[str]:
        pieces = fit([s.text for s in items], loaded.count, loaded.limit)
        rounds = 0
        while True:
            rounds += 1
            groups = [" ".join(g) for g in pack(pieces, loaded.limit)]
            summaries = self.generate(loaded, groups, run)
            if len(groups) == 1:
                break
            pieces = fit(summaries, loaded.count, loaded.limit)
        run.parameters["reduce_rounds"] = max(rounds, run.parameters.get("reduce_rounds", 0))
        return [s.strip() for s in SENTENCE_END.split(summaries[0]) if s.strip()][:max(n, 1)]

    def generate(self, loaded: Seq2Seq, texts: list[str], run: Run) -> list[str]:
        import torch

        tokenizer, model = loaded.tokenizer, loaded.model
        size = self.options.batch_size
        out: list[str] = []
        kwargs: dict[str, Any] = {"max_new_tokens": loaded.max_new, "min_new_tokens": loaded.min_new}
        if self.options.num_beams:
            kwargs["num_beams"] = self.options.num_beams
        step = f"summarize {len(texts)} chunk(s)"
        with torch.inference_mode():
            for i in range(0, len(texts), size):
                # truncation is only a safety net: pack() already keeps every chunk within the limit
                batch = tokenizer(texts[i:i + size], return_tensors="pt", padding=True, truncation=True,
                                  return_token_type_ids=False,
                                  max_length=loaded.limit + tokenizer.num_special_tokens_to_add())
                ids = model.generate(**batch.to(model.device), **kwargs)
                out += [t.strip() for t in tokenizer.batch_decode(ids, skip_special_tokens=True)]
                run.progress(step, len(out), len(texts))
        run.parameters["chunks"] = run.parameters.get("chunks", 0) + len(texts)
        return out
