"""Libraries that ``print`` (pyannote's "Found only 1 clusters ...") write to stdout, which carries the
output paths; inside :func:`to_log` their lines go to the ``speechkit`` logger at INFO, shown with ``-v``."""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Iterator

log = logging.getLogger("speechkit")


class _LogLines(io.TextIOBase):
    def __init__(self, prefix: str) -> None:
        self.prefix, self.pending = prefix, ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        *lines, self.pending = (self.pending + text).split("\n")
        for line in filter(str.strip, lines):
            log.info("%s: %s", self.prefix, line)
        return len(text)


@contextlib.contextmanager
def to_log(library: str) -> Iterator[None]:
    """Send what ``library`` prints while inside to the log, each line prefixed with its name."""
    lines = _LogLines(library)
    with contextlib.redirect_stdout(lines):
        yield
    lines.write("\n")
