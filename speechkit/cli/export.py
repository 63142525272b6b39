"""``speechkit export``: a document to subtitles, text, tables, RTTM or JSON."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from speechkit.cli.app import app
from speechkit.errors import OutputError
from speechkit.export import FORMATS
from speechkit.export.subtitles import CueLimits, to_srt, to_vtt
from speechkit.speakers.names import apply_names, labelled, parse_names
from speechkit.io import atomic_write_text, guard_output

if TYPE_CHECKING:
    from speechkit.schema import Document


SUBTITLE_WRITERS = {"srt": to_srt, "vtt": to_vtt}


def _render(fmt: str, doc: Document, limits: CueLimits, output_dir: Path, embed_audio: bool) -> str:
    if fmt == "html":  # the interactive report, its player on the source relative to the page or embedded
        from speechkit.report import player_src, report_html

        return report_html(doc, player_src(doc, output_dir, embed_audio))
    return SUBTITLE_WRITERS[fmt](labelled(doc), limits) if fmt in SUBTITLE_WRITERS else FORMATS[fmt](doc)


@app.command("export")
def export_command(
    document: Annotated[Path, typer.Argument(help="A speechkit (or WhisperX) JSON document.")],
    formats: Annotated[list[str], typer.Option("--format", "-f", help=f"One or more of: {', '.join(FORMATS)}, html (repeat, or comma-separate).")] = ["srt"],  # noqa: B006
    output_dir: Annotated[Path, typer.Option("--output-dir", "-d")] = Path("."),
    max_line_width: Annotated[int, typer.Option("--max-line-width", "--max_line_width", min=10, help="srt/vtt: characters per line.")] = CueLimits.max_line_width,
    max_line_count: Annotated[int, typer.Option("--max-line-count", "--max_line_count", min=1, help="srt/vtt: lines per cue.")] = CueLimits.max_line_count,
    speaker_names: Annotated[str | None, typer.Option("--speaker-names", help="SPEAKER_00=Diane,SPEAKER_01=Sheila or a YAML file: names shown in every format.")] = None,
    max_cue_seconds: Annotated[float, typer.Option("--max-cue-seconds", min=0.5, help="srt/vtt: longest cue, in seconds.")] = CueLimits.max_cue_seconds,
    highlight_words: Annotated[bool, typer.Option("--highlight-words", "--highlight_words", help="srt/vtt: underline each word as it is spoken (a cue per word, as Whisper's).")] = False,
    embed_audio: Annotated[bool, typer.Option("--embed-audio", "--embed_audio", help="html: a small Opus copy of the source inside the page, to share it without the recording.")] = False,
) -> None:
    """Write a document in one or several formats, named <name>.<format> in the output directory."""
    from speechkit.naming import base_name
    from speechkit.schema import Document

    wanted = parse_formats(formats)
    doc = Document.load(document)
    if speaker_names:
        doc = apply_names(doc, parse_names(speaker_names))
    write_formats(doc, base_name(document), output_dir, wanted, [document],
                  CueLimits(max_line_width, max_line_count, max_cue_seconds, highlight_words), embed_audio)


ALL = (*FORMATS, "html")
OutputFormatOpt = Annotated[list[str] | None, typer.Option(
    "--output-format", "--output_format", "-f", help=f"Also write these formats beside the document: {', '.join(ALL)} or all (repeat, or comma-separate).")]


def parse_formats(formats: list[str] | None) -> list[str]:
    """Format names from repeated or comma-separated options (``all`` for every one), checked before any work."""
    wanted = [f.strip().lower() for item in formats or [] for f in item.split(",") if f.strip()]
    if "all" in wanted:
        return list(ALL)
    unknown = [f for f in wanted if f not in ALL]
    if unknown:
        raise OutputError(f"unknown format(s) {', '.join(unknown)} (choose from {', '.join(ALL)} or all)")
    return list(dict.fromkeys(wanted))


def write_formats(doc: Document, name: str, output_dir: Path, formats: list[str], inputs: list[Path],
                  limits: CueLimits = CueLimits(), embed_audio: bool = False) -> None:
    for fmt in formats:
        target = guard_output(output_dir / f"{name}.{fmt}", inputs)
        atomic_write_text(target, _render(fmt, doc, limits, output_dir, embed_audio))
        typer.echo(str(target))
