"""The speaker-aware summary every backend produces; a backend only says how to summarize sentences."""

from __future__ import annotations

import math
from abc import abstractmethod
from typing import Any

from pydantic import Field

from speechkit.schema import ChapterSummary, Document, Summary
from speechkit.stages.base import Backend, ThreadOptions
from speechkit.stages.run import Run
from speechkit.stages.summarize.chunking import Sentence, by_speaker, chapters, sentences, within


def overall_length(n_sentences: int) -> int:
    """About the square root of the transcript's length, 3 to 12 sentences."""
    return max(3, min(12, round(math.sqrt(n_sentences))))


class SummarizeOptions(ThreadOptions):
    """What every summarizer takes: how long each part of the summary is, and how chapters are cut."""

    model: str | None = Field(None, description="summarization or sentence-embedding model (default: the backend's)")
    sentences: int | None = Field(None, ge=1, description="sentences in the overall summary (default: about the square root of the transcript's)")
    key_points: int = Field(3, ge=1, description="key points per speaker")
    chapter_sentences: int = Field(2, ge=1, description="sentences per chapter summary")
    chapter_pause: float = Field(3.0, ge=0, description="a pause this long (seconds) may start a chapter")
    min_chapter: float = Field(60.0, ge=0, description="shortest chapter, seconds")
    max_chapters: int = Field(12, ge=1, description="most chapters cut at pauses")
    device: str = Field("cpu", description="torch device")
    batch_size: int = Field(32, ge=1, description="texts per model call")


class SpeakerAwareSummarizer(Backend):
    """Overall summary, key points per speaker, and a summary per chapter (the source's, or cut at pauses)."""

    stage = "summarize"
    uses_torch = True
    Options = SummarizeOptions
    load_fields = ("model", "device")

    @abstractmethod
    def summarize(self, model: Any, items: list[Sentence], n: int, run: Run) -> list[str]:
        """About ``n`` summary sentences of ``items`` (in transcript order), with what :meth:`load` returned."""

    def process(self, doc: Document, run: Run) -> Document:
        items = sentences(doc)
        if not items:
            run.notes.append("empty transcript: nothing to summarize")
            doc.summary = Summary(overall="")
            return doc
        o = self.options
        model = self.loaded_model(run)
        grouped = by_speaker(items)
        cuts = chapters(doc, items, o.chapter_pause, o.min_chapter, o.max_chapters)
        step, total = f"summarize {self.name}", 1 + len(grouped) + len(cuts)
        run.progress(step, 0, total)
        overall = self.summarize(model, items, o.sentences or overall_length(len(items)), run)
        run.progress(step, 1, total)
        speakers = {}
        for speaker, said in grouped.items():
            speakers[speaker] = self.summarize(model, said, o.key_points, run)
            run.progress(step, 1 + len(speakers), total)
        parts = []
        for done, chapter in enumerate(cuts, start=1 + len(grouped) + 1):
            inside = within(items, chapter.start, chapter.end)
            if inside:
                parts.append(ChapterSummary(start=chapter.start, end=chapter.end, title=chapter.title,
                                            summary=" ".join(self.summarize(model, inside, o.chapter_sentences, run))))
            run.progress(step, done, total)
        doc.summary = Summary(overall=" ".join(overall), speakers=speakers, chapters=parts)
        return doc
