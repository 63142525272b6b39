"""RTTM, pyannote's and NIST's diarization format: one SPEAKER line per turn."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from speechkit.errors import DocumentError
from speechkit.io import read_text

if TYPE_CHECKING:  # pydantic and the schema load when a document is handled, not for --help
    from speechkit.schema import Document, SpeakerTurn


def uri_of(doc: Document) -> str:
    """RTTM's file id: the audio's stem, with spaces replaced (RTTM fields are space separated)."""
    path = doc.audio.path if doc.audio else (doc.source.uri if doc.source else "audio")
    return re.sub(r"\s+", "_", Path(path).stem) or "audio"


def to_rttm(doc: Document) -> str:
    uri = uri_of(doc)
    lines = [f"SPEAKER {uri} 1 {t.start:.3f} {t.end - t.start:.3f} <NA> <NA> {t.speaker} <NA> <NA>"
             for t in sorted(doc.diarization, key=lambda t: (t.start, t.speaker))]
    return "\n".join(lines) + ("\n" if lines else "")


def parse_rttm(text: str, origin: str = "<rttm>") -> dict[str, list[SpeakerTurn]]:
    """Turns per file id (uri) from RTTM text; only SPEAKER lines carry turns, others are skipped."""
    from speechkit.schema import SpeakerTurn

    turns: dict[str, list[SpeakerTurn]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        fields = line.split()
        if not fields or fields[0].startswith((";", "#")) or fields[0] != "SPEAKER":
            continue
        if len(fields) < 8:
            raise DocumentError(f"{origin}: line {number}: a SPEAKER line needs at least 8 fields, found {len(fields)}")
        try:
            onset, duration = float(fields[3]), float(fields[4])
        except ValueError:
            raise DocumentError(f"{origin}: line {number}: onset and duration must be numbers "
                                f"(got {fields[3]!r}, {fields[4]!r})") from None
        if onset < 0 or duration < 0:
            raise DocumentError(f"{origin}: line {number}: negative onset or duration")
        turns.setdefault(fields[1], []).append(SpeakerTurn(start=onset, end=round(onset + duration, 6), speaker=fields[7]))
    return turns


def read_rttm(path: str | Path) -> dict[str, list[SpeakerTurn]]:
    turns = parse_rttm(read_text(path, "file", DocumentError), str(path))
    if not turns:
        raise DocumentError(f"{path}: no SPEAKER lines (not an RTTM file?)")
    return turns
