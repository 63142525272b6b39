"""Whisper's known failure shapes, repaired after decoding: text on no speech, loops, times past the end.

Batched decoding has none of the sequential mode's no-speech, compression-ratio and log-prob checks,
so a segment can come back as words on noise ("you", "Yeah, yeah, yeah."), as one phrase said a
hundred times, or end after the audio does. All three are cut here, the same way for every backend,
and each repair is recorded in the run's notes with the words removed. A person does repeat a word ("no, no, no, no, no"), and raw decoding keeps it and is
right, so a repeated phrase is cut only where the audio cannot hold it: more repeats than anyone
says, words faster than anyone speaks or of no length, words past the end of the audio, or text that
compresses far better than speech does (Whisper's own loop test).
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

from speechkit.schema import Segment, Word
from speechkit.segments import text_without, without

LOOP_REPEATS = 5
"""A phrase said this many times in a row is examined; fewer is always taken as said."""
MAX_PHRASE_WORDS = 4
HUMAN_REPEATS = 7
"""More repeats than this in a row are a loop whatever their times: people rarely go past 4-5."""
MAX_WORDS_PER_SECOND = 7.0
"""Repeats faster than this outrun speech (fast speech is 4-5 words a second)."""
MIN_WORD_SECONDS = 0.05
"""A word shorter than this (Whisper's word times step by 20 ms) was not heard."""
MAX_COMPRESSION_RATIO = 2.4
"""Whisper's own threshold: a segment's text that compresses better than this is a loop."""
NO_SPEECH_PROB, MIN_AVG_LOGPROB = 0.6, -1.0
"""Whisper's own no-speech rule: a segment the decoder finds more likely silent than not, and whose words it
was unsure of, was not speech."""


@dataclass(frozen=True)
class Loop:
    """Repeats cut from one segment: where, which phrase, how many, and what showed the audio cannot hold them."""

    start: float
    phrase: str
    removed: int
    reason: str

    def describe(self) -> str:
        return f'"{self.phrase}" x{self.removed} at {self.start:.1f} s ({self.reason})'


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


def not_speech(segment: Segment) -> bool:
    """Whisper's rule, as its sequential decoding applies it, for backends that record both figures."""
    return (segment.no_speech_prob is not None and segment.avg_logprob is not None
            and segment.no_speech_prob > NO_SPEECH_PROB and segment.avg_logprob < MIN_AVG_LOGPROB)


def compression_ratio(text: str) -> float:
    """Bytes of the text over bytes compressed, as Whisper computes it."""
    data = text.encode()
    return len(data) / len(zlib.compress(data)) if data else 0.0


def unsupported(segment: Segment, span: tuple[int, int, int], duration: float | None) -> str | None:
    """Why the audio cannot hold this run of repeats, or None when it can (a person said them)."""
    start, n, repeats = span
    if repeats > HUMAN_REPEATS:
        return f"{repeats} repeats"
    ratio = compression_ratio(segment.text)
    if ratio > MAX_COMPRESSION_RATIO:
        return f"compression ratio {ratio:.1f}"
    words = segment.words[start:start + n * repeats]
    if not words:  # text only: its pace over the segment is all there is to judge
        pace = len(segment.text.split()) / max(segment.end - segment.start, 1e-3)
        return f"{pace:.0f} words/s" if pace > MAX_WORDS_PER_SECOND else None
    if any(w.start is None or w.end is None for w in words):
        return None
    if duration is not None and words[-1].start >= duration:
        return "past the end of the audio"
    if sum(w.end - w.start < MIN_WORD_SECONDS for w in words) * 2 > len(words):
        return "words of no length"
    pace = len(words) / max(words[-1].end - words[0].start, 1e-3)
    return f"{pace:.0f} words/s" if pace > MAX_WORDS_PER_SECOND else None


def collapse_loops(segment: Segment, language: str | None = None,
                   duration: float | None = None) -> tuple[Segment, list[Loop]]:
    """The segment with each looped phrase the audio cannot hold said once, and the loops cut."""
    tokens = [w.word for w in segment.words] if segment.words else segment.text.split()
    drop, loops = [], []
    for span in loop_spans(tokens):
        reason = unsupported(segment, span, duration)
        if reason is None:
            continue
        start, n, repeats = span
        drop.append((start + n, start + n * repeats))
        at = segment.words[start].start if segment.words and segment.words[start].start is not None else segment.start
        loops.append(Loop(at, " ".join(tokens[start:start + n]), n * (repeats - 1), reason))
    if not drop:
        return segment, []
    if not segment.words:
        return segment.model_copy(update={"text": " ".join(without(tokens, drop))}), loops
    words = without(segment.words, drop)
    end = max((w.end for w in words if w.end is not None), default=segment.end)
    text = text_without(segment, drop, language)
    return segment.model_copy(update={"words": words, "text": text, "end": end}), loops


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
    """Segments without text on no speech, loops or times past ``duration``, and a note for each kind of repair."""
    out, loops, clamped, noise = [], [], 0, []
    for segment in segments:
        if not_speech(segment):
            noise.append(segment)
            continue
        fixed, cut_loops = collapse_loops(segment, language, duration)
        loops += cut_loops
        cut = clamp_to_duration(fixed, duration, language)
        clamped += cut is not fixed
        if cut is not None and (cut.text.strip() or cut.words):
            out.append(cut)
    notes = []
    if noise:
        notes.append(f"{len(noise)} segment(s) the decoder judged not speech (no-speech probability over "
                     f"{NO_SPEECH_PROB}, mean log-probability under {MIN_AVG_LOGPROB}) removed: "
                     + "; ".join(f'"{s.text.strip()}" at {s.start:.1f} s' for s in noise))
    if loops:
        notes.append(f"repaired hallucination loops: {sum(loop.removed for loop in loops)} repeated word(s) removed: "
                     + "; ".join(loop.describe() for loop in loops))
    if clamped:
        notes.append(f"{clamped} segment(s) ran past the end of the audio ({duration:.1f} s): cut there")
    return out, notes
