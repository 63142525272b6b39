"""The Typer application every command module attaches to."""

import typer

app = typer.Typer(
    name="speechkit",
    help="Speaker-labelled, word-timed transcripts and summaries; ASR stress tests under noise.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _root() -> None:
    """Keeps ``speechkit COMMAND`` a group even when only the invoked command's module is imported."""
