"""Cold start, before and after, side by side: ``speechkit --help``, every ``COMMAND --help`` and
``speechkit run meeting`` (the embedded 30 s sample, a fresh output folder each time), each a whole fresh
process, timed as the median of several runs with the variants alternated.

Variants: the code of a BEFORE commit and of an AFTER commit (each exported with ``git archive`` into a
temporary folder and run with ``PYTHONPATH`` from this checkout's ``.venv``), each with and without
compiled bytecode. "Without" points ``PYTHONPYCACHEPREFIX`` at an empty folder and forbids writing, as
``scripts/setup.sh`` left the environment before it compiled the venv (uv compiles none, and this
machine sets ``PYTHONDONTWRITEBYTECODE``): every import then compiles its source again.

    flock /tmp/speechkit-bench.lock .venv/bin/python benchmarks/cold_start.py --before main --after HEAD

Writes ``benchmarks/results/cold_start.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
STAGES = ("transcribe", "diarize", "summarize")


def export_tree(commit: str, into: Path, compiled: bool) -> str:
    """``speechkit/`` at ``commit`` in ``into``; its bytecode compiled when ``compiled``. Returns the full hash."""
    full = subprocess.run(["git", "rev-parse", commit], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", full, "speechkit"], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    if compiled:
        subprocess.run([str(PYTHON), "-m", "compileall", "-q", str(into / "speechkit")], check=True,
                       env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""}, stdout=subprocess.DEVNULL)
    return full


def environment(tree: Path, compiled: bool, empty_cache: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONDONTWRITEBYTECODE": "1", "COLUMNS": "100"}
    env.pop("PYTHONPYCACHEPREFIX", None)
    if not compiled:
        env["PYTHONPYCACHEPREFIX"] = str(empty_cache)
    return env


def timed(args: list[str], env: dict[str, str], cwd: Path) -> dict[str, float]:
    """Wall and CPU (user + system) seconds of one fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run([str(PYTHON), "-m", "speechkit", *args], env=env, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"speechkit {' '.join(args)} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": round(wall, 3), "cpu": round(cpu, 3)}


def stage_times(out: Path) -> dict[str, dict[str, float]]:
    """Each stage's wall time and model-load time, from the final document's provenance."""
    doc = json.loads((out / "sample.summarize.json").read_text())
    return {p["stage"]: {"wall": p["wall_time"], "load": p.get("load_time") or 0.0} for p in doc["provenance"]}


TIMING = ("wall_time", "real_time_factor", "load_time", "started_at")


def document_digest(out: Path) -> str:
    """A hash of the final document without its timings, to check that every variant wrote the same one."""
    doc = json.loads((out / "sample.summarize.json").read_text())
    for record in doc["provenance"]:
        for key in TIMING:
            record.pop(key, None)
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()[:16]


