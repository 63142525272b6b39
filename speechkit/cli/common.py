"""Reading a stage's input and writing its output, shared by all commands so they stay thin."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from speechkit.audio import probe
from speechkit.io import atomic_write_text, guard_output, stage_output_path
from speechkit.registry import load_backend
from speechkit.schema import Document, Source

OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Output document path (default: <name>.<stage>.json in --output-dir).")]
OutputDirOpt = Annotated[Path, typer.Option("--output-dir", "-d", help="Directory for outputs.")]
ChannelOpt = Annotated[str | None, typer.Option("--channel", help="left, right, mix or a channel index (default: mix to mono).")]


def is_document(path: Path) -> bool:
    return path.suffix.lower() == ".json"


def document_from_audio(path: Path, channel: str | None = None) -> Document:
    audio = probe(path, channel=channel)
    return Document(source=Source(kind="file", uri=audio.path, duration=audio.duration), audio=audio)


def load_input(path: Path, channel: str | None = None) -> Document:
    """A document (``.json``) as it is, or audio/video wrapped in a new document."""
    if is_document(path):
        doc = Document.load(path)
        if channel is not None and doc.audio is not None:
            doc.audio = doc.audio.model_copy(update={"channel": channel})
        return doc
    return document_from_audio(path, channel)


def write_document(doc: Document, input_path: Path, stage: str, output: Path | None, output_dir: Path) -> Path:
    target = output or stage_output_path(input_path, stage, output_dir)
    guard_output(target, [input_path])
    atomic_write_text(target, doc.to_json() + "\n")
    typer.echo(str(target))
    return target


def run_backend(stage: str, name: str, doc: Document, **options: Any) -> Document:
    backend = load_backend(stage, name)(**{k: v for k, v in options.items() if v is not None})
    return backend(doc)
