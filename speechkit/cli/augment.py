"""``speechkit augment``: degrade audio on purpose (noise, reverb, phone line, codecs...), seeded and recorded."""

from pathlib import Path
from typing import Annotated

import typer

from speechkit.cli.app import app
from speechkit.cli.common import ChannelOpt, OutputDirOpt, OutputOpt, make_backend, run_backend, write_document
from speechkit.cli.each import InputsArg, each_input
from speechkit.errors import OutputError
from speechkit.stages.augment import DEFAULT
from speechkit.stages.augment.presets import preset_names


@app.command("augment")
def augment_command(
    inputs: InputsArg,
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
    from speechkit.inputs.documents import load_input
    from speechkit.inputs.expand import expand_inputs
    from speechkit.stages.augment.transforms import parse_cli_spec  # audiomentations: slow import
    from speechkit.stages.base import Backend

    transforms = [parse_cli_spec(t).as_dict() for t in transform or []]

    def augmenter(audio: Path) -> Backend:
        return make_backend("augment", backend, preset=preset, seed=seed, audio_output=str(audio), transforms=transforms)

    augmenter(audio_output or output_dir / "check.augment.flac")  # a bad preset or transform fails before any input is read
    if audio_output is not None and len(expand_inputs(inputs)) > 1:
        raise OutputError("--audio-output names one file but several inputs were given; use --output-dir")

    def augment_one(item: str, target: Path) -> None:
        audio = audio_output or target.with_name(target.name.removesuffix(".json") + ".flac")
        write_document(run_backend(augmenter(audio), load_input(item, channel)), target)

    each_input(inputs, "augment", output, output_dir, augment_one)
