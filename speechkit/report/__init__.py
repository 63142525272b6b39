"""The final report of a run: a markdown page, a self-contained HTML page, and the usual exports."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from speechkit.export import FORMATS
from speechkit.io import atomic_write_text
from speechkit.report.html import report_html
from speechkit.report.markdown import report_markdown
from speechkit.schema import Document

WRITERS: dict[str, Callable[[Document], str]] = {**FORMATS, "md": report_markdown, "html": report_html}


def write_report(doc: Document, output_dir: str | Path, name: str, formats: Iterable[str] = ("md", "html")) -> list[Path]:
    """Write ``<name>.<format>`` for each format (atomically); returns the paths written."""
    written = []
    for fmt in dict.fromkeys(formats):
        written.append(atomic_write_text(Path(output_dir) / f"{name}.{fmt}", WRITERS[fmt](doc)))
    return written
