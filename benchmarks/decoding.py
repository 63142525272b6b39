"""Batched vs sequential faster-whisper decoding, side by side in one run: WER, loops, words, time.

    .venv/bin/python benchmarks/decoding.py [--model tiny.en] [--limit 0] [--output benchmarks/decoding.json]

* WER pooled over the shared English utterances (english/**/*.flac with their .txt; ``--limit``
  takes every n-th to save time, 0 = all);
* on the AMI excerpts (meetings/trn00-09, dev00, dev01): words recognised, repairs the transcript
  needed (hallucination loops, segments past the end, from the run's notes) and wall time.
Both modes load their model once before timing. The default decoding is chosen from these figures.
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
DATA = ROOT.parent / "shared" / "data"
MODES = {"batched": 8, "sequential": 1}


def english(limit: int) -> list[tuple[Path, str]]:
    files = sorted((DATA / "english").glob("**/*.flac"))
    files = files[::limit] if limit else files
    return [(f, f.with_suffix(".txt").read_text().strip()) for f in files if f.with_suffix(".txt").is_file()]


def pooled_wer(stage, items: list[tuple[Path, str]]) -> dict:
    import jiwer

    import speechkit
    from speechkit.metrics.wer import normalize

    refs, hyps, wall = [], [], 0.0
    for path, reference in items:
        started = time.perf_counter()
        doc = stage(speechkit.read(path))
        wall += time.perf_counter() - started
        refs.append(normalize(reference))
        hyps.append(normalize(doc.text) or "<empty>")
    return {"utterances": len(items), "wer": round(jiwer.wer(refs, hyps), 4), "wall_s": round(wall, 1)}


def meetings(stage) -> dict:
    import speechkit
    from attribution import MEETINGS

    out, wall = {}, 0.0
    for uri, path, _ in MEETINGS:
        started = time.perf_counter()
        doc = stage(speechkit.read(path))
        wall += time.perf_counter() - started
        notes = doc.provenance[-1].notes
        out[uri] = {"words": sum(len(s.words) for s in doc.segments),
                    "repairs": [n for n in notes if "loop" in n or "past the end" in n]}
    return {"files": out, "wall_s": round(wall, 1),
            "files_repaired": sum(bool(f["repairs"]) for f in out.values()),
            "words": sum(f["words"] for f in out.values())}


def main() -> None:
    import speechkit

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="tiny.en")
    parser.add_argument("--limit", type=int, default=0, help="take every n-th English utterance (0 = all)")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "decoding.json")
    args = parser.parse_args()
    items = english(args.limit)
    results: dict = {"model": args.model}
    for mode, batch in MODES.items():
        stage = speechkit.load("transcribe", "faster-whisper", model=args.model, language="en", batch_size=batch)
        stage(speechkit.read(items[0][0]))  # load the model outside the timings
        results[mode] = {"english": pooled_wer(stage, items), "meetings": meetings(stage)}
        args.output.write_text(json.dumps(results, indent=1) + "\n")
    print(json.dumps({m: {"wer": results[m]["english"]["wer"], "meeting_words": results[m]["meetings"]["words"],
                          "files_repaired": results[m]["meetings"]["files_repaired"]} for m in MODES}, indent=1))


if __name__ == "__main__":
    main()
