"""What a user points a stage at, as a document: a saved document as it is, or audio/video wrapped in a new one.

The CLI, the pipeline runner and the stress test all start here, so a file is read the same way
whichever of them is given it.
"""

from __future__ import annotations

from pathlib import Path

from speechkit.media.audio import probe, sha256
from speechkit.errors import AudioError
from speechkit.schema import Document, Source


def is_document(path: Path) -> bool:
    return path.suffix.lower() == ".json"


def document_from_audio(path: Path, channel: str | None = None) -> Document:
    audio = probe(path, channel=channel)
    return Document(source=Source(kind="file", uri=audio.path, duration=audio.duration), audio=audio)


def load_input(path: str | Path, channel: str | None = None) -> Document:
    """A document (``.json``) as it is, or audio/video wrapped in a new document."""
    path = Path(path)
    if is_document(path):
        doc = Document.load(path)
        check_audio(doc, path)
        if channel is not None and doc.audio is not None:
            doc.audio = doc.audio.model_copy(update={"channel": channel})
        return doc
    return document_from_audio(path, channel)


def check_audio(doc: Document, origin: Path) -> None:
    """Refuse a document whose recording was replaced since it was made: its words and times would be
    matched to other audio (a missing file is left to the stages that need it)."""
    audio = doc.audio
    if audio is None or not audio.sha256 or not Path(audio.path).is_file():
        return
    if sha256(audio.path) != audio.sha256:
        raise AudioError(f"{origin}: its audio {audio.path} has changed since the document was made "
                         "(checksum differs); restore the recording or start again from it")
