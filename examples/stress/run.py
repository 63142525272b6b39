"""Regenerate this folder's stress-test report: WER vs degradation for tiny.en and base.

    .venv/bin/python examples/stress/run.py [--workers 2]

Inputs are the real recordings in ../shared/data (jfk.flac, and each channel of
stereo_diarization.wav); conditions and levels are configs/stress-test.yaml's, with six seeds
instead of its three, because 44 reference words make single runs noisy. Finished
cells are cached in examples/stress/cells/ (not committed), so a rerun only redoes what changed.
Writes results.json, table.md and wer_vs_snr.png here.

Then a close-up of white noise at 5, 0 and -5 dB with 30 seeds, where the two models' curves
cross, into white-noise-30-seeds/ (its table compares the models paired by seed).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from speechkit.stress import make_input, run_stress
from speechkit.stress.config import DEFAULT_CONFIG, load_config, override

HERE = Path(__file__).resolve().parent
DATA = HERE.parents[2] / "shared" / "data"
INPUTS = [
    ("jfk.flac", None, "And so my fellow Americans, ask not what your country can do for you, "
                       "ask what you can do for your country."),
    ("stereo_diarization.wav", "left", "He began a confused complaint against the wizard, "
                                       "who had vanished behind the curtain on the left."),
    ("stereo_diarization.wav", "right", "The horizon seems extremely distant."),
]

SEEDS = [0, 1, 2, 3, 4, 5]
CLOSE_UP_SEEDS = list(range(30))
CLOSE_UP_LEVELS = [5.0, 0.0, -5.0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--output-dir", type=Path, default=HERE)
    args = parser.parse_args()
    inputs = [make_input(DATA / name, reference, channel) for name, channel, reference in INPUTS]
    config = override(load_config(DEFAULT_CONFIG), seeds=SEEDS)
    run = run_stress(config, inputs, args.output_dir, workers=args.workers)
    print(f"{run.ran} cells run, {run.cached} cached")
    print((args.output_dir / "table.md").read_text())

    white = override(config, seeds=CLOSE_UP_SEEDS, conditions=["white-noise"])
    white = white.model_copy(update={"baseline": False, "conditions": [
        white.conditions[0].model_copy(update={"levels": CLOSE_UP_LEVELS})]})
    close_up = args.output_dir / "white-noise-30-seeds"
    run = run_stress(white, inputs, close_up, workers=args.workers)
    print(f"{run.ran} cells run, {run.cached} cached")
    print((close_up / "table.md").read_text())


if __name__ == "__main__":
    main()
