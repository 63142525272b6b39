"""The ``speechkit`` command: one thin command per stage, errors as one line and a non-zero exit."""

from __future__ import annotations

import importlib
import logging
import os
import sys
import warnings

from speechkit.cli.app import app
from speechkit.errors import SpeechkitError

COMMANDS = ("schema", "transcribe", "export")
"""Command modules, in pipeline order; each attaches its commands to ``app``."""

for _name in COMMANDS:
    importlib.import_module(f"speechkit.cli.{_name}")


def _quiet_libraries() -> None:
    """Model libraries warn loudly about things irrelevant on a CPU (torchcodec, TF32, deprecations)."""
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    warnings.filterwarnings("ignore", category=UserWarning)
    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    logging.getLogger("speechbrain").setLevel(logging.ERROR)


def main() -> None:
    _quiet_libraries()
    try:
        app(standalone_mode=False)
    except SpeechkitError as exc:
        print(f"speechkit: error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        print("speechkit: interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # click's usage errors and aborts
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if isinstance(exc, click.exceptions.Abort):
            sys.exit(1)
        raise
