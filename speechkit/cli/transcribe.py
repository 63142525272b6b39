"""``speechkit transcribe``: audio (or a document) to a timed transcript."""

from pathlib import Path
from typing import Annotated

import typer

from speechkit.cli.app import app
from speechkit.cli.common import ChannelOpt, OutputDirOpt, OutputOpt, described, make_backend, run_backend, write_document
from speechkit.cli.each import InputsArg, each_input
from speechkit.inputs import load_input
from speechkit.models import DEFAULT_WHISPER
from speechkit.stages.transcribe import DEFAULT
from speechkit.stages.transcribe.common import CTranslate2Options as Options


@app.command("transcribe")
def transcribe_command(
    inputs: InputsArg,
    model: Annotated[str, typer.Option("--model", "-m", help=described(Options, "model"))] = DEFAULT_WHISPER,
    backend: Annotated[str, typer.Option("--backend", "-b", help="faster-whisper, whisperx, openai-whisper or transformers.")] = DEFAULT,
    language: Annotated[str | None, typer.Option("--language", "-l", help=described(Options, "language"))] = None,
    batch_size: Annotated[int | None, typer.Option(help=described(Options, "batch_size") + " (faster-whisper, whisperx)")] = None,
    beam_size: Annotated[int | None, typer.Option(help=described(Options, "beam_size"))] = None,
    channel: ChannelOpt = None,
    output: OutputOpt = None,
    output_dir: OutputDirOpt = Path("."),
) -> None:
    """Transcribe speech with Whisper; word timestamps and language detection included."""
    stage = make_backend("transcribe", backend, model=model, language=language, batch_size=batch_size,
                         beam_size=beam_size)
    each_input(inputs, "transcribe", output, output_dir,
               lambda item, target: write_document(run_backend(stage, load_input(item, channel)), target))
