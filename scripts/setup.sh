#!/usr/bin/env bash
# Create .venv (if needed) and install the kit into it, editable, with its dependencies. Also makes sure
# the sandbox's system tools are there: bubblewrap (the full isolation level), libseccomp (the system-call
# filter) and capsh (the tests rehearse a Docker-like root with it); as root with apt-get it installs them,
# and Chromium, in which the tests open the HTML class report. The kit is installed with its [instructor]
# (bnkit similarity) and [dev] (the tests' browser client) extras.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"

missing=()
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
command -v capsh >/dev/null 2>&1 || missing+=(libcap2-bin)
ldconfig -p 2>/dev/null | grep -q 'libseccomp.so.2' || missing+=(libseccomp2)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing ${missing[*]} (apt-get)"
        apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        echo "note: ${missing[*]} not installed; grading will use a weaker isolation level (see docs/sandbox.md)." \
             "On Debian/Ubuntu: sudo apt-get install ${missing[*]}" >&2
    fi
fi

if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing chromium (apt-get), for the tests of the HTML class report"
        apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        echo "note: chromium not installed; the tests of the HTML class report are skipped." \
             "On Debian/Ubuntu: sudo apt-get install chromium" >&2
    fi
fi

if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install --quiet -e '.[instructor,dev]'
# nbgrader's gradebook runs `alembic` as a subprocess: the venv's bin must be on PATH.
echo "bnkit installed in $(pwd)/.venv"
