"""Whisper's two known failure shapes, repaired after decoding: hallucination loops and times past the end.

Batched decoding has none of the sequential mode's compression-ratio and log-prob fallbacks, so a
segment can come back as one phrase said a hundred times, or end after the audio does. Both are
cut here, the same way for every backend, and each repair is recorded in the run's notes.
"""

from __future__ import annotations

import re

from speechkit.schema import Segment, Word
from speechkit.segments import text_without, without

LOOP_REPEATS = 5
"""A phrase said this many times in a row is a decoding loop; people rarely repeat one more than 3-4 times."""
MAX_PHRASE_WORDS = 4


def _key(token: str) -> str:
    return re.sub(r"[^\w']+", "", token.lower())


def loop_spans(tokens: list[str]) -> list[tuple[int, int, int]]:
    """(start, phrase length, repeats) of each run of one phrase repeated at least ``LOOP_REPEATS`` times."""
    keys, spans, i = [_key(t) for t in tokens], [], 0
    while i < len(keys):
        best = (1, 1)  # (repeats, phrase length)
        for n in range(1, MAX_PHRASE_WORDS + 1):
            phrase = keys[i:i + n]
            if len(phrase) < n or not any(phrase):
                break
            k = 1
            while keys[i + k * n:i + (k + 1) * n] == phrase:
                k += 1
            if k >= LOOP_REPEATS and k * n > best[0] * best[1]:
                best = (k, n)
        if best[0] >= LOOP_REPEATS:
            spans.append((i, best[1], best[0]))
            i += best[0] * best[1]
        else:
            i += 1
    return spans


def _looped(spans: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """Index ranges [i, j) of the repeats to remove: every saying of each looped phrase but the first."""
    return [(start + n, start + n * repeats) for start, n, repeats in spans]


def collapse_loops(segment: Segment, language: str | None = None) -> tuple[Segment, int]:
    """The segment with looped phrases said once, and the number of words removed."""
    if segment.words:
        drop = _looped(loop_spans([w.word for w in segment.words]))
        if not drop:
            return segment, 0
        words = without(segment.words, drop)
        end = max((w.end for w in words if w.end is not None), default=segment.end)
        text = text_without(segment, drop, language)
        return segment.model_copy(update={"words": words, "text": text, "end": end}), len(segment.words) - len(words)
    tokens = segment.text.split()
    drop = _looped(loop_spans(tokens))
    if not drop:
        return segment, 0
    kept = without(tokens, drop)
    return segment.model_copy(update={"text": " ".join(kept)}), len(tokens) - len(kept)


def _clamp_word(word: Word, duration: float) -> Word | None:
    if word.start is not None and word.start >= duration:
        return None
    if word.end is not None and word.end > duration:
        return word.model_copy(update={"end": duration})
    return word


def clamp_to_duration(segment: Segment, duration: float, language: str | None = None) -> Segment | None:
    """The segment cut at the end of the audio (None when it starts after it)."""
    if segment.start >= duration:
        return None
    if segment.end <= duration and all(w.end is None or w.end <= duration for w in segment.words):
        return segment
    words = [w for w in (_clamp_word(w, duration) for w in segment.words) if w is not None]
    text = text_without(segment, [(len(words), len(segment.words))], language) if len(words) < len(segment.words) \
        else segment.text
    return segment.model_copy(update={"end": min(segment.end, duration), "words": words, "text": text})


def repair(segments: list[Segment], duration: float, language: str | None = None) -> tuple[list[Segment], list[str]]:
    """Segments without loops or times past ``duration``, and a note for each kind of repair made."""
    out, removed, clamped = [], 0, 0
    for segment in segments:
        fixed, dropped = collapse_loops(segment, language)
        removed += dropped
        cut = clamp_to_duration(fixed, duration, language)
        clamped += cut is not fixed
        if cut is not None and (cut.text.strip() or cut.words):
            out.append(cut)
    notes = []
    if removed:
        notes.append(f"repaired hallucination loops: {removed} repeated word(s) removed")
    if clamped:
        notes.append(f"{clamped} segment(s) ran past the end of the audio ({duration:.1f} s): cut there")
    return out, notes
