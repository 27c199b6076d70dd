"""Gradescope's autograder bundle: autograder.zip with setup.sh, run_autograder and the kit as a wheel.

On Gradescope the zip is unpacked into /autograder/source; setup.sh runs once, as root, when the image is
built, and run_autograder (copied to /autograder/run_autograder) for every submission: it reads
/autograder/submission and writes /autograder/results/results.json.

setup.sh installs the kit into a virtual environment of its own, /autograder/bnkit-venv (so it works on
images whose system pip refuses to install, PEP 668), readable and runnable by every user, so that a
platform that runs the grader as a non-root uid can run it; installs bubblewrap for the sandbox when it
can; deletes the wheels and makes /autograder/source root's only. Student code is kept from the answer key
by the sandbox (an allowlist of what a worker may read), not by file modes. With ``vendor=True`` every
dependency's wheel is in the zip and setup.sh installs with --no-index, so the image builds without a
package index (when the image's Python is the one the wheels were built for). run_autograder, when the
kit cannot be run or the results cannot be written, still writes a results.json that says why (or one
line on stderr when even that cannot be written). docs/gradescope.md has the details and the rehearsals.
"""
import platform
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from autograder import ROOT

DEFAULT_VENV = '/autograder/bnkit-venv'
MAX_GLIBC_MINOR = 35        # vendored wheels must run on glibc 2.35 (Ubuntu 22.04)

SETUP_SH = r"""#!/usr/bin/env bash
# Run once, as root, when Gradescope builds the autograder image: install the kit into a virtual
# environment of its own that every user can run (a platform may grade as a non-root uid), install
# bubblewrap for the sandbox, delete the wheels and make this folder root's only. The sandbox, not file
# modes, keeps the student code it runs away from the answer key.
#   BNKIT_VENV         where the environment goes (default /autograder/bnkit-venv)
#   BNKIT_BASE_PYTHON  the Python (3.11 or newer) that creates it (default: the first suitable python3)
#   BNKIT_NO_APT=1     never call apt-get (python3-venv and bubblewrap must then be there already)
set -euo pipefail
umask 022                     # the environment must be readable by every user: the grader may run as one
SOURCE="$(cd "$(dirname "$0")" && pwd)"
VENV="${BNKIT_VENV:-__DEFAULT_VENV__}"
export DEBIAN_FRONTEND=noninteractive PIP_DISABLE_PIP_VERSION_CHECK=1

have() { command -v "$1" >/dev/null 2>&1; }
APT_UPDATED=
apt_install() {   # apt_install PACKAGE...: 0 when installed, 1 when apt-get is missing, not allowed or fails
    [ "${BNKIT_NO_APT:-0}" = 1 ] && return 1
    have apt-get || return 1
    if [ -z "$APT_UPDATED" ]; then
        echo "apt-get update"
        apt-get update -q -o Acquire::Retries=1 -o Acquire::http::Timeout=30 >/dev/null || return 1
        APT_UPDATED=1
    fi
    echo "apt-get install $*"
    apt-get install -y -q --no-install-recommends "$@" >/dev/null
}

# The vendored wheels (if any) were built for one Python version: prefer it.
WANT=
if [ -f "$SOURCE/wheels/VENDORED" ]; then
    WANT="$(sed -n 's/^python //p' "$SOURCE/wheels/VENDORED")"
fi
suitable() { have "$1" && "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; }
pick_python() {
    local candidate
    if [ -n "${BNKIT_BASE_PYTHON:-}" ]; then
        suitable "$BNKIT_BASE_PYTHON" && { echo "$BNKIT_BASE_PYTHON"; return 0; }
        return 1
    fi
    for candidate in ${WANT:+python$WANT} python3 python3.13 python3.12 python3.11; do
        suitable "$candidate" && { echo "$candidate"; return 0; }
    done
    return 1
}

if [ -x "$VENV/bin/python" ] && [ ! -d "$SOURCE/wheels" ]; then
    echo "the kit is already installed in $VENV (wheels/ is gone): only setting the modes again"
else
    # 1. A Python 3.11+ that can create virtual environments (Debian and Ubuntu ship venv separately).
    if ! PY="$(pick_python)"; then
        apt_install python3.11 python3.11-venv || true       # Ubuntu 22.04's python3 is 3.10
        PY="$(pick_python)" || { echo "error: the kit needs Python 3.11 or newer and this image has none;" \
            "choose a base image with Python 3.11+ (e.g. Ubuntu 24.04)" >&2; exit 1; }
    fi
    VERSION="$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
    if ! "$PY" -c 'import ensurepip, venv' 2>/dev/null; then
        apt_install "python$VERSION-venv" || apt_install python3-venv || true
        "$PY" -c 'import ensurepip, venv' 2>/dev/null || { echo "error: $PY cannot create virtual" \
            "environments and python$VERSION-venv could not be installed" >&2; exit 1; }
    fi

    # 2. bubblewrap, the sandbox's strongest isolation inside a container.
    if have bwrap; then
        echo "bubblewrap: $(command -v bwrap)"
    elif apt_install bubblewrap && have bwrap; then
        echo "bubblewrap installed: $(command -v bwrap)"
    else
        echo "WARNING: bubblewrap (bwrap) could not be installed: grading will use a weaker isolation" \
             "level (results.json says which, under extra_data.isolation)"
    fi

    # 3. The kit, into its own environment (the system pip may refuse: PEP 668).
    echo "creating $VENV with $PY (Python $VERSION)"
    "$PY" -m venv "$VENV"
    if [ -n "$WANT" ] && [ "$WANT" = "$VERSION" ]; then
        "$VENV/bin/python" -m pip install --quiet --no-index --find-links "$SOURCE/wheels" bnkit
    else
        if [ -n "$WANT" ]; then
            echo "the vendored wheels are for Python $WANT, this image has $VERSION: installing from the package index"
        fi
        "$VENV/bin/python" -m pip install --quiet --find-links "$SOURCE/wheels" bnkit
    fi
    "$VENV/bin/python" -c "import autograder, cs231n, solutions"
fi

# 4. Modes. The wheels (the answer key in a zip) go and the source folder is root's alone. The environment
#    is readable and runnable by everyone (an older setup.sh made the kit root's only, so that a grader
#    run as a user failed with "No module named autograder.cli"): a platform may grade as any uid
#    (Kubernetes' runAsNonRoot, OpenShift's arbitrary uid). Student code never reads it: the sandbox's
#    workers see only an allowlist (bubblewrap or Landlock), and at the container level without Landlock
#    the grader locks the kit away itself before any student code runs.
rm -rf "$SOURCE/wheels"
chmod -R go-rwx "$SOURCE"
chmod -R a+rX "$VENV"
dir="$VENV"
while dir="$(dirname "$dir")" && [ "$dir" != / ]; do
    if [ "$(( 0$(stat -c %a "$dir") & 1 ))" = 0 ]; then
        echo "WARNING: $dir (mode $(stat -c %a "$dir")) cannot be entered by other users, so only root can" \
             "run the kit in $VENV; make it searchable (chmod o+x $dir) or set BNKIT_VENV elsewhere"
    fi
done
echo "bnkit installed in $VENV, runnable by every user; $SOURCE is readable by root only"
""".replace('__DEFAULT_VENV__', DEFAULT_VENV)

