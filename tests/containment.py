"""Running a grader under test where deliberately hostile code cannot reach anything else.

``run_contained`` starts the command in a PID namespace of its own (``unshare --pid --fork --mount-proc``,
available to root here), under outer limits on memory (prlimit) and wall time. A kill(-1) or a fork bomb
that escaped the grader's own sandbox would still end at the namespace's edge, and the whole namespace dies
when the test is done with it.
"""
import os
import shutil
import subprocess
import sys

import pytest


def containment_available():
    return sys.platform.startswith('linux') and os.geteuid() == 0 and bool(shutil.which('unshare')) \
        and bool(shutil.which('prlimit'))


def require_containment():
    if not containment_available():
        pytest.skip('hostile-code tests need root and util-linux unshare/prlimit to run inside their own PID '
                    'namespace; this machine offers neither, so they are not run here')


def run_contained(args, timeout=600, memory_gb=8, env=None):
    """Run args (a list) in its own PID namespace with outer limits; returns the CompletedProcess."""
    require_containment()
    cmd = ['unshare', '--pid', '--fork', '--mount-proc', '--kill-child',
           'prlimit', '--as=%d' % (memory_gb << 30), '--'] + list(args)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, start_new_session=True)
