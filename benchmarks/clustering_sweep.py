"""pyannote's agglomerative clustering threshold against pooled DER on the shared AMI excerpts.

    .venv/bin/python benchmarks/clustering_sweep.py [--thresholds 0.5 0.6 0.7045 0.8] [--output benchmarks/clustering_sweep.json]

Tuning data: meetings/trn00-09 + dev00 + dev01 (shared data only). Each threshold runs the offline
pipeline on every file; the pooled DER (collar 0.5, i.e. 0.25 s each side) is split into missed
speech, false alarm and confusion, so a threshold that trades confusion for nothing else shows.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def sweep(threshold: float) -> dict:
    from attribution import pooled_meeting_der
    from speechkit.stages.diarize import pyannote

    pyannote.CLUSTERING["threshold"] = threshold  # the module's one setting; each threshold in its own process
    pooled = pooled_meeting_der(pyannote.PyannoteDiarizer(threads=1))
    return {"threshold": threshold, **{k: pooled[k] for k in ("pooled_der", "missed", "false", "confusion")},
            "speakers_found_vs_true": {uri: [f["speakers"], f["true_speakers"]] for uri, f in pooled["files"].items()}}


def main() -> None:
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--thresholds", type=float, nargs="+", default=[0.5, 0.6, 0.7045654963945799, 0.8])
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "clustering_sweep.json")
    args = parser.parse_args()
    results = []
    for threshold in args.thresholds:
        with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
            results.append(pool.submit(sweep, threshold).result())
        args.output.write_text(json.dumps(results, indent=1) + "\n")
        print(json.dumps({k: v for k, v in results[-1].items() if k != "speakers_found_vs_true"}))


if __name__ == "__main__":
    main()
