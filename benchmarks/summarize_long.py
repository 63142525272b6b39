"""How summarization scales with transcript length: time, chunks, map-reduce rounds, memory.

    .venv/bin/python benchmarks/summarize_long.py [--hours 0.5 1 2 3] [--output results.json]

Transcripts are pyannote's real two-speaker call (its reference STM) repeated, every sentence made
distinct ("... (take 17).") so the extractive backend cannot reuse embeddings. Both
backends run side by side on each length in one run:

- extractive: the packaged MiniLM (real weights);
- transformers: map-reduce through a tiny BART with random weights (plumbing: its text is
  meaningless; only chunking, rounds, input lengths and memory are measured), 256 input positions.

The table shows whether time grows linearly, whether every model input fits the limit, and whether
the Python heap stays flat as the transcript grows.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import tempfile
import time
import tracemalloc
from importlib.util import find_spec
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from speechkit.registry import load_backend  # noqa: E402
from speechkit.schema import Document, Segment  # noqa: E402
from speechkit.stages.summarize.plumbing import build_random_bart  # noqa: E402

HERE = Path(__file__).resolve().parent
STM = Path(list(find_spec("pyannote.audio").submodule_search_locations)[0]) / "sample" / "sample.stm"
PERIOD = 30.0


def transcript(hours: float) -> Document:
    lines = [line.split() for line in STM.read_text().splitlines()]
    segments = []
    for k in range(round(hours * 3600 / PERIOD)):
        for _, _, speaker, start, end, *words in lines:
            text = re.sub(r"([.!?])(\s|$)", rf" (take {k})\1\2", " ".join(words))
            segments.append(Segment(start=float(start) + k * PERIOD, end=float(end) + k * PERIOD,
                                    text=text, speaker=speaker))
    return Document(segments=segments)


def measure(doc: Document, backend: str, **options) -> dict:
    from transformers import BartForConditionalGeneration

    lengths: list[int] = []
    generate = BartForConditionalGeneration.generate

    def recording(self, input_ids=None, **kwargs):
        lengths.append(int(input_ids.shape[1]))
        return generate(self, input_ids=input_ids, **kwargs)

    BartForConditionalGeneration.generate = recording
    tracemalloc.start()
    t0 = time.perf_counter()
    try:
        out = load_backend("summarize", backend)(**options)(doc)
        wall = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        BartForConditionalGeneration.generate = generate
    params = out.provenance[-1].parameters
    return {"wall_s": round(wall, 2), "heap_peak_mib": round(peak / 2**20, 1), "chunks": params.get("chunks"),
            "rounds": params.get("reduce_rounds"), "max_input_tokens": max(lengths) if lengths else None,
            "input_limit": params.get("input_limit"), "chapters": len(out.summary.chapters)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, nargs="+", default=[0.5, 1.0, 2.0, 3.0])
    parser.add_argument("--output", type=Path, default=HERE / "summarize_long.json")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        model = build_random_bart(Path(tmp))
        warm = transcript(1 / 60)  # imports and first loads are not what is measured
        measure(warm, "extractive")
        measure(warm, "transformers", model=str(model), num_beams=1, threads=1)
        for hours in args.hours:
            doc = transcript(hours)
            base = {"hours": hours, "sentences": len(doc.segments), "words": len(doc.text.split())}
            rows.append({**base, "backend": "extractive", **measure(doc, "extractive")})
            rows.append({**base, "backend": "transformers (random BART)",
                         **measure(doc, "transformers", model=str(model), num_beams=1, batch_size=8,
                                   min_summary_tokens=4, threads=1)})
    header = ("hours", "words", "backend", "wall_s", "heap_peak_mib", "chunks", "rounds", "max_input_tokens",
              "input_limit", "chapters")
    print("| " + " | ".join(header) + " |\n|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join("" if row.get(k) is None else str(row[k]) for k in header) + " |")
    args.output.write_text(json.dumps({"rows": rows, "cpu_count": os.cpu_count()}, indent=2) + "\n")
    print(f"\nwritten: {args.output}")


if __name__ == "__main__":
    main()
