"""Dropped speech: reference speech with no recognised word anywhere near it.

WER mixes misheard words with speech the recogniser never decoded; this counts only the second, the
failure a clean-looking transcript hides. Built conversations give each turn's words but not each
word's time, so a turn's duration is shared among its words by their length in characters; a word
counts as dropped when no recognised word comes within :data:`SLACK` seconds of that share.
Where a reference has turns only (the AMI excerpts' RTTM), the share of speech time that far from
every recognised word stands in for it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from speechkit.metrics.attribution import ReferenceTurn
from speechkit.schema import SpeakerTurn, Word

SLACK = 0.5
"""Seconds either side of a reference word where a recognised word still counts as its recognition: the
character-length estimate of a word's time and cross-attention word times both err by a few hundred ms."""


def _times(words: Sequence[Word]) -> list[tuple[float, float]]:
    return [(w.start, w.end) for w in words if w.start is not None and w.end is not None]


def reference_words(turns: Sequence[ReferenceTurn]) -> list[tuple[float, float]]:
    """Every reference word's estimated (start, end): its turn's time shared by character length."""
    out = []
    for turn in turns:
        tokens = turn.text.split()
        total, done = sum(len(t) + 1 for t in tokens), 0
        for token in tokens:
            start = turn.start + (turn.end - turn.start) * done / total
            done += len(token) + 1
            out.append((start, turn.start + (turn.end - turn.start) * done / total))
    return out


def dropped_words(turns: Sequence[ReferenceTurn], words: Sequence[Word]) -> list[tuple[float, float]]:
    """The reference words (estimated times) with no recognised word within :data:`SLACK` seconds."""
    heard = _times(words)
    return [(a, b) for a, b in reference_words(turns)
            if not any(s < b + SLACK and e > a - SLACK for s, e in heard)]


def dropped_share(turns: Sequence[ReferenceTurn], words: Sequence[Word]) -> float:
    """Share of reference words no recognised word comes near (0 when the reference has no words)."""
    total = len(reference_words(turns))
    return len(dropped_words(turns, words)) / total if total else 0.0


def dropped_time_share(turns: Sequence[SpeakerTurn], words: Sequence[Word], slack: float = 1.0,
                       rate: int = 100) -> float:
    """Share of reference speech time (turns' union, ``rate`` frames a second) farther than ``slack`` seconds
    from every recognised word: the measure for references with speaker turns but no words."""
    if not turns:
        return 0.0
    frames = int(np.ceil(max(t.end for t in turns) * rate)) + 1
    speech, heard = np.zeros(frames, dtype=bool), np.zeros(frames, dtype=bool)
    for t in turns:
        speech[int(t.start * rate):int(np.ceil(t.end * rate))] = True
    for start, end in _times(words):
        heard[max(int((start - slack) * rate), 0):max(int(np.ceil((end + slack) * rate)), 0)] = True
    return float((speech & ~heard).sum() / max(speech.sum(), 1))