RUN_AUTOGRADER = r"""#!/usr/bin/env bash
# Run by Gradescope for every submission: grade /autograder/submission into /autograder/results/results.json
# with the checks of __ASSIGNMENT__.
# Exits with the grader's exit code: a grader that cannot grade (for example a sandbox that cannot start)
# shows as an autograder error instead of a score. When the kit cannot even be run (as a user it cannot
# read, or before setup.sh), this script writes a results.json that says why and how to fix it, with no
# points, and exits 3; when that cannot be written either, it says so in one line on stderr.
#   BNKIT_SUBMISSION_DIR, BNKIT_RESULTS  move those paths (for a rehearsal outside Gradescope)
#   BNKIT_VENV                           the environment setup.sh made (default /autograder/bnkit-venv)
#   BNKIT_PYTHON                         a Python to use instead of the environment's
set -uo pipefail
PYTHON="${BNKIT_PYTHON:-${BNKIT_VENV:-__DEFAULT_VENV__}/bin/python}"
RESULTS="${BNKIT_RESULTS:-/autograder/results/results.json}"
previous=
for arg in "$@"; do          # where the grader would write, for a failure reported from here
    case "$previous" in --results) RESULTS="$arg" ;; esac
    case "$arg" in --results=*) RESULTS="${arg#--results=}" ;; esac
    previous="$arg"
done

json_text() {                # $1 as the inside of a JSON string
    local text
    text="$(printf '%s' "$1" | tr -d '\000-\010\013\014\016-\037')"   # other control characters: not in JSON
    text="${text//\\/\\\\}"; text="${text//\"/\\\"}"; text="${text//$'\t'/ }"; text="${text//$'\r'/ }"
    printf '%s' "${text//$'\n'/\\n}"
}

cannot_grade() {             # cannot_grade CAUSE FIX: results.json with no points saying why, else one line
    local cause="$1" fix="$2" output folder
    output="The autograder could not run, so this submission was not graded (the 0 is not a grade): $cause. The course staff must fix it: $fix."
    folder="$(dirname "$RESULTS")"
    if mkdir -p "$folder" 2>/dev/null && printf '{"score": 0, "execution_time": 0, "output": "%s", "output_format": "text", "tests": [], "extra_data": {"grading_failed": "%s", "grader_uid": %d}}\n' \
            "$(json_text "$output")" "$(json_text "$cause")" "$(id -u)" > "$RESULTS.partial" 2>/dev/null \
            && mv -f "$RESULTS.partial" "$RESULTS" 2>/dev/null; then
        echo "error: not graded: $cause; fix: $fix (written to $RESULTS)" >&2
    else
        rm -f "$RESULTS.partial" 2>/dev/null
        echo "error: not graded: $cause; fix: $fix; and no results.json either: uid $(id -u) cannot write to $folder" >&2
    fi
    exit 3
}

if ! command -v "$PYTHON" >/dev/null 2>&1; then      # a path, or a name on the PATH
    cannot_grade "the kit's Python $PYTHON is missing or cannot be run by uid $(id -u)" \
        "run the bundle's setup.sh as root to install the kit (it installs it for every user), or set BNKIT_VENV to where it is"
fi
if ! problem="$("$PYTHON" -I -c 'import autograder.cli.run_autograder' 2>&1)"; then
    cannot_grade "uid $(id -u) cannot import the kit with $PYTHON ($(printf '%s' "$problem" | tail -n 1))" \
        "run setup.sh again as root: it makes the environment readable by every user (an older setup.sh left it readable by root only); or run run_autograder as root"
fi
exec "$PYTHON" -I -m autograder.cli run-autograder --assignment __ASSIGNMENT__ "$@"
""".replace('__DEFAULT_VENV__', DEFAULT_VENV)


