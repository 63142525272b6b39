"""What both aligners share: which segments to align, and times for every word, interpolated where needed.

CTC models have no characters for digits and symbols ("1984", "%"), and Whisper cannot align a
segment longer than its 30 s window, so some words come back without times. They get times
interpolated between their timed neighbours (or spread over their segment), by character count,
so an aligned document never has a word without ``start`` and ``end``.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from speechkit.errors import AudioError, DocumentError
from speechkit.schema import Document, Segment, Word
from speechkit.segments import NO_SPACE_LANGUAGES
from speechkit.stages.base import BackendOptions
from speechkit.stages.run import Run


class AlignOptions(BackendOptions):
    """What every aligner takes."""

    model: str | None = Field(None, description="alignment model (default: the backend's choice for the document)")
    device: str = Field("cpu", description="torch/CTranslate2 device")


def require_transcript(doc: Document) -> list[Segment]:
    """The segments with text; a document without any cannot be aligned."""
    segments = [s for s in doc.segments if s.text.strip()]
    if not segments and doc.audio is None:
        raise DocumentError("document has neither a transcript nor audio; run `speechkit transcribe` first")
    return segments


def alignment_audio(doc: Document, run: Run) -> np.ndarray:
    if doc.audio is None:
        raise AudioError("document has no audio to align the transcript to (a WhisperX JSON names none); "
                         "transcribe the audio with speechkit first")
    return run.samples(doc, "align")


def split_words(text: str, language: str | None) -> list[Word]:
    tokens = list(text.replace(" ", "")) if language in NO_SPACE_LANGUAGES else text.split()
    return [Word(word=t) for t in tokens if t]


def _spread(words: list[Word], start: float, end: float) -> None:
    """Give ``words`` consecutive times over [start, end] in proportion to their length."""
    weights = [max(len(w.word), 1) for w in words]
    total, t = sum(weights), start
    span = max(end - start, 0.0)
    for word, weight in zip(words, weights):
        word.start = round(t, 3)
        t += span * weight / total
        word.end = round(t, 3)


def interpolate_times(segment: Segment, language: str | None = None) -> tuple[Segment, int]:
    """The segment with every word timed, and how many words needed interpolation."""
    words = [w.model_copy() for w in segment.words] or split_words(segment.text, language)
    missing = [i for i, w in enumerate(words) if w.start is None or w.end is None]
    run: list[int] = []
    for i in range(len(words) + 1):
        if i in missing:
            run.append(i)
            continue
        if run:
            before = words[run[0] - 1].end if run[0] > 0 else segment.start
            after = words[i].start if i < len(words) else segment.end
            _spread([words[j] for j in run], before, max(after, before))
            run = []
    return segment.model_copy(update={"words": words}), len(missing)
