"""Install size of each environment: a fresh venv per lock file, built with uv in /tmp, then measured.

    python benchmarks/install_size.py                 # writes benchmarks/install_size.json
    python benchmarks/install_size.py --keep          # keep the venvs (/tmp/speechkit-size-*)

Environments:
- ``before``: the single lock of commit 2b24e3d (everything a hard requirement), installed as
  scripts/setup.sh then did (``uv pip install -r``, which also pulled torch's triton back in);
- ``full``: requirements-all.lock, every extra (what scripts/setup.sh installs for the tests);
- ``default``: requirements.lock (``bash scripts/setup.sh --default``, or ``pip install speechkit``);
- ``no-torch``: an estimate of a default path without torch (faster-whisper, ONNX Runtime, pyannote's
  metrics, pocketsphinx, the weight packages), built from the default lock by leaving out torch and
  everything that needs it to import; nothing in speechkit runs this way yet.

Sizes: ``du`` of the venv (disk usage, KiB) and, per distribution, the bytes its RECORD lists.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BEFORE_COMMIT = "2b24e3d"
UV = [sys.executable, "-m", "uv"]
NO_TORCH = {
    # torch and what cannot import without it (the weight packages stay: their files are the weights)
    "torch", "torchaudio", "torchcodec", "torchvision", "torchmetrics", "torch-audiomentations",
    "torch-pitch-shift", "pyannote-audio", "pyannote-pipeline", "pyannoteai-sdk", "lightning",
    "pytorch-lightning", "lightning-utilities", "asteroid-filterbanks", "pytorch-metric-learning",
    "sentence-transformers", "silero-vad", "julius", "optuna", "alembic", "sqlalchemy", "mako",
    "colorlog", "opentelemetry-api", "opentelemetry-sdk", "opentelemetry-exporter-otlp",
    "opentelemetry-exporter-otlp-proto-grpc", "opentelemetry-exporter-otlp-proto-http",
    "opentelemetry-exporter-otlp-proto-common", "opentelemetry-exporter-otlp-common",
    "opentelemetry-exporter-http-transport", "opentelemetry-proto", "opentelemetry-semantic-conventions",
    "googleapis-common-protos", "grpcio", "einops", "primepy", "sympy", "mpmath", "networkx",
    "triton",
}


def pins(lock: str) -> list[str]:
    return [line.split(";")[0].strip() for line in lock.splitlines() if re.match(r"^[A-Za-z0-9]", line)]


def name_of(pin: str) -> str:
    return re.split(r"[=<>~! ]", pin, maxsplit=1)[0].lower().replace("_", "-")


def build(venv: Path, requirements: Path, no_deps: bool) -> float:
    shutil.rmtree(venv, ignore_errors=True)
    t0 = time.perf_counter()
    subprocess.run([*UV, "venv", "-q", "-p", sys.executable, str(venv)], check=True)
    cmd = [*UV, "pip", "install", "-q", "-p", str(venv / "bin" / "python"), "-r", str(requirements)]
    subprocess.run(cmd + (["--no-deps"] if no_deps else []), check=True)
    return time.perf_counter() - t0


def distributions(venv: Path) -> dict[str, int]:
    """Bytes per distribution (all nvidia-* together), from each RECORD's file sizes."""
    site = next((venv / "lib").glob("python3*/site-packages"))
    sizes: dict[str, int] = {}
    for record in site.glob("*.dist-info/RECORD"):
        name = name_of(record.parent.name.removesuffix(".dist-info").rsplit("-", 1)[0])
        name = "nvidia-* (CUDA libraries)" if name.startswith("nvidia-") else name
        with record.open(newline="") as f:
            total = sum(int(row[2]) for row in csv.reader(f) if len(row) > 2 and row[2].isdigit())
        sizes[name] = sizes.get(name, 0) + total
    return dict(sorted(sizes.items(), key=lambda kv: -kv[1]))


def du_kib(path: Path) -> int:
    return int(subprocess.run(["du", "-sk", str(path)], capture_output=True, text=True, check=True).stdout.split()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the venvs in /tmp")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "install_size.json")
    args = parser.parse_args()

    work = Path("/tmp/speechkit-size")
    work.mkdir(exist_ok=True)
    before = subprocess.run(["git", "-C", str(ROOT), "show", f"{BEFORE_COMMIT}:requirements.lock"],
                            capture_output=True, text=True, check=True).stdout
    (work / "before.lock").write_text(before)
    default = (ROOT / "requirements.lock").read_text()
    kept = [p for p in pins(default) if name_of(p) not in NO_TORCH and not name_of(p).startswith("nvidia-")]
    (work / "no-torch.lock").write_text("\n".join(kept) + "\n")
    envs = {  # name -> (requirements, install exactly the listed pins)
        "before": (work / "before.lock", False),
        "full": (ROOT / "requirements-all.lock", True),
        "default": (ROOT / "requirements.lock", True),
        "no-torch": (work / "no-torch.lock", True),
    }
    results = {}
    for name, (requirements, no_deps) in envs.items():
        venv = Path(f"/tmp/speechkit-size-{name}")
        seconds = build(venv, requirements, no_deps)
        sizes = distributions(venv)
        results[name] = {"du_kib": du_kib(venv), "distributions": len(sizes), "build_s": round(seconds, 1),
                         "bytes": sizes}
        print(f"{name}: {results[name]['du_kib'] / 2**20:.2f} GiB, {len(sizes)} distributions", file=sys.stderr)
        if not args.keep:
            shutil.rmtree(venv)
    meta = {"uv": subprocess.run([*UV, "--version"], capture_output=True, text=True).stdout.strip(),
            "python": sys.version.split()[0], "machine": os.uname().machine,
            "note": "build_s uses uv's warm cache (hard links), so it is no download time"}
    args.output.write_text(json.dumps({"meta": meta, "environments": results}, indent=1) + "\n")
    print(args.output)


if __name__ == "__main__":
    main()
