"""Atomic writes and the rule that an output never replaces an input."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from speechkit.errors import OutputError, SpeechkitError

MAX_YAML_NODES = 100_000
"""Far beyond any config, far below what would hang a reader: the limit on a YAML file's expanded size."""
FILE_MODE = 0o644
"""mkstemp makes owner-only files; outputs are ordinary files others may read."""


def guard_output(output: str | Path, inputs: Iterable[str | Path]) -> Path:
    """Refuse an output path that is one of the inputs (resolving links)."""
    out = Path(output).resolve()
    for item in inputs:
        if item and Path(item).exists() and Path(item).resolve() == out:
            raise OutputError(f"{output}: refusing to overwrite the input file; choose another output path")
    return out


def check_writable(path: str | Path) -> Path:
    """Fail now, with the reason, if ``path`` could not be written later (a directory in the way, a
    read-only or missing-permission folder, a file where a folder should be)."""
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{path}: is a directory; give a file name or use --output-dir")
    existing = path.parent
    while not existing.exists() and existing != existing.parent:  # folders the write will create
        existing = existing.parent
    try:  # probe the nearest existing folder, so a check that fails leaves no new empty folders behind
        if not existing.is_dir():
            raise NotADirectoryError(20, "Not a directory")
        fd, probe = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".probe", dir=existing)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write there ({exc.strerror or exc})") from None
    os.close(fd)
    os.unlink(probe)
    return path


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write to a temporary file beside ``path`` and rename it over, so readers never see half a file."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from None
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def atomic_write_text(path: str | Path, text: str) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"))


@contextmanager
def atomic_dir(target: str | Path) -> Iterator[Path]:
    """Yield a staging directory beside ``target`` and rename it into place when the block completes.

    An interrupted build never leaves a directory that looks finished; if another process
    completed the same target first, its copy is kept and ours discarded.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent))
    try:
        yield staging
        staging.chmod(0o755)
        os.replace(staging, target)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        if not target.is_dir():
            raise
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def read_text(path: str | Path, what: str, error: type[SpeechkitError]) -> str:
    """A UTF-8 file's text, or ``error`` naming the file and why it cannot be read as ``what``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{path}: no such {what}") from None
    except IsADirectoryError:
        raise error(f"{path}: is a directory, not a {what}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot read {what} ({exc})") from None
    if "\0" in text:  # valid UTF-8 yet binary (a WAV given as a transcript): never scored or parsed as text
        raise error(f"{path}: binary data, not a text {what}")
    return text


def read_yaml(path: str | Path, what: str, error: type[SpeechkitError]) -> Any:
    """A YAML file's content, or ``error`` naming the file, what it should be and where it is malformed."""
    import yaml  # only configs need it

    text = read_text(path, what, error)
    try:
        size = _expanded_size(yaml.compose(text, Loader=yaml.SafeLoader), {})
        if size > MAX_YAML_NODES:  # "billion laughs": a few lines of aliases that expand to gigabytes
            raise error(f"{path}: expands to {size:,} YAML nodes through aliases (at most {MAX_YAML_NODES:,}); "
                        "refusing what looks like an alias bomb")
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        raise error(f"{path}: malformed YAML{where}: {getattr(exc, 'problem', None) or exc}") from None


def _expanded_size(node: Any, sizes: dict[int, int]) -> int:
    """Nodes ``node`` stands for once every alias is expanded, counted without expanding (shared nodes once)."""
    import yaml

    if node is None:
        return 0
    if id(node) in sizes:
        if sizes[id(node)] < 0:
            raise yaml.YAMLError("a YAML alias refers to itself")
        return sizes[id(node)]
    sizes[id(node)] = -1
    if isinstance(node, yaml.SequenceNode):
        size = 1 + sum(_expanded_size(child, sizes) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        size = 1 + sum(_expanded_size(k, sizes) + _expanded_size(v, sizes) for k, v in node.value)
    else:
        size = 1
    sizes[id(node)] = min(size, 1 << 62)
    return sizes[id(node)]
