"""Several inputs per command: expanded before any work, one uniquely named output each, and a failing
input reported while the others go on, with a summary and a non-zero exit at the end."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from speechkit.cli.common import output_target, write_document
from speechkit.errors import OutputError, SpeechkitError

if TYPE_CHECKING:
    from speechkit.schema import Document

INPUTS_HELP = "Files, globs, directories or @list.txt (one per line)"
InputsArg = Annotated[list[str], typer.Argument(
    metavar="INPUTS...", help=f"{INPUTS_HELP}; audio/video or documents (.json).")]
MediaInputsArg = Annotated[list[str], typer.Argument(
    metavar="INPUTS...", help=f"{INPUTS_HELP}, or URLs; audio/video (a directory gives only its audio and "
                              "video files, never its .json documents).")]
"""INPUTS for commands that expand them with ``documents=False`` (``speechkit batch``): the outputs of an
earlier batch in an input folder are not inputs of the next."""


def write_all(doc: Document, item: str, target: Path, formats: list[str]) -> None:
    """The stage's document, then each asked-for export beside it under the document's own name."""
    from speechkit.cli.export import write_formats

    write_document(doc, target)
    write_formats(doc, target.name.removesuffix(".json").rsplit(".", 1)[0], target.parent, formats, [Path(item)])


def each_input(inputs: Sequence[str], stage: str, output: Path | None, output_dir: Path,
               work: Callable[[str, Path], None]) -> None:
    """Call ``work(input, target)`` for every input, its target checked first; one input fails alone."""
    from speechkit.inputs.expand import expand_inputs, unique_names

    items = expand_inputs(inputs)
    if output is not None and len(items) > 1:
        raise OutputError(f"--output names one file but {len(items)} inputs were given; use --output-dir")
    if len(items) == 1:  # one input: its error is the command's error, exactly as before
        work(items[0], output_target(Path(items[0]), stage, output, output_dir))
        return
    names, failed = unique_names(items), []
    for item in items:
        try:
            work(item, output_target(Path(item), stage, output_dir / f"{names[item]}.{stage}.json", output_dir))
        except SpeechkitError as exc:
            failed.append(item)
            print(f"speechkit: error: {exc}", file=sys.stderr)
        except Exception as exc:  # noqa: BLE001 - one input's surprise must not cost the others their work
            failed.append(item)
            print(f"speechkit: error: {item}: unexpected {type(exc).__name__}: {exc}", file=sys.stderr)
    finish(stage, items, failed)


def finish(command: str, items: Sequence[object], failed: Sequence[str]) -> None:
    """The summary line after several inputs, and exit 2 when any failed."""
    print(f"speechkit: {command}: {len(items) - len(failed)} of {len(items)} inputs done"
          + (f"; failed: {', '.join(failed)}" if failed else ""), file=sys.stderr)
    if failed:
        raise typer.Exit(2)
