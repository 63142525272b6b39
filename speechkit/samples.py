"""Decoded audio held in memory for one run, so a pipeline decodes its input once for all stages.

Samples are kept by the audio's checksum (or path) and selected channel. A stage run on its own
has no store and decodes from the path; the stress worker puts augmented samples straight in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import numpy as np

from speechkit.audio import SAMPLE_RATE, iter_audio, load_audio
from speechkit.errors import AudioError
from speechkit.schema import Audio, Document


def _key(audio: Audio) -> tuple[str, str | None]:
    return audio.sha256 or audio.path, audio.channel


def checksum(samples: np.ndarray) -> str:
    """The sha256 of float32 samples, naming audio that exists only in memory."""
    return hashlib.sha256(np.ascontiguousarray(samples, dtype=np.float32).tobytes()).hexdigest()


class AudioStore:
    """16 kHz mono samples by audio checksum and channel; ``decodes`` counts the files actually decoded."""

    def __init__(self) -> None:
        self._held: dict[tuple[str, str | None], np.ndarray] = {}
        self.decodes = 0

    def put(self, audio: Audio, samples: np.ndarray) -> None:
        self._held[_key(audio)] = samples

    def held(self, audio: Audio) -> np.ndarray | None:
        return self._held.get(_key(audio))

    def samples(self, audio: Audio) -> np.ndarray:
        found = self.held(audio)
        if found is None:
            self.decodes += 1
            found = load_audio(audio.path, SAMPLE_RATE, audio.channel)
            self.put(audio, found)
        return found

    def blocks(self, audio: Audio, seconds: float) -> Iterator[np.ndarray]:
        """Consecutive blocks of ``seconds``: slices of held samples, else streamed from the file (bounded memory)."""
        found = self.held(audio)
        if found is None:
            self.decodes += 1
            yield from iter_audio(audio.path, SAMPLE_RATE, audio.channel, seconds)
            return
        step = max(1, int(seconds * SAMPLE_RATE))
        for start in range(0, found.size, step):
            yield found[start:start + step]


def document_audio(doc: Document, what: str = "process") -> Audio:
    """The document's audio, or a one-line error saying there is none to ``what``."""
    if doc.audio is None:
        raise AudioError(f"document has no audio to {what}")
    return doc.audio
