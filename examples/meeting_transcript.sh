#!/usr/bin/env bash
# Speaker-labelled transcript, key points per speaker and a summary of a meeting, with an HTML report.
#   examples/meeting_transcript.sh [AUDIO_OR_VIDEO] [OUTPUT_DIR]
# With no input: pyannote's real two-speaker sample call. Rerunning skips the finished stages.
set -euo pipefail
cd "$(dirname "$0")/.."
input=${1:-}
out=${2:-${TMPDIR:-/tmp}/speechkit-examples/meeting}
.venv/bin/speechkit run configs/meeting.yaml ${input:+--input "$input"} --output-dir "$out"
echo
cat "$out"/*.txt
