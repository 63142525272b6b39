"""Running one cell: augment in memory, transcribe with a model loaded once per process, score.

``run_cell`` is the unit a distributed engine schedules (a Ray task, a Dask delayed call, a batch
job): it needs only the cell and the output directory, skips cells already cached, and writes its
result there. Model weights (the process-wide model cache) and decoded audio stay loaded for the
life of the worker process; the degraded audio goes to the transcriber in memory, never to a file.
"""

from __future__ import annotations

import time
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from speechkit.media.audio import SAMPLE_RATE, load_audio
from speechkit.metrics.wer import error_rates
from speechkit.registry import load_backend
from speechkit.media.samples import AudioStore, checksum
from speechkit.schema import Audio, Document, Source
from speechkit.stages.augment.chain import apply_chain, snr_db
from speechkit.stages.augment.transforms import parse_specs
from speechkit.stages.base import Backend
from speechkit.stress.cache import load_cell, save_cell
from speechkit.stress.grid import Cell

ADDITIVE = {"color_noise", "gaussian_snr", "background_noise", "AddColorNoise", "AddGaussianSNR",
            "AddBackgroundNoise", "AddGaussianNoise"}
"""Chains made only of these add noise to the speech, so their SNR can be measured from the result."""


@lru_cache(maxsize=8)
def _samples(path: str, channel: str | None) -> np.ndarray:
    return load_audio(path, SAMPLE_RATE, channel)


def transcriber(cell: Cell, feature_mask: dict[str, Any] | None) -> Backend:
    """This cell's backend (its own options); its model comes from the process-wide cache, so a worker
    loads each model once however many cells it runs."""
    return load_backend("transcribe", cell.backend)(model=cell.model, **cell.transcribe, feature_mask=feature_mask)


def in_memory(source: str, samples: np.ndarray) -> tuple[Document, AudioStore]:
    """A document for samples that exist only in memory (named by their checksum), and the store holding them."""
    audio = Audio(path=source, sample_rate=SAMPLE_RATE, channels=1, duration=len(samples) / SAMPLE_RATE,
                  sha256=checksum(samples))
    store = AudioStore()
    store.put(audio, samples)
    return Document(source=Source(uri=source), audio=audio), store


def compute_cell(cell: Cell) -> dict[str, Any]:
    started = time.perf_counter()
    clean = _samples(cell.input.audio, cell.input.channel)
    specs = parse_specs(cell.transforms)
    waveform = [s for s in specs if not s.at_inference]
    masks = [s for s in specs if s.at_inference]
    degraded, drawn = apply_chain(clean, SAMPLE_RATE, waveform, cell.seed or 0)
    doc, audio = in_memory(cell.input.audio, degraded)
    mask = {**masks[0].params, "seed": cell.seed or 0} if masks else None
    out = transcriber(cell, mask)(doc, audio=audio)
    if mask:
        drawn.append({"transform": "feature_mask", "arguments": mask,
                      "drawn": out.provenance[-1].parameters.get("feature_masks_drawn", [])})
    scores = error_rates(cell.input.reference, out.text, cell.transcribe.get("language") or "en")
    measured = None
    if waveform and all(s.name in ADDITIVE for s in waveform) and len(degraded) == len(clean):
        measured = round(snr_db(clean, degraded), 3)
    return {
        "key": cell.key,
        "cell": cell.as_dict(),
        "hypothesis": out.text,
        **scores.as_dict(),
        "measured_snr_db": measured,
        "drawn": drawn,
        "model_path": out.provenance[-1].model_path,
        "language": out.language,
        "wall_time": round(time.perf_counter() - started, 3),
    }


def run_cell(cell: Cell | dict[str, Any], output_dir: str | Path) -> dict[str, Any]:
    """The cell's result, from the cache or computed now and cached (atomic, so a crash leaves no half file)."""
    cell = cell if isinstance(cell, Cell) else Cell.from_dict(cell)
    cached = load_cell(output_dir, cell.key)
    if cached is not None:
        return cached
    result = compute_cell(cell)
    save_cell(output_dir, result)
    return result
