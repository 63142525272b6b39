"""Writers from a document to the formats people use: subtitles, text, tables, RTTM, JSON.

Conventions follow WhisperX's writers: subtitle cues prefixed ``[SPEAKER_00]:`` when speakers
are known, TSV in integer milliseconds, JSON with ``segments`` and ``word_segments``.
"""

from __future__ import annotations

from collections.abc import Callable

from speechkit.export.rttm import to_rttm
from speechkit.export.subtitles import to_srt, to_vtt
from speechkit.export.text import to_markdown, to_tsv, to_txt
from speechkit.schema import Document

FORMATS: dict[str, Callable[[Document], str]] = {
    "srt": to_srt,
    "vtt": to_vtt,
    "txt": to_txt,
    "tsv": to_tsv,
    "json": lambda doc: doc.to_json() + "\n",
    "md": to_markdown,
    "rttm": to_rttm,
}
