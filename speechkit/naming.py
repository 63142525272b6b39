"""How a document's files are named: ``<name>.<stage>.json``, one rule for every stage, exporter and pipeline."""

from __future__ import annotations

from pathlib import Path

from speechkit.schema import STAGES


def base_name(path: str | Path) -> str:
    """``talk.v1.wav`` -> ``talk.v1``; ``talk.v1.transcribe.json`` -> ``talk.v1``: only the extension and
    a stage's ``.<stage>.json`` suffix go, so each stage's suffix replaces the previous one's and files
    that differ after a first dot (``meeting 2024.01.15.flac``) never share outputs."""
    name = Path(path).name
    for suffix in [f".{stage}.json" for stage in STAGES] + [".json"]:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return Path(name).stem


def stage_output_path(input_path: str | Path, stage: str, output_dir: str | Path = ".") -> Path:
    """``talk.wav`` -> ``talk.transcribe.json``; ``talk.transcribe.json`` -> ``talk.align.json``."""
    return Path(output_dir) / f"{base_name(input_path) or 'document'}.{stage}.json"