def median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def machine() -> dict[str, object]:
    return {"nproc": os.cpu_count(), "loadavg": [round(x, 2) for x in os.getloadavg()], "uname": " ".join(os.uname())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="main", help="commit of the BEFORE code")
    parser.add_argument("--after", default="HEAD", help="commit of the AFTER code")
    parser.add_argument("--help-runs", type=int, default=5, help="runs of each --help per variant")
    parser.add_argument("--run-runs", type=int, default=3, help="runs of `run meeting` per variant")
    parser.add_argument("--run-set", action="append", default=[], metavar="STAGE.OPTION=VALUE",
                        help="--set for `run meeting` (e.g. diarize.threads=1, so a busy machine's default threads do "
                             "not swamp the load times being compared)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "cold_start")
    opts = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from speechkit.cli import COMMANDS

    state: dict[str, object] = {"before": machine()}
    with tempfile.TemporaryDirectory(prefix="cold-start-") as tmp:
        work = Path(tmp)
        empty = work / "no-bytecode"
        empty.mkdir()
        variants: dict[str, dict[str, str]] = {}
        commits = {}
        for side, commit in (("before", opts.before), ("after", opts.after)):
            for compiled in (False, True):
                tree = work / f"{side}-{'pyc' if compiled else 'src'}"
                commits[side] = export_tree(commit, tree, compiled)
                variants[f"{side}, {'bytecode' if compiled else 'no bytecode'}"] = environment(tree, compiled, empty)
        helps: dict[str, dict[str, list[dict[str, float]]]] = {}
        for command in ("", *COMMANDS):
            label = f"{command} --help".strip()
            helps[label] = {v: [] for v in variants}
            for _ in range(opts.help_runs):
                for name, env in variants.items():  # alternated, so load changes hit every variant alike
                    helps[label][name].append(timed([*([command] if command else []), "--help"], env, work))
            print(label, {v: median([r["wall"] for r in rs]) for v, rs in helps[label].items()}, flush=True)
        ends = ("before, no bytecode", "after, bytecode")  # as main's set-up left it, and as this branch's does
        runs: dict[str, list[dict[str, object]]] = {v: [] for v in ends}
        for i in range(opts.run_runs):
            for name in ends:
                out = work / f"run-{i}-{name.replace(', ', '-').replace(' ', '_')}"
                sets = [a for value in opts.run_set for a in ("--set", value)]
                result: dict[str, object] = timed(["-q", "run", "meeting", "-d", str(out), *sets], variants[name], work)
                result["stages"] = stage_times(out)
                result["document"] = document_digest(out)
                runs[name].append(result)
                shutil.rmtree(out)
                print("run meeting", name, result, flush=True)
    state["after"] = machine()
    summary = {
        "help": {label: {v: {"wall_median": median([r["wall"] for r in rs]), "cpu_median": median([r["cpu"] for r in rs]),
                             "runs": rs} for v, rs in by.items()} for label, by in helps.items()},
        "run_meeting": {v: {"wall_median": median([r["wall"] for r in rs]),  # type: ignore[misc]
                            "cpu_median": median([r["cpu"] for r in rs]),  # type: ignore[misc]
                            "stages": {s: {k: median([r["stages"][s][k] for r in rs]) for k in ("wall", "load")}  # type: ignore[index]
                                       for s in STAGES},
                            "runs": rs} for v, rs in runs.items() if rs},
    }
    digests = {r["document"] for rs in runs.values() for r in rs}  # type: ignore[index]
    report = {"documents_identical": len(digests) <= 1, "commits": commits, "python": sys.version.split()[0], "machine": state, "run_set": opts.run_set, **summary}
    opts.out.parent.mkdir(parents=True, exist_ok=True)
    opts.out.with_suffix(".json").write_text(json.dumps(report, indent=1) + "\n")
    opts.out.with_suffix(".md").write_text(markdown(report, list(variants)))
    print(opts.out.with_suffix(".md").read_text())


def markdown(report: dict, variants: list[str]) -> str:
    state = report["machine"]
    lines = [
        "# Cold start, before and after",
        "",
        f"`benchmarks/cold_start.py`: whole fresh processes, median wall (CPU) seconds; variants alternated. "
        f"BEFORE {report['commits']['before'][:10]}, AFTER {report['commits']['after'][:10]}; Python {report['python']}; "
        f"{state['before']['nproc']} cores; load averages (1, 5, 15 min) {state['before']['loadavg']} before, "
        f"{state['after']['loadavg']} after (other engineers' work shared the machine).",
        "",
        "| command | " + " | ".join(variants) + " | before / after |",
        "|---|" + "---|" * (len(variants) + 1),
    ]
    for label, by in report["help"].items():
        cells = [f"{by[v]['wall_median']:.2f} ({by[v]['cpu_median']:.2f})" for v in variants]
        ratio = by[variants[0]]["wall_median"] / by[variants[-1]]["wall_median"]
        lines.append(f"| `{label}` | " + " | ".join(cells) + f" | {ratio:.1f}x |")
    sets = "".join(f" --set {value}" for value in report["run_set"])
    lines += ["", f"`speechkit -q run meeting{sets}` (embedded sample, fresh output folder): whole process, and per stage "
              "from the provenance (wall, of which model loading):", "",
              "| variant | process wall (CPU) | " + " | ".join(STAGES) + " |", "|---|---|" + "---|" * len(STAGES)]
    for name, r in report["run_meeting"].items():
        stages = " | ".join(f"{r['stages'][s]['wall']:.1f} ({r['stages'][s]['load']:.1f} loading)" for s in STAGES)
        lines.append(f"| {name} | {r['wall_median']:.1f} ({r['cpu_median']:.1f}) | {stages} |")
    lines += ["", "Documents (without their timings) identical in every run of every variant: "
              f"{'yes' if report['documents_identical'] else 'NO'}."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
