"""Values made JSON-safe (numpy scalars, tuples, paths), for provenance and cached results alike."""

from __future__ import annotations

from typing import Any


def jsonable(value: Any) -> Any:
    """``value`` with dict keys as strings, tuples as lists, numpy scalars as Python ones, the rest as str."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if hasattr(value, "item"):
        return value.item()
    return str(value)
