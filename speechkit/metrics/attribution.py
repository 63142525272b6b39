"""Who-said-what scores: word attribution accuracy and cpWER, both under the best speaker mapping.

Hypothesis speaker labels are arbitrary (SPEAKER_00 may be the reference's "kathleen"), so both
measures first pair hypothesis and reference speakers one-to-one (Hungarian assignment); a
speaker left unpaired counts against the score, as in the CHiME-6 definition of cpWER.
"""

from __future__ import annotations

from dataclasses import dataclass

import jiwer
import numpy as np
from scipy.optimize import linear_sum_assignment

from speechkit.metrics.wer import normalize
from speechkit.schema import SpeakerTurn, Word


@dataclass(frozen=True)
class ReferenceTurn:
    """One speaker's stretch of a reference conversation with the words spoken in it."""

    start: float
    end: float
    speaker: str
    text: str


def reference_speaker(word: Word, turns: list[ReferenceTurn] | list[SpeakerTurn]) -> str:
    """The reference speaker of a recognised word: the turn overlapping it most, else the nearest turn."""
    start = word.start if word.start is not None else 0.0
    end = word.end if word.end is not None else start
    best = max(turns, key=lambda t: (min(end, t.end) - max(start, t.start), -abs(t.start - start)))
    if min(end, best.end) - max(start, best.start) > 0:
        return best.speaker
    return min(turns, key=lambda t: max(t.start - end, start - t.end, 0.0)).speaker


def _best_mapping(score: np.ndarray) -> list[tuple[int, int]]:
    """Row-column pairs maximising the total ``score``."""
    rows, cols = linear_sum_assignment(score, maximize=True)
    return list(zip(rows.tolist(), cols.tolist()))


def word_attribution(words: list[Word], turns: list[ReferenceTurn] | list[SpeakerTurn]) -> float:
    """Share of recognised words whose speaker, mapped one-to-one onto reference speakers, is their turn's."""
    if not words:
        raise ValueError("no recognised words to score")
    refs = sorted({t.speaker for t in turns})
    hyps = sorted({w.speaker for w in words if w.speaker})
    counts = np.zeros((len(hyps), len(refs)))
    for word in words:
        if word.speaker:
            counts[hyps.index(word.speaker), refs.index(reference_speaker(word, turns))] += 1
    return float(sum(counts[r, c] for r, c in _best_mapping(counts)) / len(words)) if hyps else 0.0


def _errors(reference: str, hypothesis: str) -> int:
    if not reference:
        return len(hypothesis.split())
    if not hypothesis:
        return len(reference.split())
    out = jiwer.process_words(reference, hypothesis)
    return out.substitutions + out.deletions + out.insertions


def cp_wer(reference: dict[str, str], hypothesis: dict[str, str], language: str | None = "en") -> float:
    """Concatenated minimum-permutation WER: each speaker's text against its best-paired speaker's text."""
    refs = {k: normalize(v, language) for k, v in reference.items()}
    hyps = {k: normalize(v, language) for k, v in hypothesis.items()}
    total = sum(len(v.split()) for v in refs.values())
    if not total:
        raise ValueError("reference text is empty after normalisation")
    ref_texts, hyp_texts = list(refs.values()), list(hyps.values())
    size = max(len(ref_texts), len(hyp_texts))
    ref_texts += [""] * (size - len(ref_texts))
    hyp_texts += [""] * (size - len(hyp_texts))
    errors = np.array([[_errors(r, h) for h in hyp_texts] for r in ref_texts], dtype=float)
    rows, cols = linear_sum_assignment(errors)
    return float(errors[rows, cols].sum() / total)


def texts_by_speaker(items: list[ReferenceTurn] | list[Word]) -> dict[str, str]:
    """Each speaker's words in time order, joined: the input of :func:`cp_wer`."""
    out: dict[str, list[str]] = {}
    for item in items:
        text = item.text if isinstance(item, ReferenceTurn) else item.word
        out.setdefault(item.speaker or "", []).append(text)
    return {speaker: " ".join(parts) for speaker, parts in out.items()}
