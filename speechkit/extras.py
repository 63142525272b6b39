"""Optional libraries and the extra that installs each, checked before any work starts.

The default install carries what the shipped pipelines need; WhisperX and Ray are extras
(pyproject.toml). A backend names its libraries in ``Backend.libraries``, so picking one whose
library is missing fails at once, in one line that says what to install, instead of partway
through a run. The check asks the import system whether the module is there, without importing it.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib.util import find_spec

from speechkit.errors import SpeechkitError

OPTIONAL: dict[str, tuple[str, str]] = {
    "whisperx": ("whisperx", "backends"),
    "nltk": ("nltk", "backends"),
    "ray": ("ray", "ray"),
}
"""Distribution (as in ``Backend.libraries``) -> (module it imports as, extra that installs it)."""


class MissingExtraError(SpeechkitError):
    """An optional library that the chosen backend or engine needs is not installed."""


def installed(module: str) -> bool:
    """Whether ``module`` can be imported (a module set to None in ``sys.modules`` cannot)."""
    try:
        return find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def missing(library: str) -> bool:
    """Whether ``library`` is an optional one that is not installed."""
    return library in OPTIONAL and not installed(OPTIONAL[library][0])


def install_hint(library: str) -> str:
    return f"pip install 'speechkit[{OPTIONAL[library][1]}]'"


def require(what: str, libraries: Iterable[str]) -> None:
    """Raise, naming the extra to install, when one of ``libraries`` that is optional is missing."""
    for library in libraries:
        if missing(library):
            raise MissingExtraError(f"{what} needs {library}, which is not installed: {install_hint(library)}")
