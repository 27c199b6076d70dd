#!/usr/bin/env bash
# Set up the kit and run its test suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$(pwd)/.venv/bin:$PATH"
export MPLBACKEND="${MPLBACKEND:-Agg}"
exec python -m pytest "$@"
