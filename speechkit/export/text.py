"""Plain text, TSV and Markdown transcripts."""

from __future__ import annotations

from speechkit.export.subtitles import timestamp
from speechkit.schema import Document
from speechkit.segments import speaker_runs


def to_txt(doc: Document) -> str:
    lines = [f"[{s.speaker}]: {s.text.strip()}" if s.speaker else s.text.strip() for s in doc.segments if s.text.strip()]
    return "\n".join(lines) + ("\n" if lines else "")


def to_tsv(doc: Document) -> str:
    """WhisperX's TSV: integer milliseconds; a speaker column when diarized."""
    speakers = any(s.speaker for s in doc.segments)
    header = "start\tend\tspeaker\ttext" if speakers else "start\tend\ttext"
    rows = [header]
    for s in doc.segments:
        text = s.text.strip().replace("\t", " ")
        cells = [str(round(s.start * 1000)), str(round(s.end * 1000))] + ([s.speaker or ""] if speakers else []) + [text]
        rows.append("\t".join(cells))
    return "\n".join(rows) + "\n"


def to_markdown(doc: Document) -> str:
    title = (doc.source.title if doc.source and doc.source.title else None) or "Transcript"
    out = [f"# {title}", ""]
    if doc.summary:
        out += ["## Summary", "", doc.summary.overall.strip(), ""]
        for speaker, points in doc.summary.speakers.items():
            out += [f"### {speaker}", ""] + [f"- {p}" for p in points] + [""]
        for ch in doc.summary.chapters:
            out += [f"### [{timestamp(ch.start, '.')[:8]}] {ch.title or 'Chapter'}", "", ch.summary.strip(), ""]
    out += ["## Transcript", ""]
    for speaker, start, texts in speaker_runs(doc.segments):
        who = f"**{speaker}**" if speaker else ""
        out += ["", f"{who} `{timestamp(start, '.')[:8]}`".strip(), *texts]
    return "\n".join(out).strip() + "\n"
