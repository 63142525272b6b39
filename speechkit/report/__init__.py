"""The final report of a run: a markdown page, a self-contained HTML page, and the usual exports."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from speechkit.export import FORMATS
from speechkit.io import atomic_write_text
from speechkit.report.embed import audio_data_uri, embed_source
from speechkit.report.html import report_html
from speechkit.report.markdown import report_markdown
from speechkit.schema import Document

WRITERS: dict[str, Callable[[Document], str]] = {**FORMATS, "md": report_markdown, "html": report_html}


def write_report(doc: Document, output_dir: str | Path, name: str, formats: Iterable[str] = ("md", "html"),
                 embed_audio: bool = False) -> list[Path]:
    """Write ``<name>.<format>`` for each format (atomically); returns the paths written."""
    written = []
    for fmt in dict.fromkeys(formats):
        text = report_html(doc, player_src(doc, output_dir, embed_audio)) if fmt == "html" else WRITERS[fmt](doc)
        written.append(atomic_write_text(Path(output_dir) / f"{name}.{fmt}", text))
    return written


def player_src(doc: Document, output_dir: str | Path, embed_audio: bool = False) -> str | None:
    """The player's ``src``: a compressed copy inside the page with ``embed_audio``, else :func:`audio_path`."""
    if embed_audio:
        source = embed_source(doc)
        return audio_data_uri(source) if source else None
    return audio_path(doc, output_dir)


def audio_path(doc: Document, output_dir: str | Path) -> str | None:
    """The source file relative to the report's folder (so the pair can move together); ``None`` for URLs."""
    if doc.source is None or doc.source.kind != "file":
        return None
    return Path(os.path.relpath(Path(doc.source.uri).resolve(), Path(output_dir).resolve())).as_posix()
