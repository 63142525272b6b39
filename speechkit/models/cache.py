"""Loaded models shared by everything in the process: pipeline stages, batch runs, stress workers.

A backend asks for its model by a key made of the options loading depends on; the first ask loads
it, later ones (another document, another cell, another backend instance) get the same object.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Loaded:
    """A loaded model and what its provenance should say about it."""

    value: Any
    path: str | None = None
    notes: tuple[str, ...] = ()
    parameters: dict[str, Any] = field(default_factory=dict)


_LOADED: dict[Hashable, Loaded] = {}
_LOCK = threading.Lock()


def get(key: Hashable, build: Callable[[], Loaded]) -> Loaded:
    """The model under ``key``, built by ``build`` the first time only."""
    with _LOCK:
        if key not in _LOADED:
            _LOADED[key] = build()
        return _LOADED[key]


def is_loaded(key: Hashable) -> bool:
    return key in _LOADED


def clear() -> None:
    """Forget every loaded model (tests; freeing memory between unrelated jobs)."""
    with _LOCK:
        _LOADED.clear()
