"""Gradescope's autograder bundle: autograder.zip with setup.sh, run_autograder and the kit as a wheel.

On Gradescope the zip is unpacked into /autograder/source; setup.sh runs once, as root, when the image is
built, and run_autograder (copied to /autograder/run_autograder) for every submission: it reads
/autograder/submission and writes /autograder/results/results.json.

setup.sh installs the kit into a virtual environment of its own, /autograder/bnkit-venv (so it works on
images whose system pip refuses to install, PEP 668), installs bubblewrap for the sandbox when it can, and
then locks the answer key away: the wheels are deleted, /autograder/source and the kit's grader and
solution packages become readable by root only, so student code running under another uid cannot read
them. With ``vendor=True`` every dependency's wheel is in the zip and setup.sh installs with --no-index, so
the image builds without a package index (when the image's Python is the one the wheels were built for).
docs/gradescope.md has the details and the rehearsal in container-like settings.
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
# environment of its own, install bubblewrap for the sandbox, then lock the answer key away from every
# other uid (the sandboxed student code runs under one).
#   BNKIT_VENV         where the environment goes (default /autograder/bnkit-venv)
#   BNKIT_BASE_PYTHON  the Python (3.11 or newer) that creates it (default: the first suitable python3)
#   BNKIT_NO_APT=1     never call apt-get (python3-venv and bubblewrap must then be there already)
set -euo pipefail
umask 022                     # the environment must stay readable by the sandbox's unprivileged uid
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
    echo "the kit is already installed in $VENV (wheels/ is gone): only locking again"
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

# 4. Lock the answer key away: the wheel is gone, the source folder and the kit's grader and solution
#    packages are root's alone. cs231n and the rest of the environment stay readable: the sandbox runs on them.
rm -rf "$SOURCE/wheels"
chmod -R go-rwx "$SOURCE"
SITE="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
for path in "$SITE/autograder" "$SITE/solutions" "$SITE"/bnkit-*.dist-info; do
    if [ -e "$path" ]; then
        chmod -R go-rwx "$path"
    fi
done
echo "bnkit installed in $VENV; $SOURCE and the answer key are readable by root only"
""".replace('__DEFAULT_VENV__', DEFAULT_VENV)

RUN_AUTOGRADER = r"""#!/usr/bin/env bash
# Run by Gradescope for every submission: grade /autograder/submission into /autograder/results/results.json
# with the checks of __ASSIGNMENT__.
# Exits with the grader's exit code: a grader that cannot grade (for example a sandbox that cannot start)
# shows as an autograder error instead of a score.
#   BNKIT_SUBMISSION_DIR, BNKIT_RESULTS  move those paths (for a rehearsal outside Gradescope)
#   BNKIT_VENV                           the environment setup.sh made (default /autograder/bnkit-venv)
#   BNKIT_PYTHON                         a Python to use instead of the environment's
set -uo pipefail
PYTHON="${BNKIT_PYTHON:-${BNKIT_VENV:-__DEFAULT_VENV__}/bin/python}"
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
