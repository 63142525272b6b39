"""``speechkit stress``: WER/CER of one or more models as the audio is degraded, level by level."""

import json
from pathlib import Path
from typing import Annotated

import typer

from speechkit.cli.app import app
from speechkit.cli.common import ChannelOpt


@app.command("stress")
def stress_command(
    audio: Annotated[list[Path] | None, typer.Argument(help="Audio files, or documents (their transcript is the reference); default: the config's inputs.")] = None,
    reference: Annotated[list[str] | None, typer.Option("--reference", "-r", help="Reference: text file, document (.json) or literal text; one for all inputs or one each.")] = None,
    conditions: Annotated[Path | None, typer.Option("--conditions", "-c", help="Conditions config (YAML); default: configs/stress-test.yaml.")] = None,
    model: Annotated[list[str] | None, typer.Option("--model", "-m", help="Model(s) to compare (repeatable); default: the config's.")] = None,
    seed: Annotated[list[int] | None, typer.Option("--seed", "-s", help="Seed(s) (repeatable); default: the config's.")] = None,
    condition: Annotated[list[str] | None, typer.Option("--condition", help="Run only these conditions of the config (repeatable).")] = None,
    channel: ChannelOpt = None,
    output_dir: Annotated[Path, typer.Option("--output-dir", "-d", help="Results, report and the per-cell cache.")] = Path("stress"),
    workers: Annotated[int, typer.Option("--workers", "-j", help="Worker processes (each loads each model once).")] = 1,
    shard_spec: Annotated[str | None, typer.Option("--shard", help="Run only shard i of n (i/n): every n-th cell from i.")] = None,
    engine: Annotated[str, typer.Option("--engine", "-e", help="local (worker processes here) or ray (actors on a Ray cluster).")] = "local",
    address: Annotated[str | None, typer.Option("--address", help="Ray cluster to join (HOST:PORT or auto); default: a private local one.")] = None,
    list_cells: Annotated[bool, typer.Option("--list-cells", help="Print the cells (JSON lines, with their cache key) and exit.")] = False,
) -> None:
    """Stress-test ASR: augment -> transcribe -> WER per condition, level, seed and model; cached and resumable."""
    from speechkit.stress import plan, run_stress  # model and augmentation libraries: slow imports
    from speechkit.stress.config import DEFAULT_CONFIG, load_config, override
    from speechkit.stress.grid import inputs_from_paths, parse_shard, shard
    from speechkit.stress.runner import resolve_inputs
    from speechkit.progress import RichHook

    config = override(load_config(conditions or DEFAULT_CONFIG), model, seed, condition)
    items = inputs_from_paths(audio or [], reference or [], channel) or None
    shard_of = parse_shard(shard_spec) if shard_spec else None
    if list_cells:
        cells = plan(config, resolve_inputs(config, items))
        for cell in shard(cells, *shard_of) if shard_of else cells:
            typer.echo(json.dumps(cell.as_dict()))
        return
    with RichHook() as hook:
        run = run_stress(config, items, output_dir, workers=workers, shard_of=shard_of, hook=hook, engine=engine,
                         address=address)
    missing = f", {run.missing} of {run.total} still missing (other shards?)" if run.missing else ""
    typer.echo(f"{run.ran} cell(s) run, {run.cached} cached{missing}", err=True)
    for path in run.paths.values():
        typer.echo(str(path))
