"""A self-contained interactive HTML page rendered from the Jinja2 template in ``templates/``.

Everything is inline (one ``<style>``, one ``<script>``, the document as JSON), so the page opens the
same from ``file://`` and offline. The audio is referenced relative to the report, or carried inside it
as a ``data:`` URI (:mod:`speechkit.report.embed`). Stable hooks for
scripts and tests: ``<audio id="player">``, ``data-start`` (seconds) on every clickable time,
``#timeline``, ``input#search``. All document text is escaped by Jinja2's autoescaping.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path, PurePosixPath

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from speechkit.report.facts import clock, source_facts, speakers, stage_rows, title
from speechkit.schema import ChapterSummary, Document

TEMPLATES = Path(__file__).parent / "templates"
LOW_CONFIDENCE = 0.5
"""Words whose alignment score is below this are marked in the transcript."""
GENERIC_TITLE = re.compile(r"^(part|chapter)\s*\d+$", re.IGNORECASE)


@cache
def _env() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(("html", "j2")))


def _inline(name: str) -> Markup:
    return Markup((TEMPLATES / name).read_text(encoding="utf-8"))


def chapter_title(doc: Document, chapter: ChapterSummary, words: int = 8) -> str:
    """The chapter's own title unless generic ("Part 3"), else its first sentence, cut to ``words`` words."""
    if chapter.title and not GENERIC_TITLE.match(chapter.title.strip()):
        return chapter.title
    inside = [s.text.strip() for s in doc.segments if chapter.start <= s.start < (chapter.end or float("inf"))]
    text = " ".join(inside) or chapter.summary or ""
    first = re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0].split()
    return " ".join(first[:words]) + ("…" if len(first) > words else "") if first else (chapter.title or "Chapter")


def _lanes(doc: Document, duration: float) -> dict[str, list[tuple[float, float]]]:
    """Per speaker, (left %, width %) of each turn: diarization turns where there are, else segments."""
    turns = doc.diarization or [s for s in doc.segments if s.speaker]
    lanes: dict[str, list[tuple[float, float]]] = {}
    for t in turns:
        lanes.setdefault(t.speaker or "", []).append((100 * t.start / duration, 100 * (t.end - t.start) / duration))
    return lanes


def default_audio(doc: Document) -> str | None:
    """The source file's name, for a report written beside its audio; ``None`` for URLs."""
    if doc.source is None or doc.source.kind != "file":
        return None
    return PurePosixPath(doc.source.uri.replace("\\", "/")).name or None


def report_html(doc: Document, audio: str | None = None) -> str:
    """The page for ``doc``; ``audio`` is the player's ``src`` (relative to the report, or a data: URI)."""
    people = speakers(doc)
    end = max([s.end for s in doc.segments] + [t.end for t in doc.diarization] + [0.0])
    duration = (doc.audio.duration if doc.audio else None) or end or 1.0
    summary = doc.summary
    chapters = [{"start": c.start, "title": chapter_title(doc, c), "summary": c.summary}
                for c in (summary.chapters if summary else [])]
    doc_json = doc.to_json().replace("</", "<\\/")
    return _env().get_template("report.html.j2").render(
        title=title(doc), facts=source_facts(doc), audio=audio or default_audio(doc), summary=summary,
        chapters=chapters, people=people, palette={p.id: p.colour for p in people},
        names={p.id: p.name for p in people}, duration=duration, lanes=_lanes(doc, duration),
        segments=doc.segments, stages=stage_rows(doc), clock=clock, low=LOW_CONFIDENCE,
        css=_inline("report.css"), js=_inline("report.js"), doc_json=Markup(doc_json),
    ) + "\n"
