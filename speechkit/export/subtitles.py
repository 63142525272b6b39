"""SRT and WebVTT cues people can read: at most 2 lines of 42 characters and 7 seconds, never two speakers.

Long segments (Whisper's are up to 30 s) are cut into cues at word boundaries, using the words' times;
a segment without word times has its words timed by their share of its characters. The speaker is
named as WhisperX does (``[SPEAKER_00]: ...``). With ``highlight_words`` each cue is repeated once per
word, that word underlined (``<u>...</u>``) while it is spoken, as Whisper's ``--highlight_words`` does.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from speechkit.segments import NO_SPACE_LANGUAGES

if TYPE_CHECKING:  # pydantic and the schema load when a document is handled, not for --help
    from speechkit.schema import Document, Segment


@dataclass(frozen=True)
class CueLimits:
    max_line_width: int = 42
    """Netflix's and the BBC's guideline for a subtitle line."""
    max_line_count: int = 2
    max_cue_seconds: float = 7.0
    highlight_words: bool = False


@dataclass
class Cue:
    start: float
    end: float
    speaker: str | None
    words: list[str]
    times: list[tuple[float, float]] = field(default_factory=list)
    """Each word's (start, end)."""


def timestamp(seconds: float, decimal: str) -> str:
    ms = max(0, round(seconds * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{decimal}{ms:03d}"


def _timed_words(segment: Segment) -> list[tuple[str, float, float, str | None]]:
    """(word, start, end, speaker) for every word; untimed words share the segment's time by characters.
    Speakers come from a labelled segment only (a segment whose label was cleared shows none)."""
    words = segment.words

    def speaker(i: int) -> str | None:
        return (words[i].speaker if words and words[i].speaker else segment.speaker) if segment.speaker else None

    if words and all(w.start is not None and w.end is not None for w in words):
        return [(w.word, w.start, w.end, speaker(i)) for i, w in enumerate(words)]  # type: ignore[misc]
    tokens = [w.word for w in words] or segment.text.split()
    total, at, out = sum(len(t) for t in tokens) or 1, 0, []
    span = segment.end - segment.start
    for i, token in enumerate(tokens):
        start = segment.start + span * at / total
        at += len(token)
        out.append((token, start, segment.start + span * at / total, speaker(i) if words else segment.speaker))
    return out


def _lines(text: str, limits: CueLimits) -> list[str]:
    return textwrap.wrap(text, limits.max_line_width) or [text]


def cues(doc: Document, limits: CueLimits = CueLimits()) -> list[Cue]:
    """The document's segments cut into cues within ``limits``, a new cue at every speaker change."""
    out: list[Cue] = []
    for segment in doc.segments:
        cue: Cue | None = None
        for word, start, end, speaker in _timed_words(segment):
            if cue is not None and cue.speaker == speaker and _fits(cue, word, end, doc.language, limits):
                cue.words.append(word)
                cue.times.append((start, end))
                cue.end = end
                continue
            cue = Cue(start, end, speaker, [word], [(start, end)])
            out.append(cue)
    return out


def _fits(cue: Cue, word: str, end: float, language: str | None, limits: CueLimits) -> bool:
    text = cue_text(Cue(cue.start, end, cue.speaker, [*cue.words, word]), language)
    return end - cue.start <= limits.max_cue_seconds and len(_lines(text, limits)) <= limits.max_line_count


def cue_text(cue: Cue, language: str | None = None) -> str:
    return _text_and_spans(cue, language)[0]


def _text_and_spans(cue: Cue, language: str | None) -> tuple[str, list[tuple[int, int]]]:
    """The cue's text and each word's character span in it."""
    separator = "" if language in NO_SPACE_LANGUAGES else " "
    prefix = f"[{cue.speaker}]: " if cue.speaker else ""
    words = [w.replace("-->", "->") for w in cue.words]  # the arrow ends a cue
    spans, at = [], len(prefix)
    for word in words:
        spans.append((at, at + len(word)))
        at += len(word) + len(separator)
    return prefix + separator.join(words), spans


def _timed_bodies(cue: Cue, language: str | None, limits: CueLimits) -> Iterator[tuple[float, float, str]]:
    """(start, end, text) of the cue, or with ``highlight_words`` of each word's moment and the gaps between."""
    text, spans = _text_and_spans(cue, language)
    lines = _lines(text, limits)
    plain = "\n".join(lines)
    if not limits.highlight_words:
        yield cue.start, cue.end, plain
        return
    last = cue.start
    for (start, end), span in zip(cue.times, spans):
        if round(start * 1000) > round(last * 1000):
            yield last, start, plain
        yield start, end, _underlined(lines, text, span)
        last = end


def _underlined(lines: list[str], text: str, span: tuple[int, int]) -> str:
    """``lines`` (wrapped from ``text``, so each is a piece of it) with ``text[span]`` underlined."""
    out, at = [], 0
    for line in lines:
        begin = text.index(line, at)
        at = begin + len(line)
        a, b = max(span[0], begin) - begin, min(span[1], at) - begin
        out.append(f"{line[:a]}<u>{line[a:b]}</u>{line[b:]}" if a < b else line)
    return "\n".join(out)


def _blocks(doc: Document, decimal: str, limits: CueLimits) -> list[str]:
    return [f"{timestamp(start, decimal)} --> {timestamp(end, decimal)}\n{body}\n"
            for cue in cues(doc, limits) if cue.words for start, end, body in _timed_bodies(cue, doc.language, limits)]


def to_srt(doc: Document, limits: CueLimits = CueLimits()) -> str:
    return "\n".join(f"{i}\n{block}" for i, block in enumerate(_blocks(doc, ",", limits), start=1))


def to_vtt(doc: Document, limits: CueLimits = CueLimits()) -> str:
    return "WEBVTT\n\n" + "\n".join(_blocks(doc, ".", limits))
