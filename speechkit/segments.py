"""Building schema segments from what a library returns: shared by transcription and alignment backends."""

from __future__ import annotations

from typing import Any

from speechkit.schema import Segment, Word


def _r(value: float | None) -> float | None:
    return None if value is None else round(float(value), 3)


def make_segment(start: float, end: float, text: str, words: list[dict[str, Any]] | None = None,
                 **extra: Any) -> Segment:
    """A segment with times to the millisecond, stripped text, its non-empty words, and the set extras."""
    return Segment(
        start=round(float(start), 3),
        end=round(float(end), 3),
        text=text.strip(),
        words=[Word(word=w["word"].strip(), start=_r(w.get("start")), end=_r(w.get("end")),
                    score=_r(w.get("score"))) for w in words or [] if w["word"].strip()],
        **{k: v for k, v in extra.items() if v is not None},
    )
