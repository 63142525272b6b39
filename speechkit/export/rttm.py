"""RTTM, pyannote's and NIST's diarization format: one SPEAKER line per turn."""

from __future__ import annotations

import re
from pathlib import Path

from speechkit.schema import Document


def uri_of(doc: Document) -> str:
    """RTTM's file id: the audio's stem, with spaces replaced (RTTM fields are space separated)."""
    path = doc.audio.path if doc.audio else (doc.source.uri if doc.source else "audio")
    return re.sub(r"\s+", "_", Path(path).stem) or "audio"


def to_rttm(doc: Document) -> str:
    uri = uri_of(doc)
    lines = [f"SPEAKER {uri} 1 {t.start:.3f} {t.end - t.start:.3f} <NA> <NA> {t.speaker} <NA> <NA>"
             for t in sorted(doc.diarization, key=lambda t: (t.start, t.speaker))]
    return "\n".join(lines) + ("\n" if lines else "")
