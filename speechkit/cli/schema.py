"""``speechkit schema``: the JSON Schema of the intermediate document, or documents checked against it."""

import json
from pathlib import Path
from typing import Annotated

import typer

from speechkit.cli.app import app
from speechkit.errors import DocumentError


@app.command("schema")
def schema_command(
    documents: Annotated[list[Path] | None, typer.Argument(help="Documents to validate against the schema (default: print the schema).")] = None,
) -> None:
    """Print the JSON Schema of the intermediate document, or validate documents against it."""
    from speechkit.schema import Document, json_schema

    schema = json_schema()
    if not documents:
        typer.echo(json.dumps(schema, indent=2))
        return
    import jsonschema  # in the locked stack; only validation needs it

    for path in documents:
        Document.load(path)  # readable and valid for this speechkit (version, content)
        error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(
            json.loads(path.read_text(encoding="utf-8"))))
        if error is not None:
            where = ".".join(str(p) for p in error.absolute_path) or "document"
            raise DocumentError(f"{path}: does not match the schema at '{where}': {error.message}")
        typer.echo(f"{path}: valid (schema {Document.model_fields['schema_version'].default})")
