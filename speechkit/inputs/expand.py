"""What a user typed as inputs, expanded into the files and URLs to process, in a stable order.

Every stage command, ``run`` and ``batch`` take several inputs: files, globs, directories (their
media and documents, recursively) and ``@list.txt`` (one input per line, ``#`` comments). Expansion
happens before any work, so a typo fails in a second naming what matched nothing.
"""

from __future__ import annotations

import glob
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from speechkit.inputs.urls import is_url, url_key
from speechkit.errors import OutputError, SpeechkitError
from speechkit.naming import base_name

MEDIA_SUFFIXES = frozenset(
    ".wav .flac .mp3 .m4a .aac .ogg .opus .oga .wma .aiff .aif .amr .webm .mp4 .mkv .mov .avi .m4v .ts .3gp".split()
)
"""Suffixes taken from a directory; a file named explicitly is taken whatever its suffix."""


class InputsError(SpeechkitError):
    """An input argument that names nothing: a missing file, a glob or directory with no media, an unreadable list."""


def expand_inputs(arguments: Sequence[str | Path], documents: bool = True) -> list[str]:
    """Files and URLs for ``arguments``, each once, in the order given (directories and globs sorted).
    ``documents`` also takes ``*.json`` documents from directories (stage commands read them)."""
    seen: dict[str, None] = {}
    for argument in arguments:
        for item in _expand_one(str(argument), documents, trail=()):
            seen.setdefault(item, None)
    if not seen:
        raise InputsError("no inputs given")
    return list(seen)


def _expand_one(argument: str, documents: bool, trail: tuple[Path, ...]) -> Iterable[str]:
    if not argument.strip():  # Path("") is the current directory: an unset shell variable would take all of it
        raise InputsError(f"{argument!r}: an empty input names no file (an unset variable?)")
    if is_url(argument):
        return [argument]
    if argument.startswith("@"):
        return _from_list(Path(argument[1:]), documents, trail)
    path = Path(argument)
    if path.is_dir():
        return _from_directory(path, documents)
    if path.exists():
        return [argument]
    if glob.has_magic(argument):
        matches = sorted(glob.glob(argument, recursive=True))
        found = [item for match in matches for item in _expand_one(match, documents, trail)]
        if not found:
            raise InputsError(f"{argument}: no file matches this pattern")
        return found
    raise InputsError(f"{argument}: no such file")


def _from_directory(directory: Path, documents: bool) -> list[str]:
    wanted = MEDIA_SUFFIXES | ({".json"} if documents else set())
    found = sorted(str(path) for path in directory.rglob("*")
                   if path.is_file() and path.suffix.lower() in wanted and not path.name.startswith("."))
    if not found:
        kinds = "audio, video or documents" if documents else "audio or video files"
        raise InputsError(f"{directory}: the directory holds no {kinds}")
    return found


def _from_list(listing: Path, documents: bool, trail: tuple[Path, ...]) -> list[str]:
    """A list file's lines, relative paths taken from the list's folder; a list naming itself is refused."""
    if listing.resolve() in trail:
        raise InputsError(f"@{listing}: the list includes itself")
    try:
        lines = listing.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputsError(f"@{listing}: cannot read the input list ({exc.__class__.__name__})") from None
    items: list[str] = []
    for line in (line.strip() for line in lines):
        if not line or line.startswith("#"):
            continue
        local = line if is_url(line) else _beside(line, listing.parent)
        items.extend(_expand_one(local, documents, trail + (listing.resolve(),)))
    return items


def _beside(line: str, folder: Path) -> str:
    """A list entry (a path or ``@list``) with a relative path taken from the list's own folder."""
    prefix, path = ("@", line[1:]) if line.startswith("@") else ("", line)
    return prefix + (path if Path(path).is_absolute() else str(folder / path))


def unique_names(items: Sequence[str]) -> dict[str, str]:
    """Each input's output name: its base name, plus a short hash of its path where two inputs share one
    (``a/talk.wav`` and ``b/talk.wav`` in one output folder must not overwrite each other)."""
    bases = {item: base_name(item) or "document" for item in items}
    shared = Counter(bases.values())
    return {item: base if shared[base] == 1 else f"{base}-{url_key(str(Path(item).resolve()))}"
            for item, base in bases.items()}


def refuse_shared_names(items: Sequence[str], output_dir: Path) -> None:
    """``run`` and ``batch`` name a run's documents after its input, so two inputs of one name would share them."""
    names = unique_names(items)
    clashing = [item for item in items if names[item] != (base_name(item) or "document")]
    if clashing:
        raise OutputError(f"{' and '.join(clashing)} have one name, so their documents would share {output_dir}; "
                          "run them with different --output-dir")
