#!/usr/bin/env bash
# Rehearse the grading image (container/Containerfile) in a real container engine, podman as root: build
# it over a Debian base imported from a cached debootstrap root, then run `bnkit grade` of a small class
# (mounted read-only) with podman's defaults, --read-only, --memory/--pids-limit, a non-root --user, and
# Docker's and Kubernetes' usual security settings. Prints a table (setting, level, scores, seconds) and
# exits non-zero if a setting fails its expectation.
#
#   sudo bash scripts/rehearse_podman.sh [--settings defaults,user] [--keep] [--no-build] [--help]
#
# The debootstrap tarball is cached in ${BNKIT_PODMAN_CACHE:-${XDG_CACHE_HOME:-~/.cache}/bnkit-podman}
# (about 120 MB; the first run takes a minute to make it). docs/containers.md has the results.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v podman >/dev/null 2>&1; then
    echo "skipped: podman is not installed, so the grading image cannot be rehearsed here" \
         "(to rehearse it: apt-get install -y podman buildah debootstrap)"
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "skipped: the podman rehearsal needs root (rootful podman: it runs containers as root and as other" \
         "uids and gives their output folders to those uids); run it with sudo"
    exit 0
fi
if [ ! -x .venv/bin/python ]; then
    echo "error: no .venv in the checkout (the class is written with the kit's own helpers):" \
         "run bash scripts/setup.sh first" >&2
    exit 2
fi
exec .venv/bin/python scripts/rehearse_podman.py "$@"
