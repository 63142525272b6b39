"""The ``speechkit`` command: one thin command per stage, errors as one line and a non-zero exit."""

from __future__ import annotations

import importlib
import logging
import os
import signal
import sys
import warnings

from speechkit.cli.app import app
from speechkit.errors import SpeechkitError

COMMANDS = ("schema", "download", "augment", "transcribe", "align", "diarize", "summarize", "eval", "export", "stress", "run", "batch", "models", "configs")
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


def _terminated(signum: int, frame: object) -> None:
    """SIGTERM unwinds like Ctrl-C, so atomic writes remove their temporary files; exit 128 + 15."""
    print("speechkit: terminated", file=sys.stderr)
    sys.exit(143)


def _framework_errors() -> tuple[tuple[type[BaseException], ...], ...]:
    """(usage errors, aborts, exits) as the installed Typer raises them: Typer 0.2x vendors click as
    ``typer._click`` with its own classes, older Typer raises click's; catching the wrong set turned
    every bad option into an 'unexpected' error. Only the one in use is imported (click alone takes 0.1 s)."""
    import typer

    try:
        from typer._click.exceptions import ClickException
    except ImportError:  # older Typer: click's classes, which typer.Abort and typer.Exit then are too
        from click.exceptions import ClickException
    return (ClickException,), (typer.Abort,), (typer.Exit,)


def _usage_line(exc: BaseException) -> str:
    """A usage error as one line naming the command whose --help explains it."""
    ctx = getattr(exc, "ctx", None)
    where = f" (see {ctx.command_path} --help)" if ctx is not None else ""
    return f"speechkit: error: {exc.format_message()}{where}"  # type: ignore[attr-defined]


def main() -> None:
    """Exit codes: 0 done, 1 unexpected failure, 2 usage or input error, 130 interrupted, 143 terminated."""
    _quiet_libraries()
    usage_errors, aborts, exits = _framework_errors()
    signal.signal(signal.SIGTERM, _terminated)
    try:
        register(sys.argv[1:])
        code = app(standalone_mode=False)
    except SpeechkitError as exc:
        print(f"speechkit: error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except (KeyboardInterrupt, *aborts):
        print("speechkit: interrupted", file=sys.stderr)
        sys.exit(130)
    except usage_errors as exc:
        if exc.format_message():  # type: ignore[attr-defined]  # empty: bare `speechkit`, its help shown
            print(_usage_line(exc), file=sys.stderr)
        sys.exit(exc.exit_code)  # type: ignore[attr-defined]
    except exits as exc:
        sys.exit(exc.exit_code)  # type: ignore[attr-defined]
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, not a traceback
        if os.environ.get("SPEECHKIT_DEBUG"):
            raise
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        print(f"speechkit: error: unexpected {type(exc).__name__}{': ' + reason if reason else ''} "
              "(set SPEECHKIT_DEBUG=1 for the traceback)", file=sys.stderr)
        sys.exit(1)
    if code == 130:  # typer turns Ctrl-C inside a command into a return value
        print("speechkit: interrupted", file=sys.stderr)
    sys.exit(code if isinstance(code, int) else 0)
