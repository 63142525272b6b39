"""Writers from a document to the formats people use: subtitles, text, tables, RTTM, JSON.

Conventions follow WhisperX's writers: subtitle cues prefixed ``[SPEAKER_00]:`` when speakers
are known, TSV in integer milliseconds, JSON with ``segments`` and ``word_segments``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from speechkit.export.rttm import to_rttm
from speechkit.export.subtitles import to_srt, to_vtt
from speechkit.export.text import to_markdown, to_tsv, to_txt
from speechkit.speakers.names import labelled

if TYPE_CHECKING:  # pydantic and the schema load when a document is handled, not for --help
    from speechkit.schema import Document

FORMATS: dict[str, Callable[[Document], str]] = {
    "srt": lambda doc: to_srt(labelled(doc)),
    "vtt": lambda doc: to_vtt(labelled(doc)),
    "txt": lambda doc: to_txt(labelled(doc)),
    "tsv": lambda doc: to_tsv(labelled(doc)),
    "json": lambda doc: doc.to_json() + "\n",
    "md": lambda doc: to_markdown(labelled(doc)),
    "rttm": to_rttm,
}
"""Text formats show speakers' names where the document has them; JSON and RTTM keep the ids."""
