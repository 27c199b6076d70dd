#!/usr/bin/env bash
# Set up the kit and run its main job on the built-in sample submissions.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$(pwd)/.venv/bin:$PATH"
export MPLBACKEND="${MPLBACKEND:-Agg}"
exec bnkit demo "$@"
