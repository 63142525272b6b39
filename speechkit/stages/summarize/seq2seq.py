"""Abstractive summaries with any transformers seq2seq model (BART, PEGASUS, T5), map-reduced over chunks.

A model reads a bounded number of tokens (1,024 for BART), so the transcript is cut into chunks that
fit, each chunk is summarized (map), and the joined summaries are summarized again (reduce) until one
chunk remains. Each summary is capped at a quarter of the input limit, so every round shrinks the text
at least fourfold and a two-hour (or three-hour) transcript takes a few rounds; only one batch of
chunks is in the model at a time, so memory does not grow with the transcript.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from speechkit.errors import ModelNotFoundError
from speechkit.models.resolve import hub_allowed
from speechkit.progress import progress_bar
from speechkit.stages.summarize.chunking import SENTENCE_END, Sentence, fit, pack
from speechkit.stages.summarize.common import SpeakerAwareSummarizer
from speechkit.threads import torch_threads

DEFAULT_MODEL = "facebook/bart-large-cnn"
WEIGHT_FILES = ("model.safetensors", "model.safetensors.index.json", "pytorch_model.bin", "pytorch_model.bin.index.json")
RANDOM_MARK = "random_weights"
"""A config attribute that marks a model built with random weights (tests' tiny models): plumbing only."""


def locate(model: str) -> str | None:
    """A local directory holding ``model``'s weights (a path, or the Hugging Face cache), else None."""
    path = Path(model).expanduser()
    if path.is_dir():
        return str(path) if (path / "config.json").is_file() else None
    try:
        from huggingface_hub import snapshot_download

        cached = Path(snapshot_download(model, local_files_only=True))
    except (OSError, ValueError):
        return None
    return str(cached) if any((cached / f).is_file() for f in WEIGHT_FILES) else None


class Seq2SeqSummarizer(SpeakerAwareSummarizer):
    name = "transformers"
    libraries = ("transformers", "torch")

    def __init__(self, model: str | None = DEFAULT_MODEL, summary_tokens: int | None = None,
                 min_summary_tokens: int | None = None, num_beams: int | None = None, batch_size: int = 4,
                 device: str = "cpu", threads: int | None = None, **options: Any) -> None:
        super().__init__(model=model or DEFAULT_MODEL, summary_tokens=summary_tokens,
                         min_summary_tokens=min_summary_tokens, num_beams=num_beams, batch_size=batch_size,
                         device=device, threads=threads, **options)
        self._loaded: tuple[Any, Any] | None = None

    def load(self) -> tuple[Any, Any]:
        if self._loaded is not None:
            return self._loaded
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        where = locate(str(self.model))
        if where is None and not hub_allowed():
            raise ModelNotFoundError(f"{self.model}: summarization model is not available offline (not a local "
                                     "directory, not in the Hugging Face cache); use --backend extractive")
        try:
            tokenizer = AutoTokenizer.from_pretrained(where or self.model)
            model = AutoModelForSeq2SeqLM.from_pretrained(where or self.model).to(self.options["device"]).eval()
        except (OSError, ValueError) as exc:
            reason = str(exc).strip().splitlines()[0]
            raise ModelNotFoundError(f"{self.model}: summarization model cannot be loaded ({reason}); "
                                     "use --backend extractive") from None
        self.model_path = where or str(self.model)
        if getattr(model.config, RANDOM_MARK, False):
            self.notes.append("random weights: plumbing only, the summary text is meaningless")
        self._loaded = tokenizer, model
        self._configure(tokenizer, model)
        return self._loaded

    def _configure(self, tokenizer: Any, model: Any) -> None:
        """The input limit, and summaries capped at a quarter of it so every reduce round shrinks the text."""
        limits = [getattr(model.config, "max_position_embeddings", None), tokenizer.model_max_length]
        self.limit = min(int(x) for x in limits if x and x < 1_000_000) - tokenizer.num_special_tokens_to_add()
        generation = model.generation_config
        self.max_new = min(self.options["summary_tokens"] or generation.max_length or 142, self.limit // 4)
        self.min_new = min(self.options["min_summary_tokens"] or generation.min_length or 0, self.max_new)
        self.parameters.update(input_limit=self.limit, max_new_tokens=self.max_new, min_new_tokens=self.min_new)

    def count(self, texts: list[str]) -> list[int]:
        tokenizer, _ = self.load()
        return [len(ids) for ids in tokenizer([" " + t for t in texts], add_special_tokens=False)["input_ids"]]

    def summarize(self, items: list[Sentence], n: int) -> list[str]:
        self.load()
        pieces = fit([s.text for s in items], self.count, self.limit)
        rounds = 0
        while True:
            rounds += 1
            groups = [" ".join(g) for g in pack(pieces, self.limit)]
            summaries = self.generate(groups)
            if len(groups) == 1:
                break
            pieces = fit(summaries, self.count, self.limit)
        self.parameters["reduce_rounds"] = max(rounds, self.parameters.get("reduce_rounds", 0))
        return [s.strip() for s in SENTENCE_END.split(summaries[0]) if s.strip()][:max(n, 1)]

    def generate(self, texts: list[str]) -> list[str]:
        import torch

        tokenizer, model = self.load()
        size = self.options["batch_size"]
        out: list[str] = []
        kwargs: dict[str, Any] = {"max_new_tokens": self.max_new, "min_new_tokens": self.min_new}
        if self.options["num_beams"]:
            kwargs["num_beams"] = self.options["num_beams"]
        with progress_bar() as bar, torch.inference_mode(), torch_threads(self.options["threads"]):
            task = bar.add_task(f"summarize {len(texts)} chunk(s)", total=len(texts))
            for i in range(0, len(texts), size):
                # truncation is only a safety net: pack() already keeps every chunk within the limit
                batch = tokenizer(texts[i:i + size], return_tensors="pt", padding=True, truncation=True,
                                  return_token_type_ids=False,
                                  max_length=self.limit + tokenizer.num_special_tokens_to_add())
                ids = model.generate(**batch.to(model.device), **kwargs)
                out += [t.strip() for t in tokenizer.batch_decode(ids, skip_special_tokens=True)]
                bar.update(task, advance=len(batch["input_ids"]))
        self.parameters["chunks"] = self.parameters.get("chunks", 0) + len(texts)
        return out
