"""Cutting a transcript into what summarizers consume: timed sentences, chapters, token-limited chunks.

Both backends share these, so a two-hour transcript is cut the same way whichever one runs.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from speechkit.schema import Chapter, Document, Segment

SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
ENDED = re.compile(r"[.!?…][\"')\]]*$")


@dataclass(frozen=True)
class Sentence:
    text: str
    start: float
    end: float
    speaker: str | None = None

    @property
    def n_words(self) -> int:
        return len(self.text.split())


def _speaker(segment: Segment, words: Sequence) -> str | None:
    if segment.speaker:
        return segment.speaker
    named = Counter(w.speaker for w in words if w.speaker)
    return named.most_common(1)[0][0] if named else None


def _split(segment: Segment) -> list[Sentence]:
    """A segment's sentences, timed by its words when they line up, else by character offset."""
    parts = [p.strip() for p in SENTENCE_END.split(segment.text.strip()) if p.strip()]
    words = [w for w in segment.words if w.start is not None and w.end is not None]
    counts = [len(p.split()) for p in parts]
    out = []
    if words and len(words) == sum(counts):
        i = 0
        for part, n in zip(parts, counts):
            chunk = words[i:i + n]
            i += n
            out.append(Sentence(part, chunk[0].start, chunk[-1].end, _speaker(segment, chunk)))
        return out
    total = max(1, sum(len(p) for p in parts))
    span = segment.end - segment.start
    offset = 0
    for part in parts:
        start = segment.start + span * offset / total
        offset += len(part)
        out.append(Sentence(part, round(start, 3), round(segment.start + span * offset / total, 3),
                            _speaker(segment, segment.words)))
    return out


def _runs(segments: Sequence[Segment]) -> list[Segment]:
    """Consecutive segments of one speaker joined while a sentence is still open.

    Diarization cuts segments where the speaker changes, often mid-sentence; joining the pieces
    of one speaker's sentence back together keeps quotes whole.
    """
    runs: list[Segment] = []
    for seg in segments:
        if not seg.text.strip():
            continue
        last = runs[-1] if runs else None
        if last is not None and last.speaker == seg.speaker and not ENDED.search(last.text.strip()):
            runs[-1] = last.model_copy(update={"end": seg.end, "text": f"{last.text.strip()} {seg.text.strip()}",
                                               "words": [*last.words, *seg.words]})
        else:
            runs.append(seg)
    return runs


def sentences(doc: Document) -> list[Sentence]:
    return [s for run in _runs(doc.segments) for s in _split(run)]


def substantive(items: list[Sentence], min_words: int = 4) -> list[Sentence]:
    """Sentences worth quoting: long enough ("Hello?" is not) and whole, not a piece of a sentence cut
    at a speaker change (it starts in lower case or has no final stop); all of them when none qualifies."""
    whole = [s for s in items if s.n_words >= min_words and not s.text[0].islower() and ENDED.search(s.text)]
    return whole or items


def by_speaker(items: list[Sentence]) -> dict[str, list[Sentence]]:
    grouped: dict[str, list[Sentence]] = {}
    for s in items:
        if s.speaker:
            grouped.setdefault(s.speaker, []).append(s)
    return grouped


def within(items: list[Sentence], start: float, end: float | None) -> list[Sentence]:
    """Sentences whose midpoint falls in ``[start, end)``."""
    return [s for s in items if start <= (s.start + s.end) / 2 < (end if end is not None else float("inf"))]


def chapters(doc: Document, items: list[Sentence], pause: float = 3.0, min_length: float = 60.0,
             max_chapters: int = 12) -> list[Chapter]:
    """The source's chapters; else cuts at pauses of ``pause`` seconds or more.

    A cut is taken only after ``min_length`` seconds (raised so there are at most ``max_chapters``),
    so a long recording gets a handful of chapters rather than one per breath. Fewer than two
    chapters means none.
    """
    if doc.source and doc.source.chapters:
        return list(doc.source.chapters)
    if not items:
        return []
    total = items[-1].end - items[0].start
    shortest = max(min_length, total / max(1, max_chapters))
    starts = [items[0].start]
    for prev, cur in zip(items, items[1:]):
        if cur.start - prev.end >= pause and cur.start - starts[-1] >= shortest:
            starts.append(cur.start)
    if len(starts) > 1 and items[-1].end - starts[-1] < shortest / 2:
        starts.pop()
    if len(starts) < 2:
        return []
    ends = starts[1:] + [items[-1].end]
    return [Chapter(start=round(s, 3), end=round(e, 3), title=f"Part {i}")
            for i, (s, e) in enumerate(zip(starts, ends), start=1)]


def fit(texts: Sequence[str], count: Callable[[list[str]], list[int]], limit: int) -> list[tuple[str, int]]:
    """Each text with its token count, in order; a text over ``limit`` tokens is halved at a word
    boundary until every piece fits (a run-on transcript without punctuation is one "sentence")."""
    out: list[tuple[str, int]] = []
    for text, n in zip(texts, count(list(texts))):
        words = text.split()
        if n <= limit:
            out.append((text, n))
        elif len(words) > 1:
            half = len(words) // 2
            out += fit([" ".join(words[:half]), " ".join(words[half:])], count, limit)
        else:
            out += fit([text[: max(1, len(text) * limit // (2 * n))]], count, limit)
    return out


def pack(pieces: Sequence[tuple[str, int]], limit: int, separator_tokens: int = 0) -> list[list[str]]:
    """Consecutive pieces grouped so each group's tokens (plus separators) stay within ``limit``."""
    groups: list[list[str]] = []
    current: list[str] = []
    used = 0
    for text, n in pieces:
        cost = n + (separator_tokens if current else 0)
        if current and used + cost > limit:
            groups.append(current)
            current, used = [], 0
            cost = n
        current.append(text)
        used += cost
    if current:
        groups.append(current)
    return groups
