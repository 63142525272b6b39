"""Turning a pydantic ValidationError into one line a person can act on: the one place this is done.

Configs, documents, stress configs and backend options all report their first error the same way:
where it is (dotted path), what is wrong, and for an unknown key the keys that are allowed.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import ValidationError


def first_error(exc: ValidationError, allowed: Iterable[str] = ()) -> tuple[str, str]:
    """(dotted location, message) of the first error; an unknown key's message lists ``allowed``."""
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    message = str(first["msg"]).removeprefix("Value error, ")
    choices = sorted(allowed)
    if first["type"] == "extra_forbidden" and choices:
        message = f"unknown (options: {', '.join(choices)})"
    elif isinstance(first.get("input"), (str, int, float, bool)) and first["loc"]:
        message = f"{message} (got {first['input']!r})"
    return where, message
