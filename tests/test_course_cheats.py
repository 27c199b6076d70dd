"""In-kernel cheats against nbgrader's autograde in the kit's course, at every isolation level offered here.

Each level's class (an honest complete notebook, the untouched release and every cheat of
``autograder/validation/attacks/in_kernel/``) goes through nbgrader's own commands inside ``run_contained``
(tests/course_cheats.py), and is judged by outcome, through nbgrader's export:

- a cheat earns no more than the untouched release, and the honest student keeps full credit;
- nbgrader's export equals ``bnkit grade`` of the same ``submitted/`` tree for every student;
- the gradebook is the same after a cheat's leftover process had time to act;
- nothing of a sandbox is left running, and the honest student's secret line reaches no one else's files;
- every autograded notebook says the level it was graded at.
"""
import json
import os
import sys
from pathlib import Path

import pytest

from autograder.assignment import get
from autograder.validation.kernel_cheats import cheats
from tests.containment import require_containment, run_contained
from tests.test_isolation_levels import DOCKERLIKE, NOBODY, why_not_offered

pytestmark = [pytest.mark.hostile, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
DRIVER = str(ROOT / 'tests' / 'course_cheats.py')
ASSIGNMENT = get('BatchNormalization')


def test_every_cheat_file_says_what_it_does_and_what_it_attacks():
    found = cheats()
    assert len(found) >= 12
    assert all(c.summary and c.attacks for c in found)
    kinds = ' '.join(c.attacks for c in found)
    for aim in ('scorer', 'nbgrader', 'answer key', 'hidden checks', 'other students', 'gradebook', 'outputs'):
        assert aim in kinds, aim


def command(level, work, out):
    driver = [sys.executable, DRIVER, str(work), str(out), '--level', level]
    if level == 'full':
        return driver
    dockerlike = [sys.executable, DOCKERLIKE] + driver
    if level == 'container':
        return ['capsh', '--drop=cap_sys_admin', '--', '-c', 'exec "$@"', 'capsh'] + dockerlike
    return ['setpriv', '--reuid=%d' % NOBODY, '--regid=%d' % NOBODY, '--clear-groups'] + dockerlike


@pytest.mark.parametrize('level', ['full', 'container', 'process'])
def test_in_kernel_cheats_through_nbgrader(level, tmp_path):
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
    out = work / 'verdict.json'
    env = dict(os.environ, HOME=str(home), MPLCONFIGDIR=str(home), MPLBACKEND='Agg', PYTHONDONTWRITEBYTECODE='1')
    reachable = [os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix), str(ROOT)]
    proc = run_contained(command(level, work, out), timeout=1800, env=env, reachable=reachable, keep=[work])
    assert out.exists(), 'the %s-level course did not finish (exit %s):\n%s\n%s' % (
        level, proc.returncode, proc.stdout[-3000:], proc.stderr[-3000:])
    r = json.loads(out.read_text())
    assert r['autograde_exit'] == 0, r['autograde_log_tail']
    assert r['bnkit_exit'] == 0, r['bnkit_log_tail']
    nbgrader, bnkit = r['nbgrader'], r['bnkit']
    assert nbgrader['complete'] == bnkit['complete'] == ASSIGNMENT.max_automatic_points
    over = {s: nbgrader[s] for s in r['cheats'] if nbgrader[s] > nbgrader['untouched']}
    assert not over, 'cheats that earned more than the untouched release under nbgrader: %s' % over
    assert nbgrader == pytest.approx(bnkit), 'nbgrader and bnkit grade disagree'
    assert r['nbgrader_after_wait'] == nbgrader, 'the gradebook changed after autograde'
    assert r['left_running'] == []
    assert r['leaks'] == []
    assert set(r['levels_reported']) == set(nbgrader)
    assert all(levels == [level] for levels in r['levels_reported'].values()), r['levels_reported']
