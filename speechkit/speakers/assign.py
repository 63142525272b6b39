"""A speaker for every word, and segments re-cut so that no segment (no subtitle cue) mixes two speakers.

A word takes the speaker active over most of its duration (overlapping turns each count); a word
in a gap between turns takes the speaker of the nearest turn *edge* (WhisperX's fallback measures
to turn midpoints, which hands a word just before a long turn to the previous speaker). Labels are
then smoothed per sentence (:mod:`speechkit.speakers.smoothing`), and segments are cut where the
speaker changes and after sentence ends, each piece's text cut from the segment's own text so that
diarization never changes a character of the transcript ("40%" stays "40%").
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from speechkit.schema import Segment, SpeakerTurn, Word
from speechkit.segments import NO_SPACE_LANGUAGES, word_offsets
from speechkit.speakers.smoothing import remove_flip_flops, smooth_sentence

SENTENCE_END = (".", "?", "!", "。", "？", "！", "…")
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


def majority_speaker(start: float, end: float, turns: list[SpeakerTurn]) -> str:
    """The speaker whose turns cover most of [start, end]; the nearest turn edge's when none covers it."""
    overlap: dict[str, float] = {}
    for turn in turns:
        shared = min(end, turn.end) - max(start, turn.start)
        if shared > 0:
            overlap[turn.speaker] = overlap.get(turn.speaker, 0.0) + shared
    return max(overlap, key=overlap.__getitem__) if overlap else nearest_speaker(start, end, turns)


def _glued(segment: Segment, language: str | None) -> list[bool]:
    """Per word: written with no space before it ("40" + "%"), so it can never start a new cue."""
    offsets = word_offsets(segment)
    if offsets is None or language in NO_SPACE_LANGUAGES:
        return [False] * len(segment.words)
    return [i > 0 and offsets[i - 1][1] == offsets[i][0] for i in range(len(offsets))]


def _sentences(segments: list[Segment]) -> list[list[Word]]:
    """Words grouped into sentences; a segment boundary also ends one (Whisper starts segments at pauses)."""
    out: list[list[Word]] = []
    for segment in segments:
        current: list[Word] = []
        for word in segment.words:
            current.append(word)
            if word.word.endswith(SENTENCE_END):
                out.append(current)
                current = []
        if current:
            out.append(current)
    return out


def label_words(segments: list[Segment], turns: list[SpeakerTurn], language: str | None = None) -> list[Segment]:
    """Copies of the segments whose every word (and the segment) has a speaker."""
    labelled = [s.model_copy(deep=True) for s in segments]
    words = [w for s in labelled for w in s.words]
    if not turns:
        for item in (*labelled, *words):
            item.speaker = FALLBACK_SPEAKER
        return labelled
    for word in words:
        if word.start is not None:
            word.speaker = majority_speaker(word.start, word.end if word.end is not None else word.start, turns)
    _fill_untimed(words)
    for segment in labelled:
        for i, glued in enumerate(_glued(segment, language)):
            if glued:
                segment.words[i].speaker = segment.words[i - 1].speaker
    for sentence in _sentences(labelled):
        smooth_sentence(sentence)
    remove_flip_flops(words)
    for segment in labelled:
        segment.speaker = segment.words[0].speaker if segment.words else nearest_speaker(segment.start, segment.end, turns)
    return labelled


def _fill_untimed(words: list[Word]) -> None:
    """Untimed words take the previous word's speaker (the next one's before the first timed word)."""
    previous: str | None = None
    for word in words:
        word.speaker = word.speaker or previous
        previous = word.speaker
    following: str | None = None
    for word in reversed(words):
        word.speaker = word.speaker or following
        following = word.speaker


def _piece(parent: Segment, words: list[Word], text: str) -> Segment:
    starts = [w.start for w in words if w.start is not None]
    ends = [w.end for w in words if w.end is not None]
    return parent.model_copy(update={
        "start": min(starts) if starts else parent.start,
        "end": max(ends) if ends else parent.end,
        "text": text,
        "words": words,
        "speaker": words[0].speaker,
    })


def _cut(segment: Segment, language: str | None) -> list[tuple[int, int]]:
    """Word index ranges [i, j) of the pieces: cut at speaker changes and after sentence ends."""
    glued = _glued(segment, language)
    bounds, first = [], 0
    for i in range(1, len(segment.words)):
        before, word = segment.words[i - 1], segment.words[i]
        if not glued[i] and (word.speaker != before.speaker or before.word.endswith(SENTENCE_END)):
            bounds.append((first, i))
            first = i
    return [*bounds, (first, len(segment.words))]


def split_segments(segments: list[Segment], language: str | None = None) -> list[Segment]:
    """Cut segments where the word speaker changes and after words that end a sentence.

    Each piece's text is the stretch of the segment's own text its words cover, so the pieces
    joined give back the transcript; only when the words do not spell the text are they joined.
    """
    out: list[Segment] = []
    for segment in segments:
        if not segment.words:
            out.append(segment)
            continue
        offsets = word_offsets(segment)
        joiner = "" if language in NO_SPACE_LANGUAGES else " "
        pieces = _cut(segment, language)
        for k, (i, j) in enumerate(pieces):
            words = segment.words[i:j]
            if offsets is None:
                text = joiner.join(w.word for w in words)
            else:  # from this piece's first word to the next piece's, so no character is dropped
                begin = offsets[i][0] if k else 0
                text = segment.text[begin:offsets[j][0] if j < len(offsets) else None].strip()
            out.append(_piece(segment, words, text))
    return out


def assign_speakers(segments: list[Segment], turns: list[SpeakerTurn], language: str | None = None) -> list[Segment]:
    """Label words from the turns, smooth the labels, then re-segment."""
    return split_segments(label_words(segments, turns, language), language)
