"""In-kernel cheats against nbgrader's autograde in the kit's course, at every isolation level offered here.

Each level's class (an honest complete notebook, the untouched release, every cheat of
``autograder/validation/attacks/in_kernel/`` and, but for the test command's quick run, one of each attack class
of the validation set's hostile submissions) goes through nbgrader's own commands inside ``run_contained``
(``autograder.validation.course_class``), and is judged by outcome (its ``verdicts``), through nbgrader's
export:

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
from autograder.validation.course_class import verdicts
from autograder.validation.kernel_cheats import cheats
from tests.containment import at_level, run_contained
from tests.sandbox.test_isolation_levels import level_workspace


ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENT = get('BatchNormalization')


def test_every_cheat_file_says_what_it_does_and_what_it_attacks():
    found = cheats()
    assert len(found) >= 12
    assert all(c.summary and c.attacks for c in found)
    kinds = ' '.join(c.attacks for c in found)
    for aim in ('scorer', 'nbgrader', 'answer key', 'hidden checks', 'other students', 'gradebook', 'outputs'):
        assert aim in kinds, aim


def command(level, work, out, cheats_only=False):
    return at_level(level, [sys.executable, '-m', 'autograder.validation.course_class', str(work), str(out),
                            '--level', level] + (['--cheats-only'] if cheats_only else []))


# The test command runs the in-kernel cheats at the full level; the whole class (with one of each hostile
# submission's attack classes) at every level is a rehearsal (scripts/rehearse.sh), which CI runs when its
# time allows: each level's whole class takes three to five minutes here.
@pytest.mark.hostile
@pytest.mark.slow
@pytest.mark.parametrize('level,cheats_only', [
    pytest.param('full', True, id='full-cheats'),
    pytest.param('full', False, id='full', marks=pytest.mark.rehearsal),
    pytest.param('container', False, id='container', marks=pytest.mark.rehearsal),
    pytest.param('process', False, id='process', marks=pytest.mark.rehearsal)])
def test_in_kernel_cheats_through_nbgrader(level, cheats_only, tmp_path):
    work, home = level_workspace(level, tmp_path)
    out = work / 'verdict.json'
    env = dict(os.environ, HOME=str(home), MPLCONFIGDIR=str(home), MPLBACKEND='Agg', PYTHONDONTWRITEBYTECODE='1')
    reachable = [os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix), str(ROOT)]
    proc = run_contained(command(level, work, out, cheats_only), timeout=1800, env=env, reachable=reachable, keep=[work])
    assert out.exists(), 'the %s-level course did not finish (exit %s):\n%s\n%s' % (
        level, proc.returncode, proc.stdout[-3000:], proc.stderr[-3000:])
    broken = [(what, seen) for what, ok, seen in verdicts(json.loads(out.read_text())) if not ok]
    assert not broken, 'at the %s level:\n%s' % (level, '\n'.join('  %s: %s' % b for b in broken))


def measured(**changes):
    """A class run as ``run_class`` reports it, every rule kept, with ``changes``."""
    students = ['complete', 'untouched', 'cheat_a', 'cheat_b']
    full = ASSIGNMENT.max_automatic_points
    scores = {'complete': full, 'untouched': 0.0, 'cheat_a': 0.0, 'cheat_b': 0.0}
    result = {'assignment': ASSIGNMENT.name, 'level': 'full', 'autograde_exit': 0, 'bnkit_exit': 0,
              'nbgrader': dict(scores), 'nbgrader_after_wait': dict(scores), 'bnkit': dict(scores),
              'cheats': {'cheat_a': {}, 'cheat_b': {}}, 'left_running': [], 'leaks': [],
              'levels_reported': {s: ['full'] for s in students}}
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = dict(result[key], **value)
        else:
            result[key] = value
    return result


@pytest.mark.parametrize('changes, rule', [
    ({'nbgrader': {'cheat_a': 12.0}, 'bnkit': {'cheat_a': 12.0}, 'nbgrader_after_wait': {'cheat_a': 12.0}},
     'no cheat earns more than the untouched release'),
    ({'bnkit': {'cheat_b': 5.0}}, "nbgrader's export equals bnkit grade for every student"),
    ({'nbgrader_after_wait': {'cheat_b': 70.0}}, 'the gradebook is unchanged after autograde'),
    ({'left_running': ['123: python kernel_main.py']}, 'nothing of a sandbox is left running'),
    ({'leaks': ['course/feedback/cheat_a/x.html']}, "no one else's files hold the honest student's secret"),
    ({'levels_reported': {'cheat_a': ['process']}}, 'every notebook reports its isolation level'),
    ({'answer_key_seen': ['course/autograded/cheat_b/x.ipynb']}, "no cheat's files hold a line of the answer key"),
    ({'nbgrader': {'complete': 35.0}, 'bnkit': {'complete': 35.0}, 'nbgrader_after_wait': {'complete': 35.0}},
     'every honest student keeps full credit in both'),
    ({'nbgrader': {'honest_stray': 0.0}, 'bnkit': {'honest_stray': 70.0}, 'nbgrader_after_wait': {'honest_stray': 0.0},
      'levels_reported': {'honest_stray': ['full']}}, None),
])
def test_the_verdicts_catch_each_broken_rule_and_only_it(changes, rule):
    assert all(ok for _, ok, _ in verdicts(measured()))
    failed = [what for what, ok, _ in verdicts(measured(**changes)) if not ok]
    if rule is None:     # an honest student nbgrader and bnkit grade differently breaks two rules
        assert failed == ['every honest student keeps full credit in both',
                          "nbgrader's export equals bnkit grade for every student"]
    else:
        assert failed == [rule]
