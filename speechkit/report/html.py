"""A self-contained HTML page: summary, speaker-coloured transcript with timestamps, source and stages.

Everything is inline (one ``<style>``, no scripts, images, fonts or stylesheets from elsewhere), so
the page can be mailed or archived and opens the same offline. All document text is escaped.
"""

from __future__ import annotations

from html import escape

from speechkit.report.facts import clock, source_facts, speakers, stage_rows, title
from speechkit.segments import speaker_runs
from speechkit.schema import Document

CSS = """
:root { --ink: #1f2328; --muted: #656d76; --line: #d0d7de; --c: #656d76; }
* { box-sizing: border-box; }
body { font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       max-width: 52rem; margin: 2rem auto; padding: 0 1rem; }
h1 { margin-bottom: .2rem; } h2 { border-bottom: 1px solid var(--line); padding-bottom: .3rem; margin-top: 2.2rem; }
.meta { color: var(--muted); margin: 0; } .meta span + span::before { content: " · "; }
.summary { font-size: 1.06rem; }
.badge { display: inline-block; color: #fff; background: var(--c); border-radius: .8rem; padding: 0 .6rem;
         font-size: .8rem; font-weight: 600; }
.ts { font: .8rem ui-monospace, SFMono-Regular, Menlo, monospace; color: var(--muted); }
.points { border-left: 4px solid var(--c); padding: .1rem .9rem; margin: .8rem 0; }
.points ul { margin: .3rem 0; }
.chapters li { margin-bottom: .5rem; }
.bar { height: .5rem; background: var(--c); border-radius: .25rem; }
.speakers td { padding: .15rem .6rem .15rem 0; } .speakers td.bar-cell { width: 50%; }
.turn { border-left: 4px solid var(--c); padding: .2rem .9rem; margin: .7rem 0; }
.turn p { margin: .2rem 0; }
table.stages { border-collapse: collapse; font-size: .85rem; width: 100%; }
table.stages th, table.stages td { border-bottom: 1px solid var(--line); text-align: left; padding: .3rem .4rem; }
.note { color: #9a6700; }
"""


def _badge(speaker: str, colour: str) -> str:
    return f'<span class="badge" style="--c:{colour}">{escape(speaker)}</span>'


def _summary(doc: Document, palette: dict[str, str]) -> list[str]:
    if doc.summary is None:
        return []
    out = ['<section id="summary">', "<h2>Summary</h2>", f'<p class="summary">{escape(doc.summary.overall)}</p>']
    if doc.summary.speakers:
        out.append("<h3>Key points by speaker</h3>")
        for speaker, points in doc.summary.speakers.items():
            colour = palette.get(speaker, "#656d76")
            items = "".join(f"<li>{escape(p)}</li>" for p in points)
            out.append(f'<div class="points" style="--c:{colour}">{_badge(speaker, colour)}<ul>{items}</ul></div>')
    if doc.summary.chapters:
        out.append('<h3>Chapters</h3><ol class="chapters">')
        for ch in doc.summary.chapters:
            out.append(f'<li><span class="ts">{clock(ch.start)}</span> <strong>{escape(ch.title or "Chapter")}</strong>'
                       f" — {escape(ch.summary)}</li>")
        out.append("</ol>")
    return out + ["</section>"]


def _speakers(people: list) -> list[str]:
    if not people:
        return []
    rows = "".join(f'<tr style="--c:{p.colour}"><td>{_badge(p.name, p.colour)}</td><td class="ts">{clock(p.seconds)}'
                   f'</td><td class="bar-cell"><div class="bar" style="width:{p.share:.0%}"></div></td></tr>'
                   for p in people)
    return ['<section id="speakers"><h2>Speakers</h2>', f'<table class="speakers">{rows}</table></section>']


def _transcript(doc: Document, palette: dict[str, str]) -> list[str]:
    out = ['<section id="transcript"><h2>Transcript</h2>']
    for speaker, start, texts in speaker_runs(doc.segments):
        colour = palette.get(speaker or "", "#d0d7de")
        who = _badge(speaker, colour) + " " if speaker else ""
        body = " ".join(escape(t) for t in texts)
        out.append(f'<div class="turn" style="--c:{colour}">{who}<span class="ts">{clock(start)}</span>'
                   f"<p>{body}</p></div>")
    if len(out) == 1:
        out.append("<p>(no speech)</p>")
    return out + ["</section>"]


def _stages(doc: Document) -> list[str]:
    if not doc.provenance:
        return []
    rows = "".join("<tr>" + "".join(f"<td>{escape(v)}</td>" for v in row[:4])
                   + f'<td class="note">{escape(row[4])}</td></tr>' for row in stage_rows(doc))
    return ['<section id="stages"><h2>How this was made</h2><table class="stages"><tr><th>Stage</th><th>Backend</th>'
            f"<th>Model</th><th>Wall time</th><th>Notes</th></tr>{rows}</table></section>"]


def report_html(doc: Document) -> str:
    people = speakers(doc)
    palette = {p.id: p.colour for p in people}
    meta = "".join(f"<span>{escape(label)}: {escape(value)}</span>" for label, value in source_facts(doc))
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title(doc))}</title><style>{CSS}</style></head><body>",
        f"<header><h1>{escape(title(doc))}</h1><p class=\"meta\">{meta}</p></header>",
        *_summary(doc, palette),
        *_speakers(people),
        *_transcript(doc, palette),
        *_stages(doc),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"
