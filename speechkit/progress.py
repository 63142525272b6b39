"""Progress bars on stderr (rich), so stdout stays clean for chaining output paths."""

from __future__ import annotations

from rich.console import Console
from rich.progress import (BarColumn, Progress, TaskID, TaskProgressColumn, TextColumn, TimeElapsedColumn,
                           TimeRemainingColumn)

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


class RichHook:
    """A progress hook, ``hook(step, completed, total)``, drawing one bar per step; a context manager.

    Backends report progress only through such a hook, so library calls stay silent and the CLI
    (which passes this one) draws bars for every stage and every model load.
    """

    def __init__(self) -> None:
        self.bar = progress_bar()
        self.tasks: dict[str, TaskID] = {}

    def __enter__(self) -> RichHook:
        return self

    def __exit__(self, error: type[BaseException] | None, *rest: object) -> None:
        if not self.tasks:  # started by the first report
            return
        console, quiet = self.bar.console, self.bar.console.quiet
        if error is not None:  # a failed run leaves only its one-line error
            self.bar.live.transient, console.quiet = True, True
        try:
            self.bar.stop()
        finally:
            console.quiet = quiet

    def __call__(self, step: str, completed: float, total: float | None = None) -> None:
        if not self.tasks:
            self.bar.start()
        if step not in self.tasks:
            self.tasks[step] = self.bar.add_task(step, total=total)
        self.bar.update(self.tasks[step], completed=completed, total=total)
