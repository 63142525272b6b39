"""Speech the decoder skipped: detected speech with no recognised word is re-decoded once, and what stays
without words is named, so a loss is never silent.

Batched faster-whisper decodes each batch item (up to 30 s of VAD speech, joined) as one text without
timestamps, and keeps whatever that text is: when the decoder ends early or skips sentences, that speech
is gone with no sign (a built conversation lost 33-58 s this way: three turns, of which the batch item
kept only the sentence after them; ``benchmarks/dropped_speech.py``). Sequential decoding can skip a
window too (its no-speech test). So after every block is decoded, Silero VAD's speech is compared with
the recognised words: each stretch of speech that no word touches is decoded again on its own audio,
sequentially and deterministically (the backend's :meth:`~WhisperTranscriber.redecode`), and what still
has no words goes into the provenance notes and the log.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from speechkit.media import audible
from speechkit.media.audio import SAMPLE_RATE
from speechkit.schema import Segment
from speechkit.segments import shifted

log = logging.getLogger("speechkit")

MIN_SPEECH_SECONDS = 1.0
"""Uncovered speech shorter than this (a cough, a laugh, "mm") is neither re-decoded nor reported:
Whisper rightly writes nothing for most of it, and re-decoding it invites "Thank you."."""
TOLERANCE = 0.5
"""Speech within this many seconds of a word counts as heard: the pauses between words, and the drift of
word times taken from cross-attention."""
FRAMES = 100
"""Grid of the comparison, per second."""
JOIN_GAP = 3.0
"""Neighbouring uncovered stretches this close are decoded together: the decoder gets whole sentences."""
PAD = 0.2
"""Audio kept either side of a stretch when it is re-decoded, so its first and last syllables are whole."""


@dataclass(frozen=True)
class Span:
    """A stretch of the recording, in seconds, and how much VAD speech it holds."""

    start: float
    end: float
    speech: float

    def __str__(self) -> str:
        return f"{self.start:.1f}-{self.end:.1f} s"


@dataclass
class Coverage:
    """One block after the check: its segments (re-decoded ones added, in time order) and what was tried."""

    segments: list[Segment]
    redecoded: list[Span] = field(default_factory=list)
    missing: list[Span] = field(default_factory=list)


def speech_spans(samples: np.ndarray) -> list[tuple[float, float]]:
    """Silero VAD's speech in ``samples`` (16 kHz), in seconds, with the options batched faster-whisper uses."""
    return audible.speech_spans(samples, min_silence_duration_ms=160, speech_pad_ms=100, max_speech_duration_s=30)


def heard(segments: Iterable[Segment]) -> list[tuple[float, float]]:
    """The times that hold recognised words: each timed word, or a whole segment where words have no times
    (WhisperX gives segment times only)."""
    out: list[tuple[float, float]] = []
    for segment in segments:
        timed = [(w.start, w.end) for w in segment.words if w.start is not None and w.end is not None]
        if timed:
            out.extend(timed)
        elif segment.text.strip():
            out.append((segment.start, segment.end))
    return out


def uncovered(speech: list[tuple[float, float]], words: list[tuple[float, float]]) -> list[Span]:
    """Detected speech farther than :data:`TOLERANCE` from every word, on a 10 ms grid: a whole turn with no
    word, and also the part of a stretch a batch item's text skipped before the word that ends it.
    Pieces only silence apart (up to :data:`JOIN_GAP`) are joined; ones with too little speech are left out."""
    if not speech:
        return []
    frames = int(np.ceil(max(end for _, end in speech) * FRAMES)) + 1
    lost = np.zeros(frames, dtype=bool)
    for start, end in speech:
        lost[int(start * FRAMES):int(np.ceil(end * FRAMES))] = True
    said = np.zeros(frames, dtype=bool)
    for start, end in words:
        said[max(int((start - TOLERANCE) * FRAMES), 0):max(int(np.ceil((end + TOLERANCE) * FRAMES)), 0)] = True
    lost &= ~said
    spans: list[Span] = []
    edges = np.flatnonzero(np.diff(np.concatenate(([0], lost.astype(np.int8), [0]))))
    for first, last in zip(edges[::2], edges[1::2]):
        start, end = int(first) / FRAMES, int(last) / FRAMES
        if spans and start - spans[-1].end <= JOIN_GAP and not said[int(spans[-1].end * FRAMES):first].any():
            previous = spans.pop()
            spans.append(Span(previous.start, end, previous.speech + end - start))
        else:
            spans.append(Span(start, end, end - start))
    return [s for s in spans if s.speech >= MIN_SPEECH_SECONDS]


def cover(samples: np.ndarray, offset: float, segments: list[Segment],
          redecode: Callable[[np.ndarray], Iterable[Segment]]) -> Coverage:
    """Check one block (``samples``, starting ``offset`` s in; ``segments`` in recording time): each
    uncovered stretch is re-decoded once with ``redecode`` and kept when that gives words."""
    local = [(start + offset, end + offset) for start, end in speech_spans(samples)]
    result = Coverage(list(segments))
    duration = samples.size / SAMPLE_RATE
    for span in uncovered(local, heard(segments)):
        begin, finish = max(span.start - offset - PAD, 0.0), min(span.end - offset + PAD, duration)
        found = [shifted(s, offset + begin)
                 for s in redecode(samples[int(begin * SAMPLE_RATE):int(finish * SAMPLE_RATE)])]
        result.redecoded.append(span)
        if heard(found):
            result.segments.extend(found)
        else:
            result.missing.append(span)
    result.segments.sort(key=lambda s: s.start)
    return result


def coverage_notes(redecoded: list[Span], missing: list[Span], source: str | None = None) -> list[str]:
    """Provenance notes for the check (nothing when all speech had words), the loss also logged as a warning."""
    if not redecoded:
        return []
    recovered = len(redecoded) - len(missing)
    notes = [f"{sum(s.speech for s in redecoded):.0f} s of detected speech had no words after decoding "
             f"({len(redecoded)} stretch(es)): re-decoded sequentially, words found in {recovered}"]
    if missing:
        lost = (f"{sum(s.speech for s in missing):.0f} s of detected speech produced no words: "
                + ", ".join(map(str, missing)))
        notes.append(lost)
        log.warning("speechkit: warning: %s%s", f"{source}: " if source else "", lost)
    return notes
