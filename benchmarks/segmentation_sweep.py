"""Pooled AMI DER under pyannote's segmentation-side settings, side by side in one run (real weights).

    .venv/bin/python benchmarks/segmentation_sweep.py [--output benchmarks/results/segmentation_sweep.json]

Missed speech is most of the offline pipeline's DER on meetings/trn00-09 + dev00 + dev01 (11 of 19
points), so this varies what decides where speech is, with the clustering kept as published:

* ``min_duration_off``: fill pauses shorter than this within a speaker;
* ``embedding_exclude_overlap``: embed speakers from their non-overlapped speech only;
* ``segmentation_step``: the sliding window's step, as a fraction of its 10 s;
* ``count_bias``: pyannote rounds the frame's mean number of active speakers (``np.rint``); a bias
  rounds up sooner, so more frames are speech and more are overlap.

Scored as ``benchmarks/attribution.py`` scores them: one DiarizationErrorRate (collar 0.5, overlap
scored) accumulated over all files, with its missed / false-alarm / confusion parts.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
DEFAULT = {"min_duration_off": 0.0, "embedding_exclude_overlap": True, "segmentation_step": 0.1, "count_bias": 0.0}
VARIANTS = [{}, {"min_duration_off": 0.5}, {"embedding_exclude_overlap": False}, {"segmentation_step": 0.05},
            {"count_bias": 0.1}, {"count_bias": 0.2}, {"count_bias": 0.3}]


def configure(settings: dict, build) -> None:
    """Make the offline diarize backend build its pipeline (with ``build``, the published one) with
    ``settings`` from now on."""
    import numpy as np
    from pyannote.audio.core.inference import Inference
    from pyannote.audio.pipelines import SpeakerDiarization

    import speechkit.stages.diarize.pyannote as backend
    from speechkit.models import cache

    def offline():
        pipeline = build()
        pipeline.embedding_exclude_overlap = settings["embedding_exclude_overlap"]
        pipeline._segmentation.step = settings["segmentation_step"] * pipeline._segmentation.duration
        return pipeline.instantiate({"segmentation": {"min_duration_off": settings["min_duration_off"]},
                                     "clustering": backend.CLUSTERING})

    def speaker_count(binarized, frames, warm_up=(0.1, 0.1)):
        trimmed = Inference.trim(binarized, warm_up=warm_up)
        count = Inference.aggregate(np.sum(trimmed, axis=-1, keepdims=True), frames, hamming=False,
                                    missing=0.0, skip_average=False)
        count.data = np.rint(count.data + settings["count_bias"]).astype(np.uint8)
        return count

    backend._offline_pipeline = offline
    SpeakerDiarization.speaker_count = staticmethod(speaker_count)
    cache.clear()


def main() -> None:
    from attribution import pooled_meeting_der

    import speechkit.stages.diarize.pyannote as backend
    from speechkit.io import atomic_write_text
    from speechkit.registry import load_backend

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results" / "segmentation_sweep.json")
    args = parser.parse_args()
    rows, published = [], backend._offline_pipeline
    for change in VARIANTS:
        configure(DEFAULT | change, published)
        scores = pooled_meeting_der(load_backend("diarize", "pyannote")())
        rows.append({"change": change or "published", **{k: scores[k] for k in
                                                         ("pooled_der", "missed", "false", "confusion", "rtf")}})
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(args.output, json.dumps({"collar": 0.5, "defaults": DEFAULT, "rows": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
