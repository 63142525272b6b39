"""``speechkit download``: a URL (page, direct link or playlist) to audio files and documents."""

from pathlib import Path
from typing import Annotated

import typer

from speechkit.cli.app import app
from speechkit.cli.common import OutputDirOpt, described
from speechkit.cli.option_docs import OptionDocs
from speechkit.io import atomic_write_text, guard_output
from speechkit.stages.download import DEFAULT

Options = OptionDocs("speechkit.stages.download.ytdlp:YtDlpDownloader.Options")


@app.command("download")
def download_command(
    url: Annotated[str, typer.Argument(help="A page with audio/video (1,800+ sites, or any <audio>/<video>), a direct media link, or a playlist.")],
    backend: Annotated[str, typer.Option("--backend", "-b", help="Download backend.")] = DEFAULT,
    audio_format: Annotated[str, typer.Option("--audio-format", help="best (no re-encoding where possible), m4a, mp3, opus, wav, flac.")] = "best",
    stall_timeout: Annotated[float | None, typer.Option("--stall-timeout", help=described(Options, "stall_timeout"))] = None,
    max_size: Annotated[int | None, typer.Option("--max-size", help=described(Options, "max_size"))] = None,
    output_dir: OutputDirOpt = Path("."),
) -> None:
    """Download the audio and its metadata; one <name>.download.json per item (a playlist gives several)."""
    from speechkit.inputs.urls import download
    from speechkit.progress import RichHook

    with RichHook() as hook:
        for doc in download(url, output_dir, backend, hook, audio_format=audio_format,
                            stall_timeout=stall_timeout, max_size=max_size):  # each item written when done
            media = Path(doc.audio.path)
            target = guard_output(output_dir / f"{media.stem}.download.json", [media])
            atomic_write_text(target, doc.to_json() + "\n")
            typer.echo(str(target))
