"""speechkit's transcription overhead over the raw faster-whisper call, and the ``whisperx`` command beside both.

    .venv/bin/python benchmarks/transcribe_overhead.py [--repeats 5] [--long-seconds 90] [--output results.json]

Same audio, same model (the packaged tiny.en CTranslate2 directory), same settings (CPU, int8,
batch 8, beam 5, VAD, word timestamps) in one run, with the modes interleaved and their order
rotated each repeat, so machine load drifts hit them all alike. Two pairs are compared:

* in process: speechkit's Python API (probe + checksum, decoding, model load, transcription,
  document) against ``BatchedInferencePipeline.transcribe`` on the file (model load included in both);
* as commands: ``speechkit transcribe`` against a Python process making the raw call, and the
  ``whisperx`` command (offline: its packaged pyannote VAD, ``--no_align``; it needs an ``ffmpeg``
  binary on PATH, so the one imageio-ffmpeg ships is linked into a temporary folder). Commands run
  with Python's bytecode cache allowed, as installed commands do: with ``PYTHONDONTWRITEBYTECODE=1``
  every start recompiles its imports, which costs speechkit (pydantic, typer, rich) about 0.4 s a run.

Ratios are medians of the per-repeat ratios (each pair measured back to back).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"
BIN = Path(sys.executable).parent
SETTINGS = {"device": "cpu", "compute_type": "int8", "batch_size": 8, "beam_size": 5, "word_timestamps": True}
RAW_CALL = """
import sys
from faster_whisper import BatchedInferencePipeline, WhisperModel
model = WhisperModel(sys.argv[1], device="cpu", compute_type="int8")
segments, info = BatchedInferencePipeline(model).transcribe(sys.argv[2], batch_size=8, beam_size=5,
                                                            word_timestamps=True, vad_filter=True)
