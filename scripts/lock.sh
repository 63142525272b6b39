#!/usr/bin/env bash
# Compile the lock files from pyproject.toml: requirements-all.lock (every extra: what scripts/setup.sh
# and the tests install) and requirements.lock (the default install, a subset at the same versions).
# overrides.txt leaves out the CUDA pieces a CPU never loads. An existing lock keeps its versions;
# pass --upgrade (or --upgrade-package NAME) to move them.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
"$PY" -m uv pip compile -q pyproject.toml --all-extras --override overrides.txt -p 3.11 -o requirements-all.lock "$@"
"$PY" -m uv pip compile -q pyproject.toml --override overrides.txt -c requirements-all.lock -p 3.11 -o requirements.lock
