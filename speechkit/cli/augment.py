"""``speechkit augment``: degrade audio on purpose (noise, reverb, phone line, codecs...), seeded and recorded."""

from pathlib import Path
from typing import Annotated

import typer

from speechkit.cli.app import app
from speechkit.cli.common import ChannelOpt, OutputDirOpt, OutputOpt, make_backend, output_target, run_backend, write_document
from speechkit.inputs import load_input
from speechkit.io import base_name
from speechkit.stages.augment import DEFAULT
from speechkit.stages.augment.presets import preset_names


@app.command("augment")
def augment_command(
    input: Annotated[Path, typer.Argument(help="Audio/video file, or a document (.json).")],
    preset: Annotated[str | None, typer.Option("--preset", "-p", help=f"Named preset ({', '.join(preset_names())}) or a preset YAML file.")] = None,
    transform: Annotated[list[str] | None, typer.Option("--transform", "-t", help="NAME:key=value,... e.g. color_noise:color=pink,snr_db=10 (repeatable; applied after the preset).")] = None,
    seed: Annotated[int, typer.Option("--seed", "-s", help="Seed for every random draw; the same seed gives a byte-identical file.")] = 0,
    audio_output: Annotated[Path | None, typer.Option("--audio-output", "-a", help="Augmented audio, .flac or .wav (default: <name>.augment.flac in --output-dir).")] = None,
    backend: Annotated[str, typer.Option("--backend", "-b", help="Augmentation backend.")] = DEFAULT,
    channel: ChannelOpt = None,
    output: OutputOpt = None,
    output_dir: OutputDirOpt = Path("."),
) -> None:
    """Augment audio with seeded transforms; the document records every drawn parameter."""
    from speechkit.stages.augment.transforms import parse_cli_spec  # audiomentations: slow import

    audio_output = audio_output or output_dir / f"{base_name(input)}.augment.flac"
    stage = make_backend("augment", backend, preset=preset, seed=seed, audio_output=str(audio_output),
                         transforms=[parse_cli_spec(t).as_dict() for t in transform or []])
    target = output_target(input, "augment", output, output_dir)  # before the work
    doc = run_backend(stage, load_input(input, channel))
    write_document(doc, target)
