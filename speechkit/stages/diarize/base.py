"""What both diarization backends share: streaming the audio in blocks, linking speakers, labelling words.

A backend only diarizes one block of samples (:meth:`DiarizationBackend.diarize_block`); reading
hour-long files in bounded memory, joining the blocks' speakers and giving every transcript word
a speaker happen here, once.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, ClassVar

import numpy as np

from speechkit.audio import SAMPLE_RATE, is_silent, iter_audio
from speechkit.errors import AudioError
from speechkit.progress import progress_bar
from speechkit.schema import Document, Speaker, SpeakerTurn
from speechkit.speakers import FALLBACK_SPEAKER, assign_speakers, speaking_time
from speechkit.stages.base import Backend
from speechkit.stages.diarize.counts import COUNT_KEYS, check_counts, count_note
from speechkit.stages.diarize.linking import BlockResult, link_blocks
from speechkit.threads import torch_threads

BLOCK_SECONDS = 1800.0
"""Half an hour of 16 kHz float32 is 115 MB: the most audio a backend holds at once."""


class DiarizationBackend(Backend):
    stage = "diarize"
    link_threshold: ClassVar[float]
    """Cosine distance under which speakers of two blocks are the same person."""

    def __init__(self, model: str | None = None, num_speakers: int | None = None, min_speakers: int | None = None,
                 max_speakers: int | None = None, block_seconds: float = BLOCK_SECONDS, threads: int | None = None,
                 **options: Any) -> None:
        check_counts(num_speakers, min_speakers, max_speakers, flags=False)
        super().__init__(model=model, num_speakers=num_speakers, min_speakers=min_speakers,
                         max_speakers=max_speakers, block_seconds=block_seconds, threads=threads, **options)
        self.counts: dict[str, int] = {}

    @abstractmethod
    def load(self) -> Any:
        """Load the models once (later calls reuse them); benchmarks time it apart from diarizing."""

    @abstractmethod
    def diarize_block(self, samples: np.ndarray, offset: float) -> BlockResult:
        """Diarize 16 kHz mono ``samples`` that start ``offset`` seconds into the recording."""

    def blocks(self, doc: Document) -> list[BlockResult]:
        if doc.audio is None:
            raise AudioError("document has no audio to diarize")
        duration = doc.audio.duration or 0.0
        self.counts = block_counts(self.options, streamed=duration > self.options["block_seconds"])
        results, offset = [], 0.0
        self.load()  # a model that cannot load fails before any progress is shown
        with progress_bar() as bar, torch_threads(self.options["threads"]):
            task = bar.add_task(f"diarize {self.name}", total=round(duration, 1) or None)
            for samples in iter_audio(doc.audio.path, SAMPLE_RATE, doc.audio.channel, self.options["block_seconds"]):
                end = offset + samples.size / SAMPLE_RATE
                if not is_silent(samples):
                    results.append(self.diarize_block(samples, offset).clipped(offset, end))
                offset = end
                bar.update(task, completed=round(offset, 1))
        return results

    def process(self, doc: Document) -> Document:
        results = self.blocks(doc)
        max_speakers = self.options["num_speakers"] or self.options["max_speakers"]
        turns, exclusive = link_blocks(results, self.link_threshold, max_speakers)
        if len(results) > 1:
            self.notes.append(f"diarized in {len(results)} blocks of up to {self.options['block_seconds']:g} s; "
                              "speakers linked across blocks by embedding distance")
        if not turns:
            self.notes.append("no speech found")
        doc.diarization = turns
        doc.speakers = speakers_of(turns)
        self.parameters["speakers_found"] = len(doc.speakers)
        note = count_note(len(doc.speakers), *(self.options[k] for k in COUNT_KEYS))
        if note:
            self.notes.append(note)
        if doc.segments:
            doc.segments = assign_speakers(doc.segments, exclusive, doc.language)
            if not turns:
                self.notes.append(f"the transcript has words but no speech turn was found: all labelled {FALLBACK_SPEAKER}")
                doc.speakers = [Speaker(id=FALLBACK_SPEAKER)]
        return doc


def speakers_of(turns: list[SpeakerTurn]) -> list[Speaker]:
    return [Speaker(id=sp, speech_seconds=round(s, 3)) for sp, s in sorted(speaking_time(turns).items())]


def block_counts(options: dict[str, Any], streamed: bool) -> dict[str, int]:
    """The speaker counts each block is diarized under, without the unset ones.

    A block of a streamed recording may hold fewer speakers than the whole, so there the
    exact and minimum counts become a maximum (linking enforces the total).
    """
    counts = {k: options[k] for k in COUNT_KEYS if options.get(k)}
    if not streamed:
        return counts
    limit = counts.get("num_speakers") or counts.get("max_speakers")
    return {"max_speakers": limit} if limit else {}