def run_autograder_script(assignment):
    """Gradescope's run_autograder for one assignment (a Gradescope assignment grades one notebook)."""
    return RUN_AUTOGRADER.replace('__ASSIGNMENT__', assignment.name)


class BundleError(RuntimeError):
    pass


def _pip(*args):
    proc = subprocess.run([sys.executable, '-m', 'pip', *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise BundleError('pip %s failed:\n%s' % (' '.join(args), proc.stderr[-3000:]))


def vendor_target_options(python=None, machine=None):
    """pip download options selecting wheels for any CPython X.Y (this one's by default) on any Linux with
    glibc 2.35 or newer (Ubuntu 22.04, Gradescope's default base image; Debian 12 has 2.36).

    Resolving for the interpreter that builds the bundle would be wrong: it would pick releases that
    require its patch level (3.11.7 here, while Debian 12 has 3.11.2) and its platform."""
    major, minor = python or sys.version_info[:2]
    machine = machine or platform.machine()
    machine = {'arm64': 'aarch64', 'AMD64': 'x86_64'}.get(machine, machine)
    options = ['--only-binary=:all:', '--implementation', 'cp', '--python-version', '%d.%d' % (major, minor),
               '--abi', 'cp%d%d' % (major, minor), '--abi', 'abi3', '--abi', 'none']
    platforms = ['manylinux_2_%d_%s' % (glibc, machine) for glibc in range(MAX_GLIBC_MINOR, 4, -1)]
    platforms += ['manylinux2014_%s' % machine, 'manylinux2010_%s' % machine, 'manylinux1_%s' % machine]
    for tag in platforms:
        options += ['--platform', tag]
    return options


def build_bundle(assignment, out_zip, vendor=False):
    """Write the zip that grades ``assignment``; returns its path."""
    out_zip = Path(out_zip).resolve()
    with tempfile.TemporaryDirectory(prefix='bnkit-bundle-') as tmp:
        tmp = Path(tmp)
        wheels = tmp / 'wheels'
        wheels.mkdir()
        # Build from a clean copy of the sources, so nothing of a working tree's state gets in.
        src = tmp / 'src'
        shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns('.venv', '.git', '__pycache__', '*.egg-info',
                                                                  'build', 'dist', 'demo-out', '*.zip'))
        _pip('wheel', '--no-deps', '-q', '-w', str(wheels), str(src))
        if vendor:
            kit = next(wheels.glob('bnkit-*.whl'))
            _pip('download', '-q', '-d', str(wheels), *vendor_target_options(), str(kit))
            (wheels / 'VENDORED').write_text(
                'python %d.%d\nevery dependency is here, for CPython of that version on Linux (glibc 2.%d+):\n'
                'setup.sh installs with --no-index\n'
                % (sys.version_info[:2] + (MAX_GLIBC_MINOR,)))
        out_zip.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(out_zip, 'w', zipfile.ZIP_DEFLATED) as zf:
            for name, text in (('setup.sh', SETUP_SH), ('run_autograder', run_autograder_script(assignment))):
                info = zipfile.ZipInfo(name)
                info.external_attr = 0o755 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, text)
            for wheel in sorted(wheels.iterdir()):
                zf.write(wheel, 'wheels/' + wheel.name)
    return out_zip
