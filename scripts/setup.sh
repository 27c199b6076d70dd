#!/usr/bin/env bash
# Create .venv (if needed) and install the kit into it, editable, with its dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install --quiet -e .
# nbgrader's gradebook runs `alembic` as a subprocess: the venv's bin must be on PATH.
echo "bnkit installed in $(pwd)/.venv"
