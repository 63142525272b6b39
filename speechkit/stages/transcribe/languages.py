"""Which model a request needs, and whether English-only models hear English.

An English-only model (tiny.en) turns other speech into English-sounding nonsense and cannot tell,
so a few 30 s windows are checked with the packaged multilingual model's language detector.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from speechkit.media.audible import audible
from speechkit.media.audio import SAMPLE_RATE
from speechkit.models import cache
from speechkit.models.cache import Loaded
from speechkit.models.resolve import resolve_whisper
from speechkit.runtime.threads import ctranslate2_threads

MULTILINGUAL_DEFAULT = "base"
"""The packaged multilingual model, the default when what was asked needs more than English."""


def english_only(model: str) -> bool:
    """Whisper's English-only models are named ``*.en`` (tiny.en, base.en, ...), as are their hub ids."""
    return model.rstrip("/").lower().endswith(".en")


def needs_multilingual(values: dict[str, Any]) -> str | None:
    """What in ``values`` an English-only model cannot do, in the flag's words (None: English suffices)."""
    language = values.get("language")
    if language and language != "en":
        return f"--language {language}"
    if values.get("task") == "translate":
        return "--task translate"
    if values.get("multilingual"):
        return "--multilingual"
    return None


WINDOW_SECONDS = 30
"""Whisper's window: what the detector sees, and what batched decoding without VAD is cut into."""
MAX_WINDOWS = 4
"""Windows spread over the audio: ~0.3 s of base's encoder each on a CPU, so long files cost no more."""
MIN_PROBABILITY = 0.8
"""A window counts as another language when the detector is this sure: German speech gives 1.0, while
white noise gave Nynorsk at 0.62."""

log = logging.getLogger("speechkit")


def windows(samples: np.ndarray) -> list[tuple[float, np.ndarray]]:
    """(start seconds, samples) of up to ``MAX_WINDOWS`` 30 s windows spread evenly, those without speech left out."""
    size = WINDOW_SECONDS * SAMPLE_RATE
    count = min(MAX_WINDOWS, -(-samples.size // size))
    starts = np.linspace(0, max(0, samples.size - size), count).astype(int) if count else []
    heard = [(start / SAMPLE_RATE, audible(samples[start:start + size])) for start in starts]
    return [(start, block.samples) for start, block in heard if block is not None]


def _detector() -> Loaded:
    from faster_whisper import WhisperModel

    resolved = resolve_whisper(MULTILINGUAL_DEFAULT)
    model = WhisperModel(str(resolved.path), device="cpu", compute_type="int8", cpu_threads=ctranslate2_threads(None))
    return Loaded(model, str(resolved.path))


def other_languages(samples: np.ndarray) -> list[tuple[float, str, float]]:
    """(window start, language, probability) of each checked window whose speech is not English."""
    detector = cache.get(("language-check", MULTILINGUAL_DEFAULT), _detector).value
    found = []
    for start, window in windows(samples):
        language, probability, _ = detector.detect_language(window)
        if language != "en" and probability >= MIN_PROBABILITY:
            found.append((float(start), language, round(float(probability), 2)))
    return found


def warn_if_not_english(model: str, samples: np.ndarray) -> str | None:
    """A one-line warning (also logged) when an English-only ``model`` meets speech in another language."""
    found = other_languages(samples)
    if not found:
        return None
    start, language, probability = found[0]
    note = (f"English-only model {model} heard {language} (p={probability}) at {start:.0f} s: its text there is "
            f"not a transcript; use --model {MULTILINGUAL_DEFAULT} (with --multilingual for mixed languages)")
    log.warning("speechkit: warning: %s", note)
    return note
