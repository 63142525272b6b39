"""Batch throughput in audio hours per wall hour: the local engine and Ray, 1 and 2 workers, side by side.

    .venv/bin/python benchmarks/batch_throughput.py [--corpus meetings|utterances] [--repeats 2] [--config C]

The same inputs and the same pipeline run through :func:`speechkit.batch.run_batch` in four modes per repeat,
order rotated each repeat, each into a fresh output folder so nothing is skipped. Every mode pays its
model loads (the in-process model cache is cleared before ``local-1``; processes and actors are new
each run). Ray runs on a private local cluster started once, so its start-up is not counted.
``(ray wall - local wall) / inputs`` at equal workers is not Ray's cost alone: with one worker the Ray
engine already overlaps stages (input 2 is transcribed while input 1 is diarized). Ray's own cost is
measured apart: the round trip of a stage call to an idle actor, with and without a document.

Corpora (../shared/data): ``meetings``, the ten 30 s AMI excerpts through tiny.en transcription and
pyannote diarization (two stages, so two actor pools on Ray); ``utterances``, 16 short read sentences
(kathleen, LibriSpeech) through transcription alone, where per-input overhead dominates.

Writes ``benchmarks/results/batch_throughput_<corpus>.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"
MODES = [("local", 1), ("local", 2), ("ray", 1), ("ray", 2)]
TRANSCRIBE = {"stage": "transcribe", "backend": "faster-whisper", "options": {"model": "tiny.en", "language": "en"}}
PIPELINES = {"meetings": {"stages": [TRANSCRIBE, {"stage": "diarize", "backend": "pyannote"}]},
             "utterances": {"stages": [TRANSCRIBE]}}


def pick_inputs(corpus: str) -> list[str]:
    if corpus == "meetings":
        return [str(p) for p in sorted((DATA / "meetings").glob("*.flac"))]
    english = DATA / "english"
    files = sorted((english / "kathleen").glob("*.flac")) + sorted((english / "librispeech").glob("*.flac"))
    return [str(p) for p in files[::max(1, len(files) // 16)][:16]]


def one_run(config, inputs: list[str], engine: str, workers: int, scratch: Path) -> dict[str, float]:
    from speechkit.batch import run_batch
    from speechkit.models import cache

    cache.clear()
    out = Path(tempfile.mkdtemp(dir=scratch, prefix=f"{engine}{workers}-"))
    t0 = time.perf_counter()
    run = run_batch(config, inputs, out, engine, workers)
    wall = time.perf_counter() - t0
    if run.failed:
        raise RuntimeError(f"{engine} x{workers}: {run.failed[0].input}: {run.failed[0].error}")
    audio = sum(r.audio_seconds or 0 for r in run.results)
    return {"wall_s": round(wall, 2), "audio_s": round(audio, 2), "audio_hours_per_hour": round(audio / wall, 2)}


def ray_call_ms(inputs: list[str], calls: int = 50) -> dict[str, float]:
    """Median round trip (ms) of a call to an idle StageWorker: empty, and carrying a real document."""
    from speechkit.batch.ray_engine import StageWorker
    from speechkit.runtime.cluster import actor_options, connect
    from speechkit.inputs.documents import document_from_audio

    ray = connect(None)
    actor = ray.remote(**actor_options(1, 0))(StageWorker).remote(1)
    ray.get(actor.pid.remote())
    doc = document_from_audio(inputs[0])

    def median_ms(call) -> float:
        times = []
        for _ in range(calls):
            t0 = time.perf_counter()
            ray.get(call())
            times.append(time.perf_counter() - t0)
        return round(statistics.median(times) * 1000, 2)

    return {"empty": median_ms(lambda: actor.pid.remote()),
            "document_there": median_ms(lambda: actor.apply.remote("nothing", "none", {}, doc))}


def summarize(runs: dict[str, list[dict[str, float]]], n_inputs: int) -> dict[str, object]:
    med = {mode: statistics.median(r["wall_s"] for r in rows) for mode, rows in runs.items()}
    audio = next(iter(runs.values()))[0]["audio_s"]
    return {
        "audio_hours_per_hour": {mode: round(audio / wall, 2) for mode, wall in med.items()},
        "speedup_2_workers": {e: round(med[f"{e}-1"] / med[f"{e}-2"], 2) for e in ("local", "ray")},
        "ray_over_local_wall": {w: round(med[f"ray-{w}"] / med[f"local-{w}"], 2) for w in (1, 2)},
        "ray_minus_local_s_per_input": {w: round((med[f"ray-{w}"] - med[f"local-{w}"]) / n_inputs, 3) for w in (1, 2)},
    }


def markdown(report: dict) -> str:
    s = report["summary"]
    lines = [f"# Batch throughput: {report['corpus']} ({report['inputs']} inputs, {report['audio_s']:.0f} s of audio, "
             f"{report['repeats']} repeat(s), {report['cpus']} CPUs)", "",
             "| mode | audio hours per wall hour | median wall (s) |", "|---|---:|---:|"]
    for mode, rows in report["runs"].items():
        lines.append(f"| {mode} | {s['audio_hours_per_hour'][mode]} | "
                     f"{statistics.median(r['wall_s'] for r in rows):.1f} |")
    lines += ["", f"2 workers over 1: local x{s['speedup_2_workers']['local']}, ray x{s['speedup_2_workers']['ray']}. "
              f"Ray wall over local: {s['ray_over_local_wall'][1]} (1 worker), {s['ray_over_local_wall'][2]} (2). "
              f"(Ray wall - local wall) per input: {s['ray_minus_local_s_per_input'][1]} s (1 worker), "
              f"{s['ray_minus_local_s_per_input'][2]} s (2). A stage call to an idle Ray actor: "
              f"{report['ray_call_ms']['empty']} ms empty, {report['ray_call_ms']['document_there']} ms sending a "
              "document (median of 50)."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", choices=sorted(PIPELINES), default="meetings")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--config", help="a pipeline config instead of the corpus's")
    parser.add_argument("--output", type=Path, help="default: benchmarks/results/batch_throughput_<corpus>.json")
    args = parser.parse_args()
    output = args.output or ROOT / "benchmarks" / "results" / f"batch_throughput_{args.corpus}.json"

    import os

    from speechkit.runtime.cluster import connect
    from speechkit.io import atomic_write_text
    from speechkit.pipeline import load_config
    from speechkit.pipeline.config import PipelineConfig

    config = load_config(args.config, []) if args.config else PipelineConfig.model_validate(PIPELINES[args.corpus])
    inputs = pick_inputs(args.corpus)
    connect(None)  # the private cluster's start-up is paid once, outside the timings
    runs: dict[str, list[dict[str, float]]] = {f"{e}-{w}": [] for e, w in MODES}
    with tempfile.TemporaryDirectory() as scratch:
        for repeat in range(args.repeats):
            for engine, workers in MODES[repeat % 4:] + MODES[:repeat % 4]:
                runs[f"{engine}-{workers}"].append(one_run(config, inputs, engine, workers, Path(scratch)))
                print(f"repeat {repeat} {engine}-{workers}: {runs[f'{engine}-{workers}'][-1]}", file=sys.stderr)
    report = {"corpus": args.corpus, "inputs": len(inputs), "audio_s": runs["local-1"][0]["audio_s"], "repeats": args.repeats,
              "cpus": os.cpu_count(), "config": config.model_dump(mode="json")["stages"], "runs": runs,
              "summary": summarize(runs, len(inputs)), "ray_call_ms": ray_call_ms(inputs)}
    output.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(output, json.dumps(report, indent=2) + "\n")
    atomic_write_text(output.with_suffix(".md"), markdown(report))
    print(markdown(report))


if __name__ == "__main__":
    main()
