"""Plain text, TSV and Markdown transcripts."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from speechkit.export.subtitles import timestamp
from speechkit.segments import speaker_runs

if TYPE_CHECKING:  # pydantic and the schema load when a document is handled, not for --help
    from speechkit.schema import Document


def one_line(text: str) -> str:
    """Text with tabs and line breaks as single spaces: one TSV row, one Markdown line per cell."""
    return " ".join(text.split())


def md_text(text: str) -> str:
    """Transcript or metadata text as Markdown that renders as the words, never as raw HTML."""
    return html.escape(one_line(text), quote=False)


def to_txt(doc: Document) -> str:
    lines = [f"[{s.speaker}]: {s.text.strip()}" if s.speaker else s.text.strip() for s in doc.segments if s.text.strip()]
    return "\n".join(lines) + ("\n" if lines else "")


def to_tsv(doc: Document) -> str:
    """WhisperX's TSV: integer milliseconds; a speaker column when diarized."""
    speakers = any(s.speaker for s in doc.segments)
    header = "start\tend\tspeaker\ttext" if speakers else "start\tend\ttext"
    rows = [header]
    for s in doc.segments:
        text = one_line(s.text)
        cells = [str(round(s.start * 1000)), str(round(s.end * 1000))] + ([s.speaker or ""] if speakers else []) + [text]
        rows.append("\t".join(cells))
    return "\n".join(rows) + "\n"


def to_markdown(doc: Document) -> str:
    title = (doc.source.title if doc.source and doc.source.title else None) or "Transcript"
    out = [f"# {md_text(title)}", ""]
    if doc.summary:
        out += ["## Summary", "", md_text(doc.summary.overall), ""]
        for speaker, points in doc.summary.speakers.items():
            out += [f"### {md_text(speaker)}", ""] + [f"- {md_text(p)}" for p in points] + [""]
        for ch in doc.summary.chapters:
            out += [f"### [{timestamp(ch.start, '.')[:8]}] {md_text(ch.title or 'Chapter')}", "", md_text(ch.summary), ""]
    out += ["## Transcript", ""]
    for speaker, start, texts in speaker_runs(doc.segments):
        who = f"**{md_text(speaker)}**" if speaker else ""
        out += ["", f"{who} `{timestamp(start, '.')[:8]}`".strip(), *(md_text(t) for t in texts)]
    return "\n".join(out).strip() + "\n"
