"""Diarization error rate, wall time and real-time factor per backend on real meetings, side by side.

    .venv/bin/python benchmarks/diarization.py [--output results.json] [--threads 1] [--long-minutes 60 [--block-seconds 1800]]

Scores dev00/dev01 (AMI meeting excerpts, up to 4 speakers, overlap; held out: no setting was tuned
on them) and sample.wav with pyannote.metrics, collar 0 and 0.5 (pyannote's collar is the total width:
0.5 equals NIST md-eval's ``-c 0.25``). Every backend runs on every file in this one run.
``--long-minutes`` also builds a recording of that length from the three files (so its reference is
known) and diarizes it streamed in blocks, each backend in its own process, reporting peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"
FILES = {"sample": ("sample.wav", "sample.rttm"), "dev00": ("dev00.wav", "debug.development.rttm"),
         "dev01": ("dev01.wav", "debug.development.rttm")}
COLLARS = (0.0, 0.5)


def diarize(path: Path, backend: str, threads: int | None, **options):
    """The diarized document; its provenance says how much of its wall time went on loading models."""
    from speechkit.inputs.documents import document_from_audio
    from speechkit.registry import load_backend

    return load_backend("diarize", backend)(threads=threads, **options)(document_from_audio(path))


def measures(doc, reference) -> dict:
    """Scores and timing: ``wall_s``/``rtf`` include loading the models (``load_s``, 0 once this process has
    them), ``rtf_processing`` leaves it out."""
    record = doc.provenance[-1]
    return {**score(reference, doc, doc.audio.duration), "speakers": len(doc.speakers),
            "reference_speakers": len({t.speaker for t in reference}), "load_s": round(record.load_time or 0.0, 2),
            "wall_s": round(record.wall_time, 2), "rtf": record.real_time_factor,
            "rtf_processing": record.processing_rtf}


def score(reference, doc, duration: float) -> dict[str, float]:
    from speechkit.metrics.der import diarization_error

    return {f"der_collar_{c:g}": round(diarization_error(reference, doc.diarization, collar=c, uem=(0, duration)).der, 4)
            for c in COLLARS}


def references() -> dict[str, list]:
    from speechkit.export.rttm import read_rttm

    return {uri: read_rttm(DATA / rttm)[uri] for uri, (_, rttm) in FILES.items()}


def run_file(uri: str, backend: str, threads: int | None, reference) -> dict:
    return {"file": uri, "backend": backend, **measures(diarize(DATA / FILES[uri][0], backend, threads), reference)}


def long_recording(minutes: float, folder: Path) -> tuple[Path, list]:
    """The three files, each followed by 5 s of silence, repeated to ``minutes``; reference shifted to match."""
    refs = references()
    pieces, reference, offset = [], [], 0.0
    silence = np.zeros(5 * 16000, dtype=np.float32)
    while offset < minutes * 60:
        for uri, (name, _) in FILES.items():
            samples, rate = sf.read(DATA / name, dtype="float32")
            assert rate == 16000
            pieces += [samples, silence]
            reference += [t.model_copy(update={"start": t.start + offset, "end": t.end + offset}) for t in refs[uri]]
            offset += (samples.size + silence.size) / 16000
    path = folder / f"long_{minutes:g}min.flac"
    sf.write(path, np.concatenate(pieces), 16000)
    return path, reference


def peak_memory_mb() -> int:
    """This process's peak resident memory (VmHWM starts afresh at exec, unlike ``ru_maxrss``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def run_long(path: str, backend: str, threads: int | None, block_seconds: float, reference) -> dict:
    """In a child process of its own, so the peak memory is this backend's alone."""
    warnings.filterwarnings("ignore")
    doc = diarize(Path(path), backend, threads, block_seconds=block_seconds)
    return {"file": Path(path).stem, "backend": backend, **measures(doc, reference),
            "peak_rss_mb": peak_memory_mb(),
            "notes": doc.provenance[-1].notes}


def table(rows: list[dict]) -> None:
    from rich.console import Console
    from rich.table import Table

    out = Table(title="Diarization: DER (pyannote.metrics), wall time, real-time factor")
    keys = [k for k in dict.fromkeys(k for row in rows for k in row) if k != "notes"]
    for key in keys:
        out.add_column(key)
    for row in rows:
        out.add_row(*(str(row.get(k, "")) for k in keys))
    Console(width=160).print(out)


def main() -> None:
    warnings.filterwarnings("ignore")
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backends", nargs="+", default=["pyannote", "senko"])
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: one per core)")
    parser.add_argument("--long-minutes", type=float, default=0.0, help="also diarize a streamed recording this long")
    parser.add_argument("--block-seconds", type=float, default=1800.0, help="block size for the long recording")
    parser.add_argument("--output", type=Path, default=Path(__file__).with_suffix(".json"))
    args = parser.parse_args()

    refs = references()
    for backend in args.backends:  # import each backend's libraries once, outside the timings
        diarize(DATA / FILES["sample"][0], backend, args.threads)
    rows = [run_file(uri, backend, args.threads, refs[uri]) for uri in FILES for backend in args.backends]
    if args.long_minutes:
        with tempfile.TemporaryDirectory() as folder:
            path, reference = long_recording(args.long_minutes, Path(folder))
            for backend in args.backends:
                with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
                    rows.append(pool.submit(run_long, str(path), backend, args.threads, args.block_seconds, reference).result())
    table(rows)
    result = {"machine": {"cpus": os.cpu_count(), "threads": args.threads}, "collars": COLLARS,
              "long_block_seconds": args.block_seconds,
              "time": time.strftime("%Y-%m-%d %H:%M:%S"), "rows": rows}
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
