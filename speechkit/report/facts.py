"""What both report pages state beside the transcript: speakers' speaking time, the source, the stages run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from speechkit.export.subtitles import timestamp
from speechkit.schema import Document, Provenance
from speechkit.speakers.assign import speaking_time

PALETTE = ("#4c75a2", "#d92c2e", "#467f3e", "#9d5d8b", "#af5c0b", "#417c77", "#8e6a56", "#896e0e", "#c23b75", "#7e6f69")
"""Tableau 10's hues, darkened until white text on each (the badges) and each as text on white reach
WCAG AA contrast (4.8:1 or more, 4.5 required)."""


def clock(seconds: float | None) -> str:
    """``HH:MM:SS``: the precision a reader navigates by."""
    return timestamp(seconds or 0.0, ".")[:8]


@dataclass(frozen=True)
class SpeakerFacts:
    id: str
    name: str
    seconds: float
    share: float
    colour: str


def speakers(doc: Document) -> list[SpeakerFacts]:
    """Every speaker of the document, in order of first appearance, with the document's own speaking
    time (``doc.speakers``, from diarization) so the table and the document never disagree; speakers
    the document does not time (a transcript never diarized, or named by hand: ``speech_seconds`` 0) get
    their segments' time."""
    spoken = speaking_time(doc.segments) or speaking_time(doc.diarization)
    recorded = {s.id: s for s in doc.speakers}
    order = list(spoken) + [sp for sp in recorded if sp not in spoken]
    seconds = {sp: (recorded[sp].speech_seconds if sp in recorded else 0.0) or spoken.get(sp, 0.0) for sp in order}
    total = sum(seconds.values()) or 1.0
    return [SpeakerFacts(sp, (recorded[sp].name if sp in recorded else None) or sp, round(sec, 1), sec / total,
                         PALETTE[i % len(PALETTE)]) for i, (sp, sec) in enumerate(seconds.items())]


def title(doc: Document) -> str:
    """The source's title, else its file name: a report of ``call.m4a`` is headed so."""
    if doc.source is None:
        return "Transcript"
    return doc.source.title or PurePosixPath(doc.source.uri.split("?")[0]).name or "Transcript"


def titled(doc: Document) -> Document:
    """``doc`` with :func:`title` as its source title, for writers that head a page with it."""
    if doc.source is None or doc.source.title:
        return doc
    return doc.model_copy(update={"source": doc.source.model_copy(update={"title": title(doc)})})


def source_facts(doc: Document) -> list[tuple[str, str]]:
    """(label, value) pairs about where the audio came from."""
    facts = []
    if doc.source:
        facts.append(("Source", doc.source.webpage_url or doc.source.uri))
        if doc.source.uploader:
            facts.append(("Uploader", doc.source.uploader))
    duration = (doc.audio.duration if doc.audio else None) or (doc.source.duration if doc.source else None)
    if duration:
        facts.append(("Duration", clock(duration)))
    if doc.language:
        facts.append(("Language", doc.language))
    return facts


def stage_rows(doc: Document) -> list[tuple[str, str, str, str, str]]:
    """(stage, backend, model, wall time, notes) per stage run; notes flag e.g. random weights. The wall
    time says how much of it went on loading the model, when any did."""
    return [(p.stage, p.backend, p.model or "", _wall(p), "; ".join(p.notes)) for p in doc.provenance]


def _wall(record: Provenance) -> str:
    loading = f" ({record.load_time:.1f} s loading the model)" if record.load_time else ""
    return f"{record.wall_time:.1f} s{loading}"

