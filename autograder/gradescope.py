"""Gradescope's autograder bundle: autograder.zip with setup.sh, run_autograder and the kit as a wheel.

On Gradescope the zip is unpacked into /autograder/source; setup.sh runs once when the image is built and
run_autograder for every submission (it reads /autograder/submission and writes
/autograder/results/results.json). With ``vendor=True`` every dependency's wheel is in the zip and setup.sh
installs with --no-index, so building the image needs no package index.
"""
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SETUP_SH = '''#!/usr/bin/env bash
# Run once by Gradescope when it builds the autograder image: install the kit and its dependencies.
set -euo pipefail
cd "$(dirname "$0")"
PYTHON="${BNKIT_PYTHON:-python3}"
if [ -f wheels/VENDORED ]; then
    "$PYTHON" -m pip install --no-index --find-links wheels bnkit
else
    "$PYTHON" -m pip install --find-links wheels bnkit
fi
"$PYTHON" -c "import autograder, cs231n, solutions" && echo "bnkit installed"
'''

RUN_AUTOGRADER = '''#!/usr/bin/env bash
# Run by Gradescope for every submission: grade /autograder/submission into /autograder/results/results.json.
# BNKIT_SUBMISSION_DIR and BNKIT_RESULTS move those paths (for a rehearsal outside Gradescope).
set -uo pipefail
PYTHON="${BNKIT_PYTHON:-python3}"
exec "$PYTHON" -m autograder.cli run-autograder "$@"
'''


class BundleError(RuntimeError):
    pass


def _pip(*args):
    proc = subprocess.run([sys.executable, '-m', 'pip', *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise BundleError('pip %s failed:\n%s' % (' '.join(args), proc.stderr[-3000:]))


def build_bundle(out_zip, vendor=False):
    """Write the zip; returns its path."""
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
            _pip('wheel', '-q', '-w', str(wheels), str(src))
            (wheels / 'VENDORED').write_text('every dependency is here: setup.sh installs with --no-index\n')
        out_zip.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(out_zip, 'w', zipfile.ZIP_DEFLATED) as zf:
            for name, text in (('setup.sh', SETUP_SH), ('run_autograder', RUN_AUTOGRADER)):
                info = zipfile.ZipInfo(name)
                info.external_attr = 0o755 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, text)
            for wheel in sorted(wheels.iterdir()):
                zf.write(wheel, 'wheels/' + wheel.name)
    return out_zip
