"""The markdown report: the exported markdown transcript and summary, then speakers, source and stages."""

from __future__ import annotations

from speechkit.export.text import md_text, to_markdown
from speechkit.report.facts import source_facts, speakers, stage_rows, titled
from speechkit.schema import Document
from speechkit.speakers.names import labelled


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    cell = lambda v: md_text(str(v)).replace("|", "\\|")  # noqa: E731
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)] + \
           ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows] + [""]


def report_markdown(doc: Document) -> str:
    """The transcript and summary under the speakers' names where the document has them, then the facts."""
    out = [to_markdown(labelled(titled(doc))).rstrip(), "", "## About", ""]
    out += [f"- **{label}:** {value}" for label, value in source_facts(doc)] + [""]
    people = speakers(doc)
    if people:
        out += ["### Speakers", ""]
        out += _table(("Speaker", "Speaking time", "Share"),
                      [(p.name, f"{p.seconds:.1f} s", f"{p.share:.0%}") for p in people])
    if doc.provenance:
        out += ["### Stages", ""]
        out += _table(("Stage", "Backend", "Model", "Wall time", "Notes"), stage_rows(doc))
    return "\n".join(out).rstrip() + "\n"
