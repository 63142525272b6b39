"""``speechkit run``: the whole chain from a YAML config, resumable, ending in a report."""

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from speechkit.cli.app import app
from speechkit.cli.each import finish
from speechkit.cli.export import OutputFormatOpt, parse_formats
from speechkit.errors import SpeechkitError
from speechkit.speakers.names import parse_names
from speechkit.runtime.threads import MAX_THREADS, use_threads


@app.command("run")
def run_command(
    config: Annotated[str, typer.Argument(help="A bundled config by name (see `speechkit configs list`) or a YAML file.")],
    inputs: Annotated[list[str] | None, typer.Option("--input", "-i", help="Audio/video file, document, URL, glob, directory or @list.txt (repeatable; default: pyannote's two-speaker sample).")] = None,
    output_dir: Annotated[Path, typer.Option("--output-dir", "-d", help="Where stage documents and reports go.")] = Path("speechkit-out"),
    start: Annotated[str | None, typer.Option("--from", help="First stage to (re)run; earlier stages' documents are reused.")] = None,
    stop: Annotated[str | None, typer.Option("--to", help="Last stage to run.")] = None,
    output_format: OutputFormatOpt = None,
    overrides: Annotated[list[str] | None, typer.Option("--set", help="Override the config: STAGE.OPTION=VALUE (e.g. transcribe.model=tiny.en), STAGE.backend=NAME or report.formats=[md,srt]; repeatable.")] = None,
    threads: Annotated[int | None, typer.Option("--threads", min=1, max=MAX_THREADS, help="CPU threads for every stage; a stage's own threads option wins (default: speechkit's thread policy).")] = None,
    speaker_names: Annotated[str | None, typer.Option("--speaker-names", help="SPEAKER_00=Diane,SPEAKER_01=Sheila or a YAML file: stored from the diarize stage on, shown in every report (replaces the config's speaker_names).")] = None,
) -> None:
    """Run every stage of CONFIG on each input; finished stages are skipped on a rerun."""
    from speechkit.pipeline import load_config, run_pipeline
    from speechkit.progress import RichHook
    from speechkit.inputs.expand import expand_inputs, refuse_shared_names

    formats = parse_formats(output_format)
    extra = [f"report.formats=[{', '.join(formats)}]"] if formats else []
    if speaker_names:  # read here, so a file is relative to this directory; JSON is a YAML mapping
        extra.append(f"speaker_names={json.dumps(parse_names(speaker_names))}")
    loaded = load_config(config, [*(overrides or []), *extra])  # every stage's options are checked here, before any input is read
    items: list[str | None] = list(expand_inputs(inputs)) if inputs else [None]
    use_threads(threads)
    if len(items) > 1:
        refuse_shared_names([str(i) for i in items], output_dir)
    failed = []
    with RichHook() as hook:
        for item in items:
            try:
                outputs = run_pipeline(loaded, item, output_dir, start, stop, hook).outputs()
            except SpeechkitError as exc:
                if len(items) == 1:
                    raise
                failed.append(str(item))
                print(f"speechkit: error: {exc}", file=sys.stderr)
                continue
            for path in outputs:
                typer.echo(str(path))
    if len(items) > 1:
        finish("run", items, failed)

