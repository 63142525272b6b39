"""What a pipeline run has finished, so a rerun skips it: ``<out>/<name>.run.json``.

Each finished stage is recorded with its fingerprint (its settings and everything upstream) after its
document is written, both atomically; a crash between the two only costs a rerun of that stage.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from speechkit.io import atomic_write_text


class Manifest:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            self.data = {}
        self.data.setdefault("jobs", {})

    def fresh(self, job: str, stage: str, fingerprint: str, output: Path) -> bool:
        record = self.data["jobs"].get(job, {}).get(stage, {})
        return record.get("fingerprint") == fingerprint and output.is_file()

    def record(self, job: str, stage: str, fingerprint: str, output: Path, backend: str) -> None:
        self.data["jobs"].setdefault(job, {})[stage] = {
            "fingerprint": fingerprint,
            "backend": backend,
            "document": output.name,
            "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        self.save()

    def set(self, key: str, value: Any) -> None:
        self.data[key] = value
        self.save()

    def save(self) -> None:
        atomic_write_text(self.path, json.dumps(self.data, indent=2) + "\n")
