"""Segments built from what a library returns (transcription and alignment backends) and read back by speaker
(reports and exports)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # pydantic and the schema load when a document is handled, not for --help
    from speechkit.schema import Segment, Word


T = TypeVar("T")
NO_SPACE_LANGUAGES = frozenset({"zh", "ja", "th", "lo", "my", "yue"})
"""Languages written without spaces between words: their words join with nothing."""


def _r(value: float | None) -> float | None:
    return None if value is None else round(float(value), 3)


def make_segment(start: float, end: float, text: str, words: list[dict[str, Any]] | None = None,
                 **extra: Any) -> Segment:
    """A segment with times to the millisecond, stripped text, its non-empty words, and the set extras."""
    from speechkit.schema import Segment, Word

    return Segment(
        start=round(float(start), 3),
        end=round(float(end), 3),
        text=text.strip(),
        words=[Word(word=w["word"].strip(), start=_r(w.get("start")), end=_r(w.get("end")),
                    score=_r(w.get("score"))) for w in words or [] if w["word"].strip()],
        **{k: v for k, v in extra.items() if v is not None},
    )


def shifted(segment: Segment, seconds: float) -> Segment:
    """``segment`` and its words moved ``seconds`` later: a block's times made times in the recording."""
    if not seconds:
        return segment
    def move(value: float | None) -> float | None:
        return None if value is None else round(value + seconds, 3)

    words = [w.model_copy(update={"start": move(w.start), "end": move(w.end)}) for w in segment.words]
    return segment.model_copy(update={"start": move(segment.start), "end": move(segment.end), "words": words})


def speaker_runs(segments: Sequence[Segment]) -> list[tuple[str | None, float, list[str]]]:
    """Consecutive segments of one speaker merged: (speaker, start, texts); empty segments skipped."""
    out: list[tuple[str | None, float, list[str]]] = []
    for seg in segments:
        text = seg.text.strip()
        if not text:
            continue
        if out and out[-1][0] == seg.speaker:
            out[-1][2].append(text)
        else:
            out.append((seg.speaker, seg.start, [text]))
    return out


def word_offsets(segment: Segment) -> list[tuple[int, int]] | None:
    """Where each word lies in the segment's text, or None when the words do not spell the text."""
    found, cursor = [], 0
    for word in segment.words:
        at = segment.text.find(word.word, cursor)
        if at < 0:
            return None
        found.append((at, at + len(word.word)))
        cursor = at + len(word.word)
    return found


def without(items: Sequence[T], drop: Sequence[tuple[int, int]]) -> list[T]:
    """``items`` less the index ranges [i, j) in ``drop``."""
    return [item for k, item in enumerate(items) if not any(i <= k < j for i, j in drop)]


def text_without(segment: Segment, drop: Sequence[tuple[int, int]], language: str | None = None) -> str:
    """The segment's text with the words [i, j) of each (ordered) range taken out; the rest keeps its own
    spelling ("40%" stays "40%"). Only when the words do not spell the text are the kept ones joined."""
    offsets = word_offsets(segment)
    if offsets is None:
        return ("" if language in NO_SPACE_LANGUAGES else " ").join(w.word for w in without(segment.words, drop))
    pieces, cursor = [], 0
    for i, j in drop:
        pieces.append(segment.text[cursor:offsets[i][0]])
        cursor = offsets[j][0] if j < len(offsets) else len(segment.text)
    return ("".join(pieces) + segment.text[cursor:]).strip()
