"""``speechkit export``: a document to subtitles, text, tables, RTTM or JSON."""

from pathlib import Path
from typing import Annotated

import typer

from speechkit.cli.app import app
from speechkit.errors import OutputError
from speechkit.export import FORMATS
from speechkit.io import atomic_write_text, base_name, guard_output
from speechkit.schema import Document


@app.command("export")
def export_command(
    document: Annotated[Path, typer.Argument(help="A speechkit (or WhisperX) JSON document.")],
    formats: Annotated[list[str], typer.Option("--format", "-f", help=f"One or more of: {', '.join(FORMATS)} (repeat, or comma-separate).")] = ["srt"],  # noqa: B006
    output_dir: Annotated[Path, typer.Option("--output-dir", "-d")] = Path("."),
) -> None:
    """Write a document in one or several formats, named <name>.<format> in the output directory."""
    wanted = [f.strip().lower() for item in formats for f in item.split(",") if f.strip()]
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown:
        raise OutputError(f"unknown format(s) {', '.join(unknown)} (choose from {', '.join(FORMATS)})")
    doc = Document.load(document)
    for fmt in dict.fromkeys(wanted):
        target = guard_output(output_dir / f"{base_name(document)}.{fmt}", [document])
        atomic_write_text(target, FORMATS[fmt](doc))
        typer.echo(str(target))
