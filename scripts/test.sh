#!/usr/bin/env bash
# Set up the kit, lint it with ruff (configured in pyproject.toml) and run its test suite. Extra arguments
# go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$(pwd)/.venv/bin:$PATH"
export MPLBACKEND="${MPLBACKEND:-Agg}"
ruff check .
lint-imports
exec python -m pytest --durations=15 "$@"
