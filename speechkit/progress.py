"""Progress bars on stderr (rich), so stdout stays clean for chaining output paths."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn

stderr = Console(stderr=True)


def progress_bar() -> Progress:
    """A bar with elapsed time and ETA; use as a context manager and ``add_task(description, total=...)``."""
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
        console=stderr,
        transient=False,
    )
