"""``speechkit schema``: the JSON Schema of the intermediate document."""

import json

import typer

from speechkit.cli.app import app
from speechkit.schema import json_schema


@app.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of the intermediate document."""
    typer.echo(json.dumps(json_schema(), indent=2))
