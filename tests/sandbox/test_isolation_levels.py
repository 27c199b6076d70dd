"""The validation set at every isolation level this machine offers, each run inside ``run_contained``.

- ``full``: as root, as on a grading server of one's own: ``bnkit validate --isolation full``, the whole set
  (correct variants, bugs, hostile submissions) in one run, every verdict green;
- ``container``: root without CAP_SYS_ADMIN (capsh) under Docker's default seccomp refusals
  (tests/dockerlike.py), as in a Docker container or Gradescope's;
- ``process``: an unprivileged user (uid 65534) that may not create user namespaces either.

At the container and process levels the correct variants and every hostile submission (with their stub
twins) are graded in one run. Correct variants must keep full credit; a hostile submission or a run-level
row must hold where its containment says the level contains it (``autograder.validation.hostile``): every level
keeps the run alive, everyone else's grade, time and memory bounded ('robust'); container and full keep
everything inside the sandbox ('isolated'); full, and container where the kernel offers Landlock, keep every
file outside the allowlist unreadable ('secret'). Where the kernel offers Landlock, the process level keeps
all three too: the worker is held by the same allowlist and the seccomp filter, though it runs as the
grading user.
"""
import ctypes
import json
import os
import re
import shutil
import sys
from pathlib import Path

import pytest

from autograder.assignments.BatchNormalization import ASSIGNMENT
from autograder.assignments.BatchNormalization.variants import BUGS, CORRECT
from autograder.validation.hostile import hostile_variants
from tests.containment import NOBODY, at_level, require_containment, run_contained

pytestmark = [pytest.mark.hostile, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SUBSET = str(ROOT / 'tests' / 'validate_subset.py')


def landlock_available():
    """Whether this kernel offers Landlock (landlock_create_ruleset with LANDLOCK_CREATE_RULESET_VERSION)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.syscall(444, None, 0, 1) >= 1
    except (OSError, AttributeError):
        return False


def containments_kept_at(level):
    """What docs/sandbox.md says the level keeps on this machine. The process level runs student code as the
    grading user, so only Landlock's allowlist (unprivileged) and the seccomp filter hold it there."""
    with_landlock = {'secret'} if landlock_available() else set()
    return {'full': {'robust', 'isolated', 'secret'},
            'container': {'robust', 'isolated'} | with_landlock,
            'process': {'robust'} | ({'isolated'} | with_landlock if with_landlock else set())}[level]


def _dockerlike_works():
    try:
        import pyseccomp  # noqa: F401
    except ImportError:
        return False
    return True


def why_not_offered(level):
    """None if this machine offers the level to the test, else the reason."""
    if level == 'full' and not shutil.which('bwrap'):
        return 'bubblewrap (bwrap) is not installed'
    if level == 'container' and not shutil.which('capsh'):
        return 'capsh is not installed'
    if level in ('container', 'process') and not _dockerlike_works():
        return 'pyseccomp is not installed, so tests/dockerlike.py cannot refuse namespaces'
    if level == 'process' and not shutil.which('setpriv'):
        return 'setpriv is not installed'
    return None


def level_workspace(level, tmp_path):
    """(work folder, home folder) for a contained run at ``level``, owned by its user; skips the test when this
    machine cannot rehearse the level."""
    require_containment()
    reason = why_not_offered(level)
    if reason:
        pytest.skip('the %s level cannot be rehearsed here: %s' % (level, reason))
    work = tmp_path / level
    home = work / 'home'
    home.mkdir(parents=True)
    if level == 'process':
        for path in (work, home):
            os.chown(path, NOBODY, NOBODY)
    return work, home


def command(level, out):
    """The command line that runs the correct and hostile variants at ``level``, from inside run_contained."""
    return at_level(level, [sys.executable, SUBSET, str(out), '--assignment', ASSIGNMENT.name,
                            '--kinds', 'correct,hostile', '--jobs', '2', '--isolation', level])


def describe(rows):
    return '\n'.join('  %s [%s]: expected %s, got %s' % (r['variant'], r.get('containment'), r['expected'], r['got'])
                     for r in rows)


@pytest.mark.rehearsal
def test_full_level_validates_everything():
    """`bnkit validate` itself, the whole set in one run at the strongest level: every verdict green."""
    require_containment()
    reason = why_not_offered('full')
    if reason:
        pytest.skip('the full level cannot be rehearsed here: %s' % reason)
    proc = run_contained([sys.executable, '-m', 'autograder.cli', 'validate', '--assignment', ASSIGNMENT.name,
                          '--isolation', 'full', '--jobs', '2'], timeout=2400)
    print(proc.stdout[-8000:])
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
    totals = dict(re.findall(r'^(correct variants with full credit|bugs caught|hostile submissions contained):\s+'
                             r'(\d+ / \d+)', proc.stdout, re.M))
    assert totals['correct variants with full credit'] == '%d / %d' % (len(CORRECT), len(CORRECT))
    assert totals['bugs caught'] == '%d / %d' % (len(BUGS), len(BUGS))
    hostile = hostile_variants(ASSIGNMENT)
    assert totals['hostile submissions contained'] == '%d / %d' % (len(hostile), len(hostile))
    assert re.search(r'^run-level checks:\s+all ok$', proc.stdout, re.M)
    assert re.search(r'beyond the rule: 0 points$', proc.stdout, re.M)   # no collateral beyond error carried forward


# A rehearsal each, like the full level's run above (scripts/rehearse.sh, which CI runs when its time allows):
# the test command grades the same set in tests/engine/test_grade.py, tests/assignments/test_checks.py and tests/sandbox/test_hostile_set.py.
@pytest.mark.rehearsal
@pytest.mark.parametrize('level', ['container', 'process'])
def test_validation_at_isolation_level(level, tmp_path):
    work, home = level_workspace(level, tmp_path)
    out = work / 'verdicts.json'
    env = dict(os.environ, HOME=str(home), MPLCONFIGDIR=str(home), MPLBACKEND='Agg', PYTHONDONTWRITEBYTECODE='1')
    # Workers and the unprivileged user must reach the interpreter and the checkout, as in a container where
    # Python is installed for everyone (here it may live under /root, mode 0700).
    reachable = [os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix), str(ROOT)]
    proc = run_contained(command(level, out), timeout=1800, env=env, reachable=reachable)
    print(proc.stdout[-8000:])
    assert out.exists(), 'the %s-level run did not finish (exit status %s):\n%s\n%s' % (
        level, proc.returncode, proc.stdout[-3000:], proc.stderr[-3000:])
    verdicts = json.loads(out.read_text())
    rows, run = verdicts['rows'], verdicts['run']

    requested = [r for r in run if r['variant'] == 'isolation as requested']
    assert requested and requested[0]['ok'], 'the run did not grade at the %s level: %s' % (
        level, describe(requested) or 'no isolation row')
    correct = [r for r in rows if r['kind'] == 'correct']
    keep = containments_kept_at(level)
    broken = [r for r in correct if not r['ok']] + [r for r in rows + run if r.get('containment') in keep and not r['ok']]
    assert correct and not broken, 'at the %s level (which promises %s), not kept:\n%s' % (
        level, ', '.join(sorted(keep)), describe(broken))
