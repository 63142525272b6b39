"""The Typer application every command module attaches to, with the options every command shares."""

import logging
import sys
import warnings
from typing import Annotated

import typer

from speechkit import __version__

app = typer.Typer(
    name="speechkit",
    help="Speaker-labelled, word-timed transcripts and summaries; ASR stress tests under noise.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def _version(shown: bool) -> None:
    if shown:
        typer.echo(f"speechkit {__version__}")
        raise typer.Exit()


def set_verbosity(quiet: bool, verbose: bool) -> None:
    """Quiet: errors only, no progress bars. Verbose: the libraries' own warnings and log lines too (by
    default they are hidden, e.g. pyannote's "Found only 1 clusters", which is expected on one speaker)."""
    from speechkit.progress import stderr

    own = logging.getLogger("speechkit")  # speechkit's own warnings: one line each on stderr, unless quiet
    if not own.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        own.addHandler(handler)
        own.propagate = False
    own.setLevel(logging.ERROR if quiet else logging.INFO if verbose else logging.WARNING)
    if verbose:
        warnings.resetwarnings()
        logging.basicConfig(level=logging.INFO)
        logging.getLogger().setLevel(logging.INFO)
        for name in ("speechbrain", "faster_whisper", "pyannote", "whisperx"):
            logging.getLogger(name).setLevel(logging.INFO)
        return
    warnings.simplefilter("ignore")
    logging.getLogger().setLevel(logging.ERROR if quiet else logging.WARNING)
    for name in ("pyannote", "speechbrain", "whisperx", "lightning", "pytorch_lightning"):
        logging.getLogger(name).setLevel(logging.ERROR)
    stderr.quiet = quiet


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Errors only: no progress bars or warnings.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show the libraries' warnings and log lines.")] = False,
) -> None:
    """Keeps ``speechkit COMMAND`` a group even when only the invoked command's module is imported."""
    if quiet and verbose:
        raise typer.BadParameter("--quiet and --verbose contradict each other")
    set_verbosity(quiet, verbose)
