"""The ``speechkit`` command: one thin command per stage, errors as one line and a non-zero exit."""

from __future__ import annotations

import importlib
import logging
import os
import sys
import warnings

from speechkit.cli.app import app
from speechkit.errors import SpeechkitError

COMMANDS = ("schema", "download", "augment", "transcribe", "align", "diarize", "summarize", "eval", "export", "stress", "run", "models")
"""Command modules, in pipeline order; each attaches its commands to ``app``."""


def register(argv: list[str]) -> None:
    """Import only the invoked command's module (all of them for help or an unknown name): some command
    modules import scipy or torch, which would add a second to every run of every other command."""
    for name in [argv[0]] if argv and argv[0] in COMMANDS else COMMANDS:
        importlib.import_module(f"speechkit.cli.{name}")


def _quiet_libraries() -> None:
    """Model libraries warn loudly about things irrelevant on a CPU (torchcodec, TF32, deprecations)."""
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    warnings.filterwarnings("ignore", category=UserWarning)
    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    logging.getLogger("speechbrain").setLevel(logging.ERROR)


def main() -> None:
    _quiet_libraries()
    register(sys.argv[1:])
    try:
        app(standalone_mode=False)
    except SpeechkitError as exc:
        print(f"speechkit: error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        print("speechkit: interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # click's usage errors and aborts
        from typer._click import exceptions  # typer 0.2x vendors its own click, not the `click` package

        if isinstance(exc, exceptions.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if isinstance(exc, exceptions.Abort):
            sys.exit(1)
        raise
