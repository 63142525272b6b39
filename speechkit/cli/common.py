"""Options, backend calls and output writing shared by all commands, so they stay thin."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from speechkit.cli.option_docs import OptionDocs
from speechkit.io import atomic_write_text

if TYPE_CHECKING:  # the rest is imported when a command runs, not for its --help
    from speechkit.schema import Document
    from speechkit.stages.base import Backend

OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Output document path (default: <name>.<stage>.json in --output-dir).")]
OutputDirOpt = Annotated[Path, typer.Option("--output-dir", "-d", help="Directory for outputs.")]
ChannelOpt = Annotated[str | None, typer.Option("--channel", help="left, right, mix or a channel index (default: mix to mono).")]


def described(options: OptionDocs, name: str) -> str:
    """A flag's help, from the backend option it sets, so flag and option never disagree."""
    text = options.description(name)
    return f"{text[:1].upper()}{text[1:]}."


def output_target(input_path: Path, stage: str, output: Path | None, output_dir: Path) -> Path:
    """Where a stage's document goes, checked before the work: never the input, and writable now,
    so a read-only folder or a directory in the way fails in a second, not after the transcription."""
    from speechkit.io import check_writable, guard_output  # here: --help needs none of it
    from speechkit.naming import stage_output_path

    target = output or stage_output_path(input_path, stage, output_dir)
    guard_output(target, [input_path])
    check_writable(target)
    return target


def write_document(doc: Document, target: Path) -> Path:
    atomic_write_text(target, doc.to_json() + "\n")
    typer.echo(str(target))
    return target


def make_backend(stage: str, name: str, **options: Any) -> Backend:
    """The backend with its options validated: a bad option fails here, before any input is read or model loaded."""
    from speechkit.registry import load_backend

    return load_backend(stage, name)(**options)


def run_backend(backend: Backend, doc: Document) -> Document:
    """Run ``backend`` on ``doc`` with rich progress bars on stderr."""
    from speechkit.progress import RichHook

    with RichHook() as hook:
        return backend(doc, hook=hook)
