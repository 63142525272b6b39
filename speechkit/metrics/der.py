"""Diarization error rate with pyannote.metrics, the measure pyannote's own results are reported in.

``collar`` follows pyannote.metrics: the total width, in seconds, of the no-score zone around each
reference boundary (half before, half after); NIST md-eval's ``-c 0.25`` equals ``collar=0.5`` here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from speechkit.schema import SpeakerTurn


def annotation(turns: list[SpeakerTurn], uri: str = "audio"):
    from pyannote.core import Annotation, Segment

    result = Annotation(uri=uri)
    for index, turn in enumerate(turns):
        result[Segment(turn.start, turn.end), index] = turn.speaker
    return result


@dataclass(frozen=True)
class DiarizationErrors:
    der: float
    false_alarm: float
    missed: float
    confusion: float
    total: float
    """Scored reference speech, in seconds; the three error kinds are seconds too."""
    reference_speakers: int
    hypothesis_speakers: int

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def diarization_error(reference: list[SpeakerTurn], hypothesis: list[SpeakerTurn], collar: float = 0.0,
                      skip_overlap: bool = False, uem: tuple[float, float] | None = None) -> DiarizationErrors:
    """DER of ``hypothesis`` against ``reference``, scored inside ``uem`` (default: both extents)."""
    from pyannote.core import Segment, Timeline
    from pyannote.metrics.diarization import DiarizationErrorRate

    if not reference:
        raise ValueError("reference has no speaker turns")
    ref, hyp = annotation(reference), annotation(hypothesis)
    if uem is None:
        uem = (0.0, max(t.end for t in reference + hypothesis))
    metric = DiarizationErrorRate(collar=collar, skip_overlap=skip_overlap)
    details = metric(ref, hyp, uem=Timeline([Segment(*uem)]), detailed=True)
    return DiarizationErrors(
        der=float(details["diarization error rate"]),
        false_alarm=float(details["false alarm"]),
        missed=float(details["missed detection"]),
        confusion=float(details["confusion"]),
        total=float(details["total"]),
        reference_speakers=len({t.speaker for t in reference}),
        hypothesis_speakers=len({t.speaker for t in hypothesis}),
    )
