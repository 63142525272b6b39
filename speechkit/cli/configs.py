"""``speechkit configs list``: the bundled pipeline configs and augmentation presets, usable by name."""

from pathlib import Path
from typing import Annotated

import typer

from speechkit.bundled import CONFIG_DIR, PRESET_DIR, names
from speechkit.cli.app import app
from speechkit.io import read_yaml

configs_app = typer.Typer(help="Bundled pipeline configs and augmentation presets.", no_args_is_help=True)
app.add_typer(configs_app, name="configs")


def _description(path_name: str, folder: Path) -> str:
    from speechkit.pipeline.config import ConfigError

    data = read_yaml(folder / f"{path_name}.yaml", "config", ConfigError)
    return str(data.get("description", "")) if isinstance(data, dict) else ""


@configs_app.command("list")
def list_command(
    paths: Annotated[bool, typer.Option("--paths", help="Show each file's path too.")] = False,
) -> None:
    """Configs for `speechkit run NAME` and presets for `speechkit augment -p NAME`."""
    for title, folder in (("configs (speechkit run NAME)", CONFIG_DIR), ("augment presets (-p NAME)", PRESET_DIR)):
        typer.echo(title)
        for name in names(folder):
            where = f"  [{folder / (name + '.yaml')}]" if paths else ""
            typer.echo(f"  {name:<20} {_description(name, folder)}{where}")
