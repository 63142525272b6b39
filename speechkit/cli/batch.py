"""``speechkit batch``: a config's pipeline over many inputs, on this machine or on a Ray cluster."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from speechkit.cli.app import app
from speechkit.cli.each import MediaInputsArg
from speechkit.runtime.threads import MAX_THREADS

if TYPE_CHECKING:
    from rich.progress import TaskID

    from speechkit.batch.tracker import Counts

EngineOpt = Annotated[str, typer.Option("--engine", "-e", help="local (processes on this machine) or ray (actors on a Ray cluster).")]
AddressOpt = Annotated[str | None, typer.Option("--address", help="Ray cluster to join (HOST:PORT of its head, or auto); default: start a private local one.")]


@app.command("batch")
def batch_command(
    inputs: MediaInputsArg,
    config: Annotated[str, typer.Option("--config", "-c", help="A bundled config by name or a YAML file.")] = "meeting",
    output_dir: Annotated[Path, typer.Option("--output-dir", "-d", help="Shared folder for every input's documents and reports, and batch.json/batch.md.")] = Path("speechkit-out"),
    engine: EngineOpt = "local",
    address: AddressOpt = None,
    workers: Annotated[int, typer.Option("--workers", "-j", help="Local: worker processes. Ray: actors per stage.")] = 1,
    threads: Annotated[int | None, typer.Option("--threads", min=1, max=MAX_THREADS, help="CPU threads per worker for every stage; a stage's own threads option wins (default: local, the cores shared out, at most speechkit's default; Ray, 1).")] = None,
    device: Annotated[str, typer.Option("--device", help="cpu, or cuda: GPU-capable stages on the GPU, and one GPU per Ray worker.")] = "cpu",
    overrides: Annotated[list[str] | None, typer.Option("--set", help="Override the config: STAGE.OPTION=VALUE (repeatable).")] = None,
) -> None:
    """Run CONFIG's stages on every input; finished inputs are skipped, a failing one is reported and the rest go on."""
    from speechkit.batch import run_batch
    from speechkit.pipeline import load_config
    from speechkit.inputs.expand import expand_inputs

    loaded = load_config(config, overrides or [])
    items = expand_inputs(inputs, documents=False)
    with CountsBar() as bar:
        run = run_batch(loaded, items, output_dir, engine, workers, threads, device, address, bar)
    for result in run.failed:
        print(f"speechkit: error: {result.input}: {result.error}", file=sys.stderr)
    done = len(run.results) - len(run.failed)
    print(f"speechkit: batch: {done} of {len(run.results)} inputs done"
          + (f"; failed: {len(run.failed)} (see {run.paths['md']})" if run.failed else ""), file=sys.stderr)
    for path in run.paths.values():
        typer.echo(str(path))
    if run.failed:
        raise typer.Exit(2)


class CountsBar:
    """One bar for the whole batch: inputs finished of all, with done / failed / running and an ETA."""

    def __init__(self) -> None:
        from speechkit.progress import progress_bar

        self.bar = progress_bar()
        self.task: TaskID | None = None

    def __enter__(self) -> "CountsBar":
        return self

    def __exit__(self, *error: object) -> None:
        if self.task is not None:
            self.bar.stop()

    def __call__(self, counts: Counts) -> None:
        if self.task is None:
            self.bar.start()
            self.task = self.bar.add_task("batch", total=counts.total)
        text = f"batch: {counts.done} done, {counts.failed} failed, {counts.running} running"
        self.bar.update(self.task, completed=counts.finished, description=text)
