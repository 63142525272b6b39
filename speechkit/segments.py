"""Segments built from what a library returns (transcription and alignment backends) and read back by speaker
(reports and exports)."""

from __future__ import annotations

from collections.abc import Sequence
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
