"""What every transcription backend shares: the audio it reads, silence, and the document it builds."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from speechkit.audio import SAMPLE_RATE, is_silent, load_audio
from speechkit.errors import AudioError
from speechkit.progress import progress_bar
from speechkit.schema import Document, Segment, Word
from speechkit.stages.base import Backend


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


def choose_language(given: str | None, multilingual: bool,
                    detect: Callable[[], tuple[str, float]]) -> tuple[str, float]:
    """A language the user gave is taken as certain, an English-only model is English, else the model decides
    (language and probability, as faster-whisper reports them)."""
    if given:
        return given, 1.0
    return detect() if multilingual else ("en", 1.0)


@dataclass
class Decoded:
    """One library's transcription: the language it found and its segments, possibly produced lazily."""

    language: str | None
    language_probability: float | None
    segments: Iterable[Segment]


Progress = Callable[[float], None]
"""Called with the seconds of audio decoded so far, by libraries that report progress themselves."""


class WhisperTranscriber(Backend):
    """The shape every Whisper backend shares, so each one only says how its library decodes.

    Silence is never decoded (Whisper hallucinates on it); segments go through one progress bar
    as they arrive; language and probability land in the document the same way for all.
    """

    stage: ClassVar[str] = "transcribe"

    @abstractmethod
    def load(self) -> Any:
        """Load the model (and set ``model_path``); the stress runner calls this once and reuses the result."""

    @abstractmethod
    def decode(self, model: Any, samples: np.ndarray, progress: Progress) -> Decoded:
        """Transcribe 16 kHz mono samples that are not silent with what :meth:`load` returned."""

    def process(self, doc: Document) -> Document:
        samples = document_audio(doc)
        doc.segments = []
        if silent(samples):
            self.notes.append("audio is silent: nothing decoded")
            return doc
        duration = round(samples.size / SAMPLE_RATE, 1)
        model = self.load()  # a model that cannot be found fails before any progress is shown
        with progress_bar() as bar:
            task = bar.add_task(f"transcribe {self.model}", total=duration)
            decoded = self.decode(model, samples, lambda seconds: bar.update(task, completed=min(seconds, duration)))
            for segment in decoded.segments:
                doc.segments.append(segment)
                bar.update(task, completed=min(segment.end, duration))
            bar.update(task, completed=duration)
        doc.language = decoded.language
        if decoded.language_probability is not None:
            doc.language_probability = round(float(decoded.language_probability), 4)
        return doc


class TorchWhisperTranscriber(WhisperTranscriber):
    """openai-whisper and transformers run the same PyTorch Whisper, so they take the same options."""

    def __init__(self, model: str | None = "tiny.en", language: str | None = None, device: str = "cpu",
                 beam_size: int = 5, word_timestamps: bool = True, **options: Any) -> None:
        super().__init__(model=model, language=language, device=device, beam_size=beam_size,
                         word_timestamps=word_timestamps, **options)
