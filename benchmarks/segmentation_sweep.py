"""Pooled AMI DER under pyannote's segmentation-side settings, side by side in one run, and what
segmentation-3.0 leaves to clustering at best (real weights).

    .venv/bin/python benchmarks/segmentation_sweep.py [--output benchmarks/results/segmentation_sweep.json]

Missed speech is most of the offline pipeline's DER on meetings/trn00-09 + dev00 + dev01, so this
varies what decides where speech and overlap are, with the clustering kept as published:

* ``min_duration_off``: fill pauses shorter than this within a speaker;
* ``embedding_exclude_overlap``: embed speakers from their non-overlapped speech only;
* ``segmentation_step``: the sliding window's step, as a fraction of its 10 s;
* ``overlap_bias``: added to the frame's mean number of speakers before rounding, where there is
  speech (``speechkit.stages.diarize.pyannote.OVERLAP_BIAS``; 0 is pyannote's own ``np.rint``).

Scored as ``benchmarks/attribution.py`` scores them: one DiarizationErrorRate (collar 0.5, overlap
scored) accumulated over all files, with its missed / false-alarm / confusion parts.

``limits`` holds what no clustering can mend: the DER with the reference's own speakers given to
every window (pyannote's ``OracleClustering``), and, over the reference's overlapped 10 ms frames,
the share that no window / every window of the segmentation sees as overlap.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
FRAME = 0.01


def default_settings() -> dict:
    import speechkit.stages.diarize.pyannote as backend

    return {"min_duration_off": 0.0, "embedding_exclude_overlap": True, "segmentation_step": 0.1,
            "overlap_bias": backend.OVERLAP_BIAS}


VARIANTS = [{}, {"overlap_bias": 0.0}, {"overlap_bias": 0.2}, {"overlap_bias": 0.4}, {"min_duration_off": 0.5},
            {"embedding_exclude_overlap": False}, {"segmentation_step": 0.05}, {"segmentation_step": 0.15}]


def configure(settings: dict, build) -> None:
    """Make the offline diarize backend build its pipeline (with ``build``, the published one) with
    ``settings`` from now on."""
    import speechkit.stages.diarize.pyannote as backend
    from speechkit.models import cache

    def offline():
        pipeline = build()
        pipeline.embedding_exclude_overlap = settings["embedding_exclude_overlap"]
        pipeline._segmentation.step = settings["segmentation_step"] * pipeline._segmentation.duration
        return pipeline.instantiate({"segmentation": {"min_duration_off": settings["min_duration_off"]},
                                     "clustering": backend.CLUSTERING})

    backend.OVERLAP_BIAS = settings["overlap_bias"]
    backend._offline_pipeline = offline
    cache.clear()


def reference_counts(reference, frames: int):
    """Speakers talking in each ``FRAME`` of the reference turns."""
    import numpy as np

    counts = np.zeros(frames, dtype=int)
    for turn in reference:
        counts[int(turn.start / FRAME):int(turn.end / FRAME)] += 1
    return counts


def overlap_seen(segmentation, counts):
    """Per overlapped reference frame, the share of the windows covering it that see two speakers or more."""
    import numpy as np

    seen, covering = np.zeros(counts.size), np.zeros(counts.size)
    chunks, _, _ = segmentation.data.shape
    window = segmentation.sliding_window
    for chunk in range(chunks):
        start, duration = window[chunk].start, window.duration
        local = segmentation.data[chunk]
        index = ((start + (np.arange(local.shape[0]) + 0.5) * duration / local.shape[0]) / FRAME).astype(int)
        keep = (index >= 0) & (index < counts.size)
        np.add.at(covering, index[keep], 1)
        np.add.at(seen, index[keep], (local.sum(axis=1) >= 2)[keep])
    share = seen / np.maximum(covering, 1)
    return share[counts >= 2]


def limits() -> dict:
    """Pooled DER with oracle clustering, and how much of the reference's overlap segmentation sees."""
    import numpy as np
    import torch
    from attribution import MEETINGS
    from pyannote.audio.pipelines.clustering import OracleClustering
    from pyannote.core import Segment, Timeline
    from pyannote.metrics.diarization import DiarizationErrorRate

    import speechkit.stages.diarize.pyannote as backend
    from speechkit.media.audio import SAMPLE_RATE, load_audio
    from speechkit.export.rttm import read_rttm
    from speechkit.metrics.der import annotation

    pipeline, oracle = backend._offline_pipeline(), OracleClustering()
    pipeline.clustering = lambda segmentations, file, frames, **_: oracle(segmentations=segmentations, file=file,
                                                                          frames=frames)
    metric, shares = DiarizationErrorRate(collar=0.5), []
    for uri, path, rttm in MEETINGS:
        samples, reference = load_audio(path), read_rttm(rttm)[uri]
        truth, artefacts = annotation(reference, uri), {}

        def keep(step, artefact, file=None, total=None, completed=None):
            if total is None:  # the step's result, not its progress
                artefacts[step] = artefact

        output = pipeline({"waveform": torch.from_numpy(samples)[None], "sample_rate": SAMPLE_RATE, "uri": uri,
                           "annotation": truth}, hook=keep)
        metric(truth, output.speaker_diarization, uem=Timeline([Segment(0.0, samples.size / SAMPLE_RATE)]))
        frames = int(samples.size / SAMPLE_RATE / FRAME) + 1
        shares.append(overlap_seen(artefacts["segmentation"], reference_counts(reference, frames)))
    share = np.concatenate(shares)
    total = metric.accumulated_["total"]
    return {"oracle_clustering": {"pooled_der": round(float(abs(metric)), 4),
                                  **{k.split()[0]: round(metric.accumulated_[k] / total, 4)
                                     for k in ("missed detection", "false alarm", "confusion")}},
            "overlapped_frames": int(share.size),
            "overlap_seen_by_no_window": round(float(np.mean(share == 0)), 3),
            "overlap_seen_by_every_window": round(float(np.mean(share == 1)), 3)}


def main() -> None:
    from attribution import pooled_meeting_der

    import speechkit.stages.diarize.pyannote as backend
    from speechkit.io import atomic_write_text
    from speechkit.registry import load_backend

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results" / "segmentation_sweep.json")
    args = parser.parse_args()
    rows, published, defaults = [], backend._offline_pipeline, default_settings()
    found = limits()
    print(json.dumps(found), file=sys.stderr, flush=True)
    for change in VARIANTS:
        configure(defaults | change, published)
        scores = pooled_meeting_der(load_backend("diarize", "pyannote")())
        rows.append({"change": change or "speechkit default", **{k: scores[k] for k in
                                                         ("pooled_der", "missed", "false", "confusion", "rtf")}})
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(args.output, json.dumps({"collar": 0.5, "defaults": defaults, "rows": rows, "limits": found}, indent=2) + "\n")


if __name__ == "__main__":
    main()
