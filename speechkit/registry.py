"""Backends registered by name, built-in or added by third parties through entry points.

Built-in backends are listed as ``module:Class`` strings in each stage package's ``BACKENDS``
(so listing them imports no model library). A third-party package adds one with an entry point::

    [project.entry-points."speechkit.backends"]
    "transcribe.my-asr" = "my_pkg.asr:MyTranscriber"
"""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points
from typing import TYPE_CHECKING

from speechkit.errors import BackendError
from speechkit.schema import STAGES

if TYPE_CHECKING:
    from speechkit.stages.base import Backend

ENTRY_POINT_GROUP = "speechkit.backends"


def _builtin(stage: str) -> dict[str, str]:
    try:
        module = importlib.import_module(f"speechkit.stages.{stage}")
    except ModuleNotFoundError:
        return {}
    return dict(getattr(module, "BACKENDS", {}))


def _plugins(stage: str) -> dict[str, str]:
    found = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        ep_stage, _, name = ep.name.partition(".")
        if ep_stage == stage and name:
            found[name] = ep.value
    return found


def backends(stage: str) -> dict[str, str]:
    """All backends of a stage, name -> ``module:Class``; plugins may not shadow built-ins."""
    if stage not in STAGES:
        raise BackendError(f"unknown stage {stage!r} (stages: {', '.join(STAGES)})")
    return {**_plugins(stage), **_builtin(stage)}


def load_backend(stage: str, name: str) -> type[Backend]:
    table = backends(stage)
    if name not in table:
        raise BackendError(f"unknown {stage} backend {name!r} (available: {', '.join(sorted(table)) or 'none'})")
    module_name, _, attr = table[name].partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise BackendError(f"{stage} backend {name!r} cannot be loaded: {exc}; run the README's set-up command") from None
    backend = getattr(module, attr)
    from speechkit.extras import require

    require(f"{stage} backend {name!r}", backend.libraries)
    return backend
