"""People's names for diarized speakers: ``SPEAKER_00=Diane,SPEAKER_01=Sheila`` or a YAML mapping file.

Names are stored on the document's speakers (``Speaker.name``); the ids stay in segments, words,
turns and RTTM, and text exports show the names through :func:`labelled`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from speechkit.errors import SpeechkitError
from speechkit.io import read_yaml

if TYPE_CHECKING:  # pydantic and the schema load when a document is handled, not for --help
    from speechkit.schema import Document


class SpeakerNamesError(SpeechkitError):
    """A names mapping that cannot be read, or that names a speaker the document does not have."""


def parse_names(text: str) -> dict[str, str]:
    """``ID=Name,ID=Name`` or the path of a YAML file mapping ids to names."""
    if Path(text).suffix in (".yaml", ".yml") or (Path(text).is_file() and "=" not in text):
        data = read_yaml(Path(text), "speaker names file", SpeakerNamesError)
        if not isinstance(data, dict):
            raise SpeakerNamesError(f"{text}: speaker names are a mapping such as SPEAKER_00: Diane")
        return {str(k): str(v) for k, v in data.items()}
    pairs = [item.partition("=") for item in text.split(",") if item.strip()]
    bad = [p[0] for p in pairs if not p[1] or not p[0].strip() or not p[2].strip()]
    if bad or not pairs:
        raise SpeakerNamesError(f"--speaker-names {text!r}: expected ID=Name[,ID=Name...], e.g. SPEAKER_00=Diane")
    return {k.strip(): v.strip() for k, _, v in pairs}


def apply_names(doc: Document, names: dict[str, str]) -> Document:
    """``doc`` with its speakers named; an id the document does not have is an error naming the ids it has."""
    known = [s.id for s in doc.speakers]
    unknown = [k for k in names if k not in known]
    if unknown:
        raise SpeakerNamesError(f"no speaker {', '.join(unknown)} in this document (speakers: {', '.join(known) or 'none'})")
    doc.speakers = [s.model_copy(update={"name": names.get(s.id, s.name)}) for s in doc.speakers]
    return doc


def labelled(doc: Document) -> Document:
    """A copy whose segment and word speakers read as the people's names, for text exports."""
    names = {s.id: s.name for s in doc.speakers if s.name}
    if not names:
        return doc
    copy = doc.model_copy(deep=True)
    for segment in copy.segments:
        segment.speaker = names.get(segment.speaker or "", segment.speaker)
        for word in segment.words:
            word.speaker = names.get(word.speaker or "", word.speaker)
    if copy.summary is not None:
        copy.summary.speakers = {names.get(k, k): v for k, v in copy.summary.speakers.items()}
    return copy
