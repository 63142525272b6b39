"""``speechkit summarize``: a transcript document to an overall summary, key points per speaker, chapters."""

from pathlib import Path
from typing import Annotated

import typer

from speechkit.cli.app import app
from speechkit.cli.common import OutputDirOpt, OutputOpt, described, make_backend, run_backend, write_document
from speechkit.cli.each import InputsArg, each_input
from speechkit.cli.option_docs import OptionDocs
from speechkit.stages.summarize import DEFAULT

Options = OptionDocs("speechkit.stages.summarize.common:SummarizeOptions")


@app.command("summarize")
def summarize_command(
    documents: InputsArg,
    backend: Annotated[str, typer.Option("--backend", "-b", help="auto (transformers when the model is here, else extractive), extractive or transformers.")] = DEFAULT,
    model: Annotated[str | None, typer.Option("--model", "-m", help="transformers: model id or local path (default facebook/bart-large-cnn); extractive: sentence-embedding model (default: packaged MiniLM).")] = None,
    sentences: Annotated[int | None, typer.Option(help=described(Options, "sentences"))] = None,
    key_points: Annotated[int | None, typer.Option(help=described(Options, "key_points"))] = None,
    output: OutputOpt = None,
    output_dir: OutputDirOpt = Path("."),
) -> None:
    """Summarize a transcript, speaker by speaker and chapter by chapter (source chapters or long pauses)."""
    from speechkit.schema import Document

    stage = make_backend("summarize", backend, model=model, sentences=sentences, key_points=key_points)
    each_input(documents, "summarize", output, output_dir,
               lambda item, target: write_document(run_backend(stage, Document.load(item)), target))
