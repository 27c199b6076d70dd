#!/usr/bin/env bash
# Rehearse the Gradescope bundle in a clean Debian 12 root file system, entered the way a container is:
# setup.sh once as root, then run_autograder on the reference, the untouched release and hostile
# submissions as root, as root without CAP_SYS_ADMIN, the same under Docker's seccomp refusals, and as an
# unprivileged user. Prints a table per setting and the time of each phase; exits non-zero on a mismatch.
#
#   sudo bash scripts/rehearse_gradescope.sh [--settings a,b,c,d] [--bundle ZIP | --online] [--keep] ...
#
# The first run makes the root file system with debootstrap (about a minute, ~100 MB from Debian's
# mirror) and caches it under ${XDG_CACHE_HOME:-~/.cache}/bnkit/debian12-rootfs. Options: --help, or
# docs/gradescope.md.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
    echo "error: the rehearsal needs root (it mounts file systems and enters namespaces)" >&2
    exit 2
fi
missing=()
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]}"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ ! -x .venv/bin/python ]; then
    bash scripts/setup.sh
fi
# Docker's seccomp refusals (tests/dockerlike.py) are loaded with pyseccomp, over the system's libseccomp.
if ! .venv/bin/python -c 'import pyseccomp' 2>/dev/null; then
    .venv/bin/python -m pip install --quiet pyseccomp
fi
export PATH="$(pwd)/.venv/bin:$PATH"
exec python scripts/rehearse_gradescope.py "$@"
