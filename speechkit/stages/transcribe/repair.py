"""Whisper's two known failure shapes, repaired after decoding: hallucination loops and times past the end.

Batched decoding has none of the sequential mode's compression-ratio and log-prob fallbacks, so a
segment can come back as one phrase said a hundred times, or end after the audio does. Both are
cut here, the same way for every backend, and each repair is recorded in the run's notes.
"""

from __future__ import annotations

import re

from speechkit.schema import Segment, Word

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


def _collapse(items: list, spans: list[tuple[int, int, int]]) -> list:
    """``items`` with each looped run reduced to one saying of its phrase."""
    out, i = [], 0
    for start, n, repeats in spans:
        out += items[i:start + n]
        i = start + n * repeats
    return out + items[i:]


def _text(words: list[Word]) -> str:
    return "".join(w.word if w.word[:1].isspace() else f" {w.word}" for w in words).strip()


def collapse_loops(segment: Segment) -> tuple[Segment, int]:
    """The segment with looped phrases said once, and the number of words removed."""
    if segment.words:
        spans = loop_spans([w.word for w in segment.words])
        if not spans:
            return segment, 0
        words = _collapse(segment.words, spans)
        end = max((w.end for w in words if w.end is not None), default=segment.end)
        return segment.model_copy(update={"words": words, "text": _text(words), "end": end}), len(segment.words) - len(words)
    tokens = segment.text.split()
    spans = loop_spans(tokens)
    if not spans:
        return segment, 0
    kept = _collapse(tokens, spans)
    return segment.model_copy(update={"text": " ".join(kept)}), len(tokens) - len(kept)


def _clamp_word(word: Word, duration: float) -> Word | None:
    if word.start is not None and word.start >= duration:
        return None
    if word.end is not None and word.end > duration:
        return word.model_copy(update={"end": duration})
    return word


def clamp_to_duration(segment: Segment, duration: float) -> Segment | None:
    """The segment cut at the end of the audio (None when it starts after it)."""
    if segment.start >= duration:
        return None
    if segment.end <= duration and all(w.end is None or w.end <= duration for w in segment.words):
        return segment
    words = [w for w in (_clamp_word(w, duration) for w in segment.words) if w is not None]
    text = _text(words) if len(words) < len(segment.words) else segment.text
    return segment.model_copy(update={"end": min(segment.end, duration), "words": words, "text": text})


def repair(segments: list[Segment], duration: float) -> tuple[list[Segment], list[str]]:
    """Segments without loops or times past ``duration``, and a note for each kind of repair made."""
    out, removed, clamped = [], 0, 0
    for segment in segments:
        fixed, dropped = collapse_loops(segment)
        removed += dropped
        cut = clamp_to_duration(fixed, duration)
        clamped += cut is not fixed
        if cut is not None and (cut.text.strip() or cut.words):
            out.append(cut)
    notes = []
    if removed:
        notes.append(f"repaired hallucination loops: {removed} repeated word(s) removed")
    if clamped:
        notes.append(f"{clamped} segment(s) ran past the end of the audio ({duration:.1f} s): cut there")
    return out, notes
