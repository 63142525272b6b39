"""What both diarization backends share: streaming the audio in blocks, linking speakers, labelling words.

A backend only diarizes one block of samples (:meth:`DiarizationBackend.diarize_block`); reading
hour-long files in bounded memory, joining the blocks' speakers and giving every transcript word
a speaker happen here, once.
"""

from __future__ import annotations

import logging
from abc import abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np
from pydantic import Field, model_validator

from speechkit.media.audible import audible
from speechkit.media.audio import SAMPLE_RATE
from speechkit.schema import Document, Speaker, SpeakerTurn
from speechkit.speakers.assign import FALLBACK_SPEAKER, assign_speakers, speaking_time
from speechkit.stages.base import Backend, BackendOptions, ThreadOptions
from speechkit.stages.diarize.block_progress import folded_steps
from speechkit.stages.diarize.counts import COUNT_KEYS, check_counts, count_note
from speechkit.stages.diarize.linking import BlockResult, link_blocks
from speechkit.stages.run import Run

log = logging.getLogger("speechkit")

BLOCK_SECONDS = 1800.0
"""Half an hour of 16 kHz float32 is 115 MB: the most audio a backend holds at once."""


class DiarizationOptions(ThreadOptions):
    """What every diarization backend takes: speaker counts, block size and threads."""

    num_speakers: int | None = Field(None, ge=1, description="exact number of speakers, when known")
    min_speakers: int | None = Field(None, ge=1, description="at least this many speakers")
    max_speakers: int | None = Field(None, ge=1, description="at most this many speakers")
    block_seconds: float = Field(BLOCK_SECONDS, ge=10.0, description="audio diarized at once; longer files are streamed in blocks")

    @model_validator(mode="after")
    def _possible(self) -> DiarizationOptions:
        check_counts(self.num_speakers, self.min_speakers, self.max_speakers, flags=False)
        return self


class DiarizationBackend(Backend):
    stage = "diarize"
    uses_torch = True
    Options: ClassVar[type[BackendOptions]] = DiarizationOptions
    link_threshold: ClassVar[float]
    """Cosine distance under which speakers of two blocks are the same person."""
    block_steps: ClassVar[Mapping[str, float]] = {}
    """The steps a block reports (``run.progress(f"diarize {name}: {step}", ...)``) with their shares of its time,
    folded into the stage's bar (:func:`folded_steps`); without any, the bar moves once per block."""

    @abstractmethod
    def diarize_block(self, model: Any, samples: np.ndarray, offset: float, counts: dict[str, int],
                      run: Run) -> BlockResult:
        """Diarize 16 kHz mono ``samples`` that start ``offset`` seconds into the recording, under ``counts``
        (speaker counts for this block), with what :meth:`load` returned; ``run.progress`` may report steps."""

    def blocks(self, doc: Document, run: Run) -> list[BlockResult]:
        duration = (doc.audio.duration if doc.audio else None) or 0.0
        options = self.options
        counts = block_counts(options.model_dump(), streamed=duration > options.block_seconds)
        results, offset = [], 0.0
        blocks = run.blocks(doc, options.block_seconds, "diarize")
        model = self.loaded_model(run)  # a model that cannot load fails before any audio is decoded
        step, total = f"diarize {self.name}", round(duration, 1) or None
        run.progress(step, 0, total)
        for samples in blocks:
            end = offset + samples.size / SAMPLE_RATE
            block = audible(samples)  # quiet speech raised; silence and quiet noise skipped
            if block is not None:
                with folded_steps(run, step, offset, end, total, self.block_steps):
                    results.append(self.diarize_block(model, block.samples, offset, counts, run).clipped(offset, end))
            offset = end
            run.progress(step, round(offset, 1), total)
        return results

    def process(self, doc: Document, run: Run) -> Document:
        results = self.blocks(doc, run)
        max_speakers = self.options.num_speakers or self.options.max_speakers
        turns, exclusive = link_blocks(results, self.link_threshold, max_speakers)
        if len(results) > 1:
            run.notes.append(f"diarized in {len(results)} blocks of up to {self.options.block_seconds:g} s; "
                             "speakers linked across blocks by embedding distance")
        if not turns:
            run.notes.append("no speech found")
        doc.diarization = turns
        doc.speakers = speakers_of(turns)
        run.parameters["speakers_found"] = len(doc.speakers)
        note = count_note(len(doc.speakers), *(getattr(self.options, k) for k in COUNT_KEYS))
        if note:  # in the log too: a transcript with fewer speakers than asked looks right otherwise
            run.notes.append(note)
            log.warning("speechkit: warning: %s%s", f"{doc.audio.path}: " if doc.audio else "", note)
        if doc.segments:
            doc.segments = assign_speakers(doc.segments, exclusive, doc.language)
            if not turns:
                run.notes.append(f"the transcript has words but no speech turn was found: all labelled {FALLBACK_SPEAKER}")
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
