"""Accuracy of the offline pyannote pipeline per embedding stride, every stride on the same transcripts in one run.

    .venv/bin/python benchmarks/diarize_stride.py [--strides 1 2 3] [--output benchmarks/results/diarize_stride.json]

Stride 1 embeds every 10 s window as pyannote does (today's figures); stride N embeds every N-th
and lets the windows between reuse a neighbour's embedding of the same voice
(:mod:`speechkit.stages.diarize.embeddings`). Scores, with ``benchmarks/attribution.py``'s own
functions: the six seeded built conversations (seeds 0-5, 1-3 minutes, transcribed once with
tiny.en): mean DER (collar 0.5), mean word attribution, speaker count right; and the pooled DER of
the twelve AMI excerpts. One torch thread; times here are not benchmarks (see ``diarize_speed.py``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def main() -> None:
    import attribution
    import speechkit
    from speechkit.models import cache

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--strides", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results" / "diarize_stride.json")
    parser.add_argument("--work", type=Path, default=Path("/tmp/speechkit-conversations"))
    args = parser.parse_args()

    built = attribution.build_conversations(args.work, [0, 1, 2, 3, 4, 5], (1.0, 3.0))
    transcriber = speechkit.load("transcribe", "faster-whisper", model="tiny.en", language="en")
    transcripts = [(transcriber(speechkit.read(path)), truth) for path, truth in built]
    diarizer = speechkit.load("diarize", "pyannote", threads=1)
    diarizer.preload()
    pipeline = next(v.value for v in cache._LOADED.values() if hasattr(v.value, "embedding_stride"))
    results = {}
    for stride in args.strides:
        pipeline.embedding_stride = stride
        started = time.perf_counter()
        rows = [attribution.conversation_scores(diarizer(doc), truth) for doc, truth in transcripts]
        meetings = attribution.pooled_meeting_der(diarizer)
        results[stride] = {
            "conversations_der_mean": round(sum(r["der_collar_0.5"] for r in rows) / len(rows), 4),
            "word_attribution_mean": round(sum(r["word_attribution"] for r in rows) / len(rows), 4),
            "count_right": sum(r["speakers"] == r["true_speakers"] for r in rows),
            "ami_pooled": {k: v for k, v in meetings.items() if k not in ("load_s", "rtf", "rtf_processing")},
            "conversations": rows, "wall_s": round(time.perf_counter() - started, 1)}
        print(stride, {k: v for k, v in results[stride].items() if k not in ("conversations", "ami_pooled")},
              meetings["pooled_der"], flush=True)
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
