"""Finished cells as small JSON files, ``<output_dir>/cells/<key>.json``: rerunning skips them and an
interrupted run resumes; shards on other machines fill the same directory (e.g. a shared disk)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from speechkit.io import atomic_write_text
from speechkit.jsonable import jsonable


def cell_path(output_dir: str | Path, key: str) -> Path:
    return Path(output_dir) / "cells" / f"{key}.json"


def load_cell(output_dir: str | Path, key: str) -> dict[str, Any] | None:
    """A finished cell's result, or None when it is missing or unreadable (it is then run again)."""
    try:
        result = json.loads(cell_path(output_dir, key).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return result if isinstance(result, dict) and result.get("key") == key else None


def save_cell(output_dir: str | Path, result: dict[str, Any]) -> Path:
    return atomic_write_text(cell_path(output_dir, result["key"]), json.dumps(jsonable(result), indent=1) + "\n")
