"""What every transcription backend shares: the audio it reads, silence, and the document it builds."""

from __future__ import annotations

from typing import Any

import numpy as np

from speechkit.audio import SAMPLE_RATE, is_silent, load_audio
from speechkit.errors import AudioError
from speechkit.schema import Document, Segment, Word


def document_audio(doc: Document) -> np.ndarray:
    """The 16 kHz mono samples of the document's audio (its selected channel, if any)."""
    if doc.audio is None:
        raise AudioError("document has no audio to transcribe")
    return load_audio(doc.audio.path, SAMPLE_RATE, doc.audio.channel)


def silent(samples: np.ndarray) -> bool:
    """Whisper hallucinates on silence ("Thank you."), so silent audio is never decoded."""
    return is_silent(samples, SAMPLE_RATE)


def make_segment(start: float, end: float, text: str, words: list[dict[str, Any]] | None = None,
                 **extra: Any) -> Segment:
    return Segment(
        start=round(float(start), 3),
        end=round(float(end), 3),
        text=text.strip(),
        words=[Word(word=w["word"].strip(), start=_r(w.get("start")), end=_r(w.get("end")),
                    score=_r(w.get("score"))) for w in words or [] if w["word"].strip()],
        **{k: v for k, v in extra.items() if v is not None},
    )


def _r(value: float | None) -> float | None:
    return None if value is None else round(float(value), 3)
