"""Running one cell: augment in memory, transcribe with a model loaded once per process, score.

``run_cell`` is the unit a distributed engine schedules (a Ray task, a Dask delayed call, a batch
job): it needs only the cell and the output directory, skips cells already cached, and writes its
result there. Model weights and decoded audio stay loaded for the life of the worker process.
"""

from __future__ import annotations

import os
import tempfile
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from speechkit.audio import SAMPLE_RATE, load_audio
from speechkit.metrics.wer import error_rates
from speechkit.registry import load_backend
from speechkit.schema import Audio, Document, Source
from speechkit.stages.augment.audiomentations import write_audio
from speechkit.stages.augment.chain import apply_chain, snr_db
from speechkit.stages.augment.transforms import parse_specs
from speechkit.stages.base import Backend
from speechkit.stress.cache import load_cell, save_cell
from speechkit.stress.grid import Cell

ADDITIVE = {"color_noise", "gaussian_snr", "background_noise", "AddColorNoise", "AddGaussianSNR",
            "AddBackgroundNoise", "AddGaussianNoise"}
"""Chains made only of these add noise to the speech, so their SNR can be measured from the result."""

_LOADED: dict[tuple[str, str, str], tuple[Any, str | None]] = {}


def init_worker(threads: int) -> None:
    """Per-process set-up: a share of the cores, and no nested progress bars from the transcribers."""
    os.environ["OMP_NUM_THREADS"] = str(threads)
    import torch

    from speechkit import progress

    torch.set_num_threads(threads)
    progress.stderr.quiet = True


@lru_cache(maxsize=8)
def _samples(path: str, channel: str | None) -> np.ndarray:
    return load_audio(path, SAMPLE_RATE, channel)


def transcriber(cell: Cell, feature_mask: dict[str, Any] | None) -> Backend:
    """A fresh backend for this cell (its own options and provenance) sharing weights loaded once per process.

    Backends load their model in ``load()``; the first call's result is kept and handed back to later
    instances, so a worker loads each model once however many cells it runs.
    """
    options = dict(cell.transcribe, feature_mask=feature_mask)
    backend = load_backend("transcribe", cell.backend)(model=cell.model, **options)
    if not hasattr(backend, "load"):
        return backend
    key = (cell.backend, cell.model, repr(sorted(cell.transcribe.items())))
    if key not in _LOADED:
        _LOADED[key] = (backend.load(), backend.model_path)
    loaded, model_path = _LOADED[key]
    backend.load = lambda: loaded  # type: ignore[method-assign]
    backend.model_path = model_path
    return backend


def compute_cell(cell: Cell, scratch: Path) -> dict[str, Any]:
    started = time.perf_counter()
    clean = _samples(cell.input.audio, cell.input.channel)
    specs = parse_specs(cell.transforms)
    waveform = [s for s in specs if not s.at_inference]
    masks = [s for s in specs if s.at_inference]
    degraded, drawn = apply_chain(clean, SAMPLE_RATE, waveform, cell.seed or 0)
    audio_path = write_audio(scratch / f"{cell.key}.wav", degraded, SAMPLE_RATE)
    doc = Document(source=Source(uri=cell.input.audio), audio=Audio(path=str(audio_path), sample_rate=SAMPLE_RATE,
                                                                   channels=1, duration=len(degraded) / SAMPLE_RATE))
    mask = {**masks[0].params, "seed": cell.seed or 0} if masks else None
    try:
        out = transcriber(cell, mask)(doc)
    finally:
        audio_path.unlink(missing_ok=True)
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
    with tempfile.TemporaryDirectory(prefix="speechkit-stress-") as scratch:
        result = compute_cell(cell, Path(scratch))
    save_cell(output_dir, result)
    return result
