#!/usr/bin/env bash
# How Whisper's word error rate grows as white noise drowns a real recording (JFK, 11 s).
#   examples/stress_test.sh [OUTPUT_DIR]
# A quick run: one model, one seed, one condition. The full grid (models x seeds x noise, phone line,
# reverb, masks) is examples/stress/run.py, or `speechkit stress` with configs/stress-test.yaml.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-${TMPDIR:-/tmp}/speechkit-examples/stress}
.venv/bin/speechkit stress ../shared/data/jfk.flac \
  --reference "And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country." \
  --model tiny.en --seed 0 --condition white-noise --output-dir "$out"
cat "$out/table.md"