print(" ".join(s.text.strip() for s in segments))
"""


def speechkit_api(path: Path, model_dir: Path) -> str:
    from speechkit.inputs.documents import document_from_audio
    from speechkit.models import cache
    from speechkit.registry import load_backend

    try:
        return load_backend("transcribe", "faster-whisper")(model="tiny.en", **SETTINGS)(document_from_audio(path)).text
    finally:  # the model is loaded on every call and freed on return, as the raw call's is: the same work
        cache.clear()


def raw_faster_whisper(path: Path, model_dir: Path) -> str:
    from faster_whisper import BatchedInferencePipeline, WhisperModel

    model = WhisperModel(str(model_dir), device="cpu", compute_type="int8")
    segments, _ = BatchedInferencePipeline(model).transcribe(str(path), batch_size=8, beam_size=5,
                                                             word_timestamps=True, vad_filter=True)
    return " ".join(s.text.strip() for s in segments)


def _run(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(args, capture_output=True, text=True, env=env, timeout=900)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:2])} failed: {result.stderr.strip().splitlines()[-1:]}")
    return result.stdout


def commands(scratch: Path) -> dict[str, Callable[[Path, Path], str]]:
    from imageio_ffmpeg import get_ffmpeg_exe

    tools = scratch / "bin"
    tools.mkdir(exist_ok=True)
    if not (tools / "ffmpeg").exists():
        (tools / "ffmpeg").symlink_to(get_ffmpeg_exe())
    env = {**os.environ, "PATH": f"{tools}{os.pathsep}{os.environ['PATH']}", "HF_HUB_OFFLINE": "1"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as an installed command runs; else each start recompiles its imports

    def speechkit_cli(path: Path, model_dir: Path) -> str:
        out = scratch / f"{path.stem}.transcribe.json"
        _run([str(BIN / "speechkit"), "transcribe", str(path), "--model", "tiny.en", "-o", str(out)], env)
        return " ".join(s["text"] for s in json.loads(out.read_text())["segments"])

    def raw_script(path: Path, model_dir: Path) -> str:
        return _run([sys.executable, "-c", RAW_CALL, str(model_dir), str(path)], env).strip()

    def whisperx_cli(path: Path, model_dir: Path) -> str:
        out = scratch / "whisperx"
        _run([str(BIN / "whisperx"), str(path), "--model", str(model_dir), "--device", "cpu", "--compute_type", "int8",
              "--batch_size", "8", "--beam_size", "5", "--language", "en", "--no_align", "--output_format", "json",
              "--output_dir", str(out)], env)
        return " ".join(s["text"].strip() for s in json.loads((out / f"{path.stem}.json").read_text())["segments"])

    return {"speechkit_cli": speechkit_cli, "raw_script": raw_script, "whisperx_cli": whisperx_cli}


def long_file(seconds: float, folder: Path) -> Path:
    """jfk.flac repeated (with a second of silence between) to about ``seconds``."""
    samples, rate = sf.read(DATA / "jfk.flac", dtype="float32")
    gap = np.zeros((rate, *samples.shape[1:]), dtype=np.float32)
    copies = max(1, round(seconds / (len(samples) / rate + 1)))
    path = folder / f"jfk_x{copies}.flac"
    sf.write(path, np.concatenate([np.concatenate([samples, gap])] * copies), rate)
    return path


MODES = ("speechkit_api", "raw_faster_whisper", "speechkit_cli", "raw_script", "whisperx_cli")
RATIOS = {"api_over_raw": ("speechkit_api", "raw_faster_whisper"),
          "cli_over_raw_script": ("speechkit_cli", "raw_script"),
          "whisperx_cli_over_raw_script": ("whisperx_cli", "raw_script"),
          "speechkit_cli_over_whisperx_cli": ("speechkit_cli", "whisperx_cli")}


def measure(files: list[Path], modes: dict[str, Callable[[Path, Path], str]], model_dir: Path,
            repeats: int) -> dict[str, dict]:
    from speechkit.metrics.wer import wer
    from tests.conftest import JFK_TEXT

    results = {}
    names = list(modes)
    for path in files:
        times: dict[str, list[float]] = {name: [] for name in names}
        texts: dict[str, str] = {}
        for name in names:  # warm-up: in-process imports, bytecode caches and the OS file cache
            modes[name](path, model_dir)
        for repeat in range(repeats):
            for name in names[repeat % len(names):] + names[:repeat % len(names)]:
                started = time.perf_counter()
                texts[name] = modes[name](path, model_dir)
                times[name].append(time.perf_counter() - started)
                print(f"  {path.name} repeat {repeat + 1}/{repeats} {name}: {times[name][-1]:.2f} s", file=sys.stderr)
        duration = sf.info(path).duration
        reference = " ".join([JFK_TEXT] * round(duration / 12))
        results[path.name] = {
            "audio_seconds": round(duration, 2),
            "median_s": {n: round(statistics.median(t), 3) for n, t in times.items()},
            "times_s": {n: [round(x, 3) for x in t] for n, t in times.items()},
            "wer": {n: round(wer(reference, texts[n]), 4) for n in names},
            "ratios": {key: round(statistics.median(x / y for x, y in zip(times[a], times[b], strict=True)), 3)
                       for key, (a, b) in RATIOS.items()},
        }
    return results


def print_table(results: dict[str, dict]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("file", "audio s", *MODES, *RATIOS, title="transcribe overhead (median seconds; ratios)")
    for name, r in results.items():
        table.add_row(name, f"{r['audio_seconds']:.0f}", *(f"{r['median_s'][m]:.2f}" for m in MODES),
                      *(f"{r['ratios'][k]:.3f}" for k in RATIOS))
    Console(width=220).print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--long-seconds", type=float, default=90.0)
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results" / "transcribe_overhead.json")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    from speechkit import progress
    from speechkit.io import atomic_write_text
    from speechkit.models.resolve import resolve_whisper

    progress.stderr.quiet = True  # the bar is drawn in every mode's output except the raw ones; keep it fair
    model_dir = resolve_whisper("tiny.en").path
    with tempfile.TemporaryDirectory(prefix="speechkit-bench-") as scratch:
        scratch = Path(scratch)
        files = [DATA / "jfk.flac", long_file(args.long_seconds, scratch)]
        modes = {"speechkit_api": speechkit_api, "raw_faster_whisper": raw_faster_whisper, **commands(scratch)}
        results = measure(files, modes, model_dir, args.repeats)
    report = {"model": "tiny.en", "model_dir": str(model_dir), "settings": SETTINGS, "repeats": args.repeats,
              "cpu_count": os.cpu_count(), "files": results}
    atomic_write_text(args.output, json.dumps(report, indent=2) + "\n")
    print_table(results)
    print(f"written: {args.output}")


if __name__ == "__main__":
    main()
