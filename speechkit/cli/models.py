"""``speechkit models``: where each Whisper size resolves, and converting one to the other layouts ahead of use."""

from typing import Annotated

import typer

from speechkit.cli.app import app
from speechkit.errors import SpeechkitError
from speechkit.models.inventory import inventory
from speechkit.models.resolve import HF, OPENAI, resolve_layout, resolve_whisper

LAYOUTS = {"ct2": None, "hf": HF, "openai": OPENAI}

models_app = typer.Typer(help="Whisper weights: list where each size resolves; convert to other layouts.",
                         no_args_is_help=True)
app.add_typer(models_app, name="models")


@models_app.command("list")
def list_command() -> None:
    """Each size name and where its weights are (nothing is loaded, joined or converted)."""
    from rich.console import Console
    from rich.table import Table

    table = Table("model", "CTranslate2 (faster-whisper, whisperx)", "transformers", "openai-whisper")
    for status in inventory():
        table.add_row(status.name, status.ct2, status.hf, status.openai)
    Console(width=200).print(table)


@models_app.command("convert")
def convert_command(
    model: Annotated[str, typer.Argument(help="Size name (tiny.en, base, ...) or a CTranslate2 model directory.")],
    to: Annotated[list[str], typer.Option("--to", help="hf, openai or ct2 (repeat for several).")] = ["hf", "openai"],  # noqa: B006
) -> None:
    """Resolve a model and convert it into the cache for the transformers and openai-whisper backends."""
    unknown = [name for name in to if name not in LAYOUTS]
    if unknown:
        raise SpeechkitError(f"unknown layout(s) {', '.join(unknown)} (choose from {', '.join(LAYOUTS)})")
    for name in dict.fromkeys(to):
        layout = LAYOUTS[name]
        resolved = resolve_whisper(model) if layout is None else resolve_layout(model, layout)
        typer.echo(f"{name}\t{resolved.origin}\t{resolved.path}")
