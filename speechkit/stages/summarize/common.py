"""The speaker-aware summary every backend produces; a backend only says how to summarize sentences."""

from __future__ import annotations

import math
from abc import abstractmethod
from typing import Any

from speechkit.schema import ChapterSummary, Document, Summary
from speechkit.stages.base import Backend
from speechkit.stages.summarize.chunking import Sentence, by_speaker, chapters, sentences, within


def overall_length(n_sentences: int) -> int:
    """About the square root of the transcript's length, 3 to 12 sentences."""
    return max(3, min(12, round(math.sqrt(n_sentences))))


class SpeakerAwareSummarizer(Backend):
    """Overall summary, key points per speaker, and a summary per chapter (the source's, or cut at pauses)."""

    stage = "summarize"

    def __init__(self, model: str | None = None, sentences: int | None = None, key_points: int = 3,
                 chapter_sentences: int = 2, chapter_pause: float = 3.0, min_chapter: float = 60.0,
                 max_chapters: int = 12, **options: Any) -> None:
        super().__init__(model=model, sentences=sentences, key_points=key_points,
                         chapter_sentences=chapter_sentences, chapter_pause=chapter_pause,
                         min_chapter=min_chapter, max_chapters=max_chapters, **options)

    @abstractmethod
    def summarize(self, items: list[Sentence], n: int) -> list[str]:
        """About ``n`` summary sentences of ``items`` (in transcript order)."""

    def process(self, doc: Document) -> Document:
        items = sentences(doc)
        if not items:
            self.notes.append("empty transcript: nothing to summarize")
            doc.summary = Summary(overall="")
            return doc
        o = self.options
        overall = self.summarize(items, o["sentences"] or overall_length(len(items)))
        speakers = {speaker: self.summarize(said, o["key_points"]) for speaker, said in by_speaker(items).items()}
        parts = []
        for chapter in chapters(doc, items, o["chapter_pause"], o["min_chapter"], o["max_chapters"]):
            inside = within(items, chapter.start, chapter.end)
            if inside:
                parts.append(ChapterSummary(start=chapter.start, end=chapter.end, title=chapter.title,
                                            summary=" ".join(self.summarize(inside, o["chapter_sentences"]))))
        doc.summary = Summary(overall=" ".join(overall), speakers=speakers, chapters=parts)
        return doc
