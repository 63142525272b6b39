"""Decoded audio held in memory for one run, so a pipeline decodes its input once for all stages.

Samples are kept by the audio's checksum (or path) and selected channel. A stage run on its own
has no store and decodes from the path; the stress worker puts augmented samples straight in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator

import numpy as np

from speechkit.media.audio import SAMPLE_RATE, iter_audio, load_audio
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
        """Consecutive blocks of ``seconds``: slices of held samples; a file of at most one block decoded
        once and held (later stages reuse it); a longer one streamed from the file (bounded memory)."""
        found = self.held(audio)
        if found is None and audio.duration is not None and audio.duration <= seconds:
            found = self.samples(audio)
        if found is None:
            self.decodes += 1
            yield from iter_audio(audio.path, SAMPLE_RATE, audio.channel, seconds)
            return
        step = max(1, int(seconds * SAMPLE_RATE))
        for start in range(0, found.size, step):
            yield found[start:start + step]


def quiet_cuts(blocks: Iterable[np.ndarray], search_seconds: float = 5.0,
               frame_seconds: float = 0.05) -> Iterator[np.ndarray]:
    """The same audio with each block boundary moved back to the quietest frame in the block's last
    ``search_seconds``, so a word is never cut in two between blocks decoded on their own."""
    frame = max(1, int(frame_seconds * SAMPLE_RATE))
    pending: np.ndarray | None = None
    for block in blocks:
        if pending is not None:
            cut = _quietest(pending, int(search_seconds * SAMPLE_RATE), frame)
            yield pending[:cut]
            block = np.concatenate([pending[cut:], block])
        pending = block
    if pending is not None and pending.size:
        yield pending


def _quietest(samples: np.ndarray, search: int, frame: int) -> int:
    """The sample index starting the lowest-energy frame within the last ``search`` samples."""
    start = max(0, samples.size - search)
    tail = samples[start:]
    n = tail.size // frame
    if n < 2:
        return samples.size
    energy = np.square(tail[: n * frame].reshape(n, frame), dtype=np.float64).mean(axis=1)
    return start + int(np.argmin(energy[1:]) + 1) * frame


def document_audio(doc: Document, what: str = "process") -> Audio:
    """The document's audio, or a one-line error saying there is none to ``what``."""
    if doc.audio is None:
        raise AudioError(f"document has no audio to {what}")
    return doc.audio
