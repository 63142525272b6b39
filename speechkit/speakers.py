"""A speaker for every word, and segments re-cut so that no segment (no subtitle cue) mixes two speakers.

Words take the speaker whose turns overlap them most (WhisperX's ``assign_word_speakers``);
a word in a gap between turns takes the speaker of the nearest turn *edge* (WhisperX's own
fallback measures to turn midpoints, which hands a word just before a long turn to the previous
speaker). Segments are then split wherever the speaker changes and after each sentence end.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from speechkit.schema import Segment, SpeakerTurn, Word

SENTENCE_END = (".", "?", "!", "。", "？", "！", "…")
NO_SPACE_LANGUAGES = frozenset({"zh", "ja", "th", "lo", "my", "yue"})
FALLBACK_SPEAKER = "SPEAKER_00"
"""The label words get when diarization found no turn at all although the transcript has words."""


def speaking_time(spans: Iterable[Segment | SpeakerTurn]) -> dict[str, float]:
    """Seconds per speaker over the spans that have one, in order of first appearance."""
    seconds: dict[str, float] = {}
    for span in spans:
        if span.speaker:
            seconds[span.speaker] = seconds.get(span.speaker, 0.0) + max(0.0, span.end - span.start)
    return seconds


def nearest_speaker(start: float, end: float, turns: list[SpeakerTurn]) -> str:
    """The speaker of the turn whose edge is closest to [start, end] (0 when they overlap)."""
    starts = np.array([t.start for t in turns])
    ends = np.array([t.end for t in turns])
    gap = np.maximum.reduce([starts - end, start - ends, np.zeros(len(turns))])
    return turns[int(np.argmin(gap))].speaker


def _majority(segments: list[Segment], turns: list[SpeakerTurn]) -> list[dict[str, Any]]:
    import pandas as pd
    from whisperx.diarize import assign_word_speakers

    frame = pd.DataFrame([t.model_dump() for t in turns], columns=["start", "end", "speaker"])
    result = assign_word_speakers(frame, {"segments": [s.model_dump(exclude_none=True) for s in segments]})
    return result["segments"]


def label_words(segments: list[Segment], turns: list[SpeakerTurn]) -> list[Segment]:
    """Segments whose every word (and the segment) has a speaker; untimed words follow their neighbour."""
    if not turns:
        return [s.model_copy(update={"speaker": FALLBACK_SPEAKER,
                                     "words": [w.model_copy(update={"speaker": FALLBACK_SPEAKER}) for w in s.words]})
                for s in segments]
    labelled = [Segment.model_validate(s) for s in _majority(segments, turns)]
    previous: str | None = None
    for segment in labelled:
        for word in segment.words:
            if word.speaker is None and word.start is not None:
                word.speaker = nearest_speaker(word.start, word.end if word.end is not None else word.start, turns)
            word.speaker = word.speaker or previous
            previous = word.speaker
        if segment.speaker is None:
            segment.speaker = nearest_speaker(segment.start, segment.end, turns)
        for word in segment.words:  # untimed words before the first timed one
            word.speaker = word.speaker or segment.speaker
    return labelled


def _join(words: list[Word], language: str | None) -> str:
    return ("" if language in NO_SPACE_LANGUAGES else " ").join(w.word for w in words)


def _piece(parent: Segment, words: list[Word], language: str | None) -> Segment:
    starts = [w.start for w in words if w.start is not None]
    ends = [w.end for w in words if w.end is not None]
    return parent.model_copy(update={
        "start": min(starts) if starts else parent.start,
        "end": max(ends) if ends else parent.end,
        "text": _join(words, language),
        "words": words,
        "speaker": words[0].speaker,
    })


def split_segments(segments: list[Segment], language: str | None = None) -> list[Segment]:
    """Cut segments where the word speaker changes and after words that end a sentence."""
    out: list[Segment] = []
    for segment in segments:
        if not segment.words:
            out.append(segment)
            continue
        current: list[Word] = []
        for word in segment.words:
            if current and (word.speaker != current[-1].speaker or current[-1].word.endswith(SENTENCE_END)):
                out.append(_piece(segment, current, language))
                current = []
            current.append(word)
        out.append(_piece(segment, current, language))
    return out


def assign_speakers(segments: list[Segment], turns: list[SpeakerTurn], language: str | None = None) -> list[Segment]:
    """Label words from (preferably exclusive, one-speaker-at-a-time) turns, then re-segment."""
    return split_segments(label_words(segments, turns), language)
