#!/usr/bin/env bash
# Rehearse each assignment's Gradescope bundle in Gradescope's kind of image, with podman as root: the image
# built over a Debian 12 base imported from a cached debootstrap root, setup.sh run as root in its build,
# then run_autograder on the reference, the untouched release and hostile submissions, each in a fresh
# container with no network, as root with every capability, without CAP_SYS_ADMIN, under Docker's seccomp
# refusals, and as a user. Prints a table per assignment and the time of each phase; exits 1 on a mismatch,
# 2 when the rehearsal could not run, 77 when it cannot run here (no podman, not root).
#
#   sudo bash scripts/rehearse_gradescope.sh [ASSIGNMENT ...] [--settings a,b,c,d] [--bundle ZIP | --online] ...
#
# The debootstrap tarball is shared with scripts/rehearse_podman.sh, cached in
# ${BNKIT_PODMAN_CACHE:-${XDG_CACHE_HOME:-~/.cache}/bnkit-podman}. Options: --help, or docs/gradescope.md.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
    bash scripts/setup.sh
fi
export PATH="$(pwd)/.venv/bin:$PATH"
exec python scripts/rehearse_gradescope.py "$@"
