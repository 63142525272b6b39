"""SRT and WebVTT: one cue per segment, lines wrapped, the speaker named as WhisperX does."""

from __future__ import annotations

import textwrap

from speechkit.schema import Document, Segment

MAX_LINE_WIDTH = 42
"""Netflix's and the BBC's guideline for a subtitle line."""


def timestamp(seconds: float, decimal: str) -> str:
    ms = max(0, round(seconds * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{decimal}{ms:03d}"


def cue_text(segment: Segment) -> str:
    text = segment.text.strip().replace("-->", "->")  # the cue-timing arrow would end the cue early
    if segment.speaker:
        text = f"[{segment.speaker}]: {text}"
    return "\n".join(textwrap.wrap(text, MAX_LINE_WIDTH)) or text


def _cues(doc: Document, decimal: str) -> list[str]:
    return [f"{timestamp(s.start, decimal)} --> {timestamp(s.end, decimal)}\n{cue_text(s)}\n"
            for s in doc.segments if s.text.strip()]


def to_srt(doc: Document) -> str:
    return "\n".join(f"{i}\n{cue}" for i, cue in enumerate(_cues(doc, ","), start=1))


def to_vtt(doc: Document) -> str:
    return "WEBVTT\n\n" + "\n".join(_cues(doc, "."))
