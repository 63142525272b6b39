"""SpecAugment-style time and frequency masks on Whisper's log-mel features, applied at inference.

Park et al. (2019) mask bands of the spectrogram rather than the waveform; for a stress test this
asks how well a model copes with missing frames or frequency bands. The masks are drawn from a
seeded generator, per 30-second window (Whisper's context), and filled with the features' mean.
Parameters follow audiomentations' conventions (``p``, ``min_*``/``max_*``).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

FRAMES_PER_WINDOW = 3000
"""Whisper's 30 s context at a 10 ms hop."""


@dataclass(frozen=True)
class FeatureMask:
    """``time_masks`` masks of ``min_time_width``..``max_time_width`` frames (10 ms each) per 30 s,
    and ``freq_masks`` masks of ``min_freq_width``..``max_freq_width`` mel bins, each call with probability ``p``."""

    time_masks: int = 2
    min_time_width: int = 0
    max_time_width: int = 40
    freq_masks: int = 2
    min_freq_width: int = 0
    max_freq_width: int = 15
    p: float = 1.0
    seed: int = 0

    def __post_init__(self) -> None:
        if self.time_masks < 0 or self.freq_masks < 0:
            raise ValueError("time_masks and freq_masks must not be negative")
        if not (0 <= self.min_time_width <= self.max_time_width and 0 <= self.min_freq_width <= self.max_freq_width):
            raise ValueError("mask widths need 0 <= min_* <= max_*")
        if not 0.0 <= self.p <= 1.0:
            raise ValueError("p must lie in [0, 1]")

    def apply(self, features: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, dict[str, Any]]:
        """Masked copy of ``features`` (mels x frames) and the masks drawn, as [start, width] pairs."""
        drawn: dict[str, Any] = {"should_apply": bool(rng.random() < self.p), "time": [], "freq": []}
        if not drawn["should_apply"]:
            return features, drawn
        out = np.array(features, copy=True)
        fill = float(out.mean())
        n_mels, n_frames = out.shape[-2], out.shape[-1]
        for _ in range(self.time_masks * max(1, math.ceil(n_frames / FRAMES_PER_WINDOW))):
            start, width = _band(rng, n_frames, self.min_time_width, self.max_time_width)
            out[..., start:start + width] = fill
            drawn["time"].append([start, width])
        for _ in range(self.freq_masks):
            start, width = _band(rng, n_mels, self.min_freq_width, self.max_freq_width)
            out[..., start:start + width, :] = fill
            drawn["freq"].append([start, width])
        return out, drawn


def _band(rng: np.random.Generator, size: int, min_width: int, max_width: int) -> tuple[int, int]:
    width = int(rng.integers(min_width, max_width + 1)) if size else 0
    width = min(width, size)
    return int(rng.integers(0, size - width + 1)), width


class _MaskingExtractor:
    """Stands in for faster-whisper's FeatureExtractor: same attributes, masked output."""

    def __init__(self, extractor: Any, mask: FeatureMask, drawn: list[dict[str, Any]]) -> None:
        self._extractor = extractor
        self._mask = mask
        self._rng = np.random.default_rng(mask.seed)
        self._drawn = drawn

    def __getattr__(self, name: str) -> Any:
        return getattr(self._extractor, name)

    def __call__(self, *args: Any, **kwargs: Any) -> np.ndarray:
        features, drawn = self._mask.apply(self._extractor(*args, **kwargs), self._rng)
        self._drawn.append(drawn)
        return features


@contextmanager
def masked_features(model: Any, mask: Mapping[str, Any] | None) -> Iterator[list[dict[str, Any]]]:
    """Mask the log-mel features a faster-whisper model computes inside this block.

    ``model`` is a ``WhisperModel`` or a ``BatchedInferencePipeline`` (which wraps one). Both compute
    all features eagerly inside ``transcribe()``, so wrapping that call alone is enough; the original
    extractor is put back afterwards, so a model loaded once serves masked and clean runs alike.
    Yields the list that collects the masks drawn, one entry per feature-extractor call.
    """
    drawn: list[dict[str, Any]] = []
    if not mask:
        yield drawn
        return
    whisper = model if hasattr(model, "feature_extractor") else model.model  # the pipeline wraps its model
    original = whisper.feature_extractor
    whisper.feature_extractor = _MaskingExtractor(original, FeatureMask(**mask), drawn)
    try:
        yield drawn
    finally:
        whisper.feature_extractor = original


def mask_parameters(mask: Mapping[str, Any]) -> dict[str, Any]:
    """The full, validated parameter set of a mask spec (defaults filled in), for records and cache keys."""
    return asdict(FeatureMask(**mask))
