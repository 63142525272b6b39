"""Applying a chain of transforms reproducibly: one seed in, the same samples and drawn parameters out.

audiomentations draws from the process-global ``random`` and ``numpy.random``. Each transform
gets its own seed, spawned from the chain's seed, and runs with the global generators seeded from
it and restored afterwards, so a run neither depends on nor disturbs any other randomness.
"""

from __future__ import annotations

import random
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from speechkit.stages.augment.transforms import TransformSpec, build


@contextmanager
def seeded_globals(seed: int) -> Iterator[None]:
    """Seed ``random`` and ``numpy.random`` inside the block; put their previous states back after."""
    py_state, np_state = random.getstate(), np.random.get_state()
    random.seed(seed)
    np.random.seed(seed % 2**32)
    try:
        yield
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)


def transform_seeds(seed: int, n: int) -> list[int]:
    """Independent per-transform seeds, so adding a transform does not change the others' draws."""
    return [int(s.generate_state(1)[0]) for s in np.random.SeedSequence(seed).spawn(n)]


def apply_chain(samples: np.ndarray, sample_rate: int, specs: Sequence[TransformSpec],
                seed: int) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """The degraded float32 samples and, per transform, its name, resolved arguments and drawn parameters."""
    out = np.array(samples, dtype=np.float32)  # a copy: transforms may work in place
    record = []
    for spec, sub_seed in zip(specs, transform_seeds(seed, len(specs))):
        transform = build(spec)
        with seeded_globals(sub_seed):
            out = transform(out, sample_rate)
        record.append({
            "transform": spec.name,
            "seed": sub_seed,
            "arguments": _arguments(transform),
            "drawn": dict(transform.parameters),
        })
    return np.asarray(out, dtype=np.float32), record


def _arguments(transform: Any) -> dict[str, Any]:
    """The transform's constructor arguments (audiomentations warns about unset optional ones: not news)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        state = transform.to_dict_private()
    return {k: v for k, v in state.items() if k != "__class_fullname__"}


def snr_db(clean: np.ndarray, degraded: np.ndarray) -> float:
    """Signal-to-noise ratio of ``degraded`` against ``clean``: 10 log10(P_clean / P_added), where
    P is the mean power over the whole file (pauses included, as audiomentations sets its noise
    level) and the added part is ``degraded - clean``. Only meaningful for additive degradations."""
    clean = clean.astype(np.float64)
    added = degraded.astype(np.float64) - clean
    return float(10 * np.log10(np.mean(clean**2) / max(np.mean(added**2), 1e-30)))
