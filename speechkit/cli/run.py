"""``speechkit run``: the whole chain from a YAML config, resumable, ending in a report."""

from pathlib import Path
from typing import Annotated

import typer

from speechkit.cli.app import app
from speechkit.pipeline import load_config, run_pipeline
from speechkit.progress import RichHook


@app.command("run")
def run_command(
    config: Annotated[Path, typer.Argument(help="A pipeline config (YAML), e.g. configs/meeting.yaml.")],
    input: Annotated[str | None, typer.Option("--input", "-i", help="Audio/video file, document or URL (default: pyannote's two-speaker sample).")] = None,
    output_dir: Annotated[Path, typer.Option("--output-dir", "-d", help="Where stage documents and reports go.")] = Path("speechkit-out"),
    start: Annotated[str | None, typer.Option("--from", help="First stage to (re)run; earlier stages' documents are reused.")] = None,
    stop: Annotated[str | None, typer.Option("--to", help="Last stage to run.")] = None,
) -> None:
    """Run every stage of CONFIG on the input; finished stages are skipped on a rerun."""
    loaded = load_config(config)  # every stage's options are checked here, before any input is read
    with RichHook() as hook:
        outputs = run_pipeline(loaded, input, output_dir, start, stop, hook).outputs()
    for path in outputs:
        typer.echo(str(path))
