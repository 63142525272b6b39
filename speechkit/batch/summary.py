"""The batch summary: one row per input (status, wall time, model loading, RTF with and without it, error)
as ``batch.json`` and ``batch.md``."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from speechkit.batch.job import InputResult
from speechkit.io import atomic_write_text


def totals(results: Sequence[InputResult], wall: float) -> dict[str, Any]:
    """Counts per status, audio and wall time, model loading summed over inputs, and throughput in audio
    hours per wall hour."""
    audio = sum(r.audio_seconds or 0.0 for r in results if r.status == "done")
    counts = Counter(r.status for r in results)
    return {"inputs": len(results), **{s: counts.get(s, 0) for s in ("done", "skipped", "failed")},
            "wall_time": round(wall, 3), "audio_seconds": round(audio, 3),
            "load_time": round(sum(r.load_time or 0.0 for r in results), 3),
            "audio_hours_per_hour": round(audio / wall, 3) if wall > 0 and audio else None}


def write_summary(output_dir: Path, engine: str, workers: int, results: Sequence[InputResult],
                  wall: float) -> dict[str, Path]:
    """Both files, written atomically (a batch killed while writing leaves the previous summary)."""
    data = {"engine": engine, "workers": workers, "totals": totals(results, wall),
            "inputs": [r.as_dict() for r in results]}
    paths = {"json": output_dir / "batch.json", "md": output_dir / "batch.md"}
    atomic_write_text(paths["json"], json.dumps(data, indent=2) + "\n")
    atomic_write_text(paths["md"], markdown(data))
    return paths


def markdown(data: dict[str, Any]) -> str:
    t = data["totals"]
    speed = f", {t['audio_hours_per_hour']} audio hours per wall hour" if t["audio_hours_per_hour"] else ""
    lines = [f"# Batch: {t['done']} done, {t['skipped']} up to date, {t['failed']} failed of {t['inputs']}", "",
             f"Engine {data['engine']}, {data['workers']} worker(s), {t['wall_time']:.1f} s wall{speed}.", "",
             "RTF is wall over audio time; processing RTF leaves out loading models, which each worker does once.", "",
             "| input | status | wall (s) | loading (s) | audio (s) | RTF | processing RTF | error |",
             "|---|---|---:|---:|---:|---:|---:|---|"]
    for row in data["inputs"]:
        error = (row["error"] or "").replace("|", "\\|").replace("\n", " ")
        lines.append(f"| {row['input']} | {row['status']} | {row['wall_time']:.2f} | {_num(row.get('load_time'))} "
                     f"| {_num(row['audio_seconds'])} | {_num(row['real_time_factor'])} "
                     f"| {_num(row.get('rtf_processing'))} | {error} |")
    return "\n".join(lines) + "\n"


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.3g}"
