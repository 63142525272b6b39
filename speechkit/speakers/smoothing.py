"""Speaker labels that follow speech, not frame noise: whole sentences, no one-word flip-flops.

Word-level majority overlap is only as good as the word timestamps and the diarizer's frame
decisions; both wobble at turn edges and in overlap, which cuts one question into one-word cues of
alternating speakers. Like whisper-diarization's punctuation realignment, a sentence keeps one
speaker unless a real turn change lies inside it (the other speaker holds a run of at least
``MIN_RUN_WORDS`` words and ``MIN_RUN_SECONDS``); then runs shorter than ``MIN_CUE_SECONDS``
whose speaker differs from both neighbours take a neighbour's speaker.
"""

from __future__ import annotations

from dataclasses import dataclass

from speechkit.schema import Word

MIN_RUN_WORDS = 3
MIN_RUN_SECONDS = 1.0
"""A speaker change inside a sentence is real only when the new speaker keeps the floor this long."""
MIN_CUE_SECONDS = 0.3
"""Shorter runs between two other speakers are a flip-flop, not a turn."""


@dataclass
class _Run:
    speaker: str | None
    words: list[Word]

    @property
    def seconds(self) -> float:
        starts = [w.start for w in self.words if w.start is not None]
        ends = [w.end for w in self.words if w.end is not None]
        return max(ends) - min(starts) if starts and ends else 0.0

    @property
    def start(self) -> float | None:
        return next((w.start for w in self.words if w.start is not None), None)

    @property
    def end(self) -> float | None:
        return next((w.end for w in reversed(self.words) if w.end is not None), None)


def runs(words: list[Word]) -> list[_Run]:
    """Maximal stretches of consecutive words with the same speaker."""
    out: list[_Run] = []
    for word in words:
        if out and out[-1].speaker == word.speaker:
            out[-1].words.append(word)
        else:
            out.append(_Run(word.speaker, [word]))
    return out


def _relabel(run: _Run, speaker: str | None) -> None:
    for word in run.words:
        word.speaker = speaker


def _gap(a: _Run, b: _Run) -> float:
    """Seconds between the end of ``a`` and the start of ``b`` (inf when either is untimed)."""
    if a.end is None or b.start is None:
        return float("inf")
    return abs(b.start - a.end)


def _absorb(items: list[_Run], i: int) -> None:
    """Give run ``i`` the speaker of the neighbour it belongs with: the shared one, else the closer in time."""
    before = items[i - 1] if i > 0 else None
    after = items[i + 1] if i + 1 < len(items) else None
    if before is None or after is None:
        _relabel(items[i], (before or after).speaker)  # type: ignore[union-attr]
    elif before.speaker == after.speaker or _gap(before, items[i]) <= _gap(items[i], after):
        _relabel(items[i], before.speaker)
    else:
        _relabel(items[i], after.speaker)


def _weak(run: _Run) -> bool:
    return len(run.words) < MIN_RUN_WORDS or run.seconds < MIN_RUN_SECONDS


def smooth_sentence(words: list[Word]) -> None:
    """Fold runs too short to be a real turn into their neighbours, weakest first, in place."""
    while True:
        items = runs(words)
        candidates = [i for i, r in enumerate(items) if _weak(r)]
        if len(items) < 2 or not candidates:
            return
        _absorb(items, min(candidates, key=lambda i: (len(items[i].words), items[i].seconds)))


def remove_flip_flops(words: list[Word]) -> None:
    """Relabel runs under ``MIN_CUE_SECONDS`` whose speaker differs from both neighbours, in place."""
    changed = True
    while changed:
        changed = False
        items = runs(words)
        for i in range(1, len(items) - 1):
            if items[i].seconds < MIN_CUE_SECONDS and items[i - 1].speaker != items[i].speaker != items[i + 1].speaker:
                _absorb(items, i)
                changed = True
                break
