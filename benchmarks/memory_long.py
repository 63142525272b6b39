"""Peak memory of `speechkit transcribe` and `speechkit diarize` on 10 minutes vs 2 hours of speech.

    nice -n 19 .venv/bin/python benchmarks/memory_long.py [--long-minutes 120] [--output benchmarks/memory_long.json]

Both lengths are built from the shared 14-minute longform file (looped with ffmpeg into /tmp, not the
repo) and run as the user runs them, each command in its own process; peak RSS is that process's
``ru_maxrss`` from ``wait4``. Both stages stream long files in blocks (transcribe 10 min, diarize 30 min),
so the 2-hour peak should stay near the 10-minute one rather than growing 12-fold.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
SPEECHKIT = str(Path(sys.executable).parent / "speechkit")
LONGFORM = DATA / "longform" / "kathleen_arctic_b0001-b0240.flac"


def build(minutes: int, folder: Path) -> Path:
    """``minutes`` of the longform recording, looped as often as needed, as 16 kHz mono FLAC."""
    import imageio_ffmpeg

    target = folder / f"longform_{minutes}min.flac"
    if not target.exists():
        subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-stream_loop", "-1", "-i", str(LONGFORM),
                        "-t", str(minutes * 60), "-ac", "1", "-ar", "16000", str(target)], check=True)
    return target


def measure(command: list[str]) -> dict:
    """Run ``command``; its wall time, exit status and peak resident memory (MiB)."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    error = proc.stderr.read().decode(errors="replace").strip().splitlines()[-1:] if proc.stderr else []
    code = os.waitstatus_to_exitcode(status)
    return {"exit": code, "wall_s": round(wall, 1), "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
            **({"error": error} if code else {})}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short-minutes", type=int, default=10)
    parser.add_argument("--long-minutes", type=int, default=120)
    parser.add_argument("--model", default="tiny.en")
    parser.add_argument("--stages", nargs="+", default=["transcribe", "diarize"], choices=["transcribe", "diarize"])
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "memory_long.json")
    args = parser.parse_args()
    results: dict = {"model": args.model, "runs": {}}
    with tempfile.TemporaryDirectory(prefix="speechkit-memory-") as tmp:
        folder = Path(tmp)
        for minutes in (args.short_minutes, args.long_minutes):
            audio = build(minutes, folder)
            out = folder / f"out{minutes}"
            commands = {"transcribe": [SPEECHKIT, "transcribe", str(audio), "-m", args.model, "-d", str(out)],
                        "diarize": [SPEECHKIT, "diarize", str(audio), "-d", str(out)]}
            runs = results["runs"].setdefault(f"{minutes}min", {})
            for stage in args.stages:
                runs[stage] = {**measure(commands[stage]), "audio_minutes": minutes}
                runs[stage]["rtf"] = round(runs[stage]["wall_s"] / (minutes * 60), 3)
                print(minutes, "min", stage, json.dumps(runs[stage]), flush=True)
    short, long = (results["runs"][f"{m}min"] for m in (args.short_minutes, args.long_minutes))
    results["peak_ratio_long_over_short"] = {
        stage: round(long[stage]["peak_rss_mib"] / short[stage]["peak_rss_mib"], 2) for stage in short}
    results["length_ratio"] = round(args.long_minutes / args.short_minutes, 1)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results["peak_ratio_long_over_short"]))


if __name__ == "__main__":
    main()
