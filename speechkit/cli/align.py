"""``speechkit align``: word timings for a transcript (wav2vec2 CTC via WhisperX, Whisper's own, or pocketsphinx)."""

from pathlib import Path
from typing import Annotated

import typer

from speechkit.cli.app import app
from speechkit.cli.common import OutputDirOpt, OutputOpt, make_backend, run_backend, write_document
from speechkit.cli.each import InputsArg, each_input
from speechkit.stages.align import DEFAULT


@app.command("align")
def align_command(
    documents: InputsArg,
    backend: Annotated[str, typer.Option("--backend", "-b", help="auto, whisperx, whisper or pocketsphinx (English).")] = DEFAULT,
    model: Annotated[str | None, typer.Option("--model", "-m", help="whisperx: CTC model id or directory (default: WhisperX's for the language); whisper: Whisper model; pocketsphinx: acoustic model directory (default: the bundled en-us).")] = None,
    whisper_model: Annotated[str | None, typer.Option("--whisper-model", help="auto: align with this Whisper model rather than pocketsphinx when no CTC model is on disk.")] = None,
    output: OutputOpt = None,
    output_dir: OutputDirOpt = Path("."),
) -> None:
    """Align words to audio; auto uses WhisperX when a CTC model is on disk, else pocketsphinx (English) or Whisper."""
    from speechkit.inputs.documents import load_input

    options = {"whisper_model": whisper_model} if backend == "auto" else {}
    stage = make_backend("align", backend, model=model, **options)
    each_input(documents, "align", output, output_dir,
               lambda item, target: write_document(run_backend(stage, load_input(item)), target))
