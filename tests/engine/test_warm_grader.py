"""The warm grader: one process per job slot, loaded once, each submission graded in a child forked for it."""
import json
import os
import signal
import threading

import pytest

from tests.fixture_assignment import ASSIGNMENT
from autograder.grading.options import GradingOptions
from autograder.grading.submissions import accept
from autograder.grading.warm_pool import WarmGrader, WarmGraderDied, WarmPool
from autograder.sandbox import Limits
from tests.engine.scale_notebooks import with_reference, write

pytestmark = pytest.mark.slow
OPTIONS = GradingOptions(isolation='process', budget=60, check_timeout=30, limits=Limits(call_timeout=4))


def no_preexec():
    pass


def started(start):
    return start()


@pytest.fixture(scope='module')
def notebooks(tmp_path_factory):
    folder = tmp_path_factory.mktemp('class')
    write(folder, 'reference', ASSIGNMENT.reference_cells())
    write(folder, 'untouched')
    write(folder, 'loops', with_reference(scale_forward='def scale_forward(x, gamma):\n'
                                                       '    while True:\n        pass\n'))
    return {sub.student: sub for sub in accept({p.stem: p for p in folder.glob('*.ipynb')})}


def score(outdir, student):
    return json.loads((outdir / student / 'results.json').read_text())['score']


def rss_kb(pid):
    with open('/proc/%d/status' % pid) as f:
        return next(int(line.split()[1]) for line in f if line.startswith('VmRSS:'))


def test_each_submission_is_graded_in_a_child_of_its_own_and_the_grader_stays_as_it_was(notebooks, tmp_path):
    grader = WarmGrader(ASSIGNMENT, OPTIONS, no_preexec, started)
    children = []
    original = grader._receive

    def spy(deadline):
        message = original(deadline)
        if isinstance(message, dict) and 'started' in message:
            children.append(message['started'])
        return message
    grader._receive = spy
    try:
        assert grader.grade(notebooks['reference'], tmp_path, 120) == (0, '')
        warm_rss = rss_kb(grader.proc.pid)
        for student in ('untouched', 'reference', 'untouched', 'reference'):
            assert grader.grade(notebooks[student], tmp_path, 120)[0] == 0
        # flat memory: the grader keeps nothing of the submissions it passed on
        assert rss_kb(grader.proc.pid) - warm_rss < 5 * 1024
    finally:
        grader.close()
    assert score(tmp_path, 'reference') == ASSIGNMENT.max_automatic_points and score(tmp_path, 'untouched') == 0
    assert len(set(children)) == 5 and grader.proc.pid not in children


def test_a_submission_past_its_time_costs_only_itself(notebooks, tmp_path):
    grader = WarmGrader(ASSIGNMENT, OPTIONS, no_preexec, started)
    try:
        code, why = grader.grade(notebooks['loops'], tmp_path, 8)
        assert code is None and 'longer than 8 s' in why
        assert not (tmp_path / 'loops' / 'results.json').exists()
        assert grader.grade(notebooks['reference'], tmp_path, 120) == (0, '')
    finally:
        grader.close()
    assert score(tmp_path, 'reference') == ASSIGNMENT.max_automatic_points


def test_a_warm_grader_that_dies_costs_only_the_submission_it_was_grading(notebooks, tmp_path):
    pool = WarmPool(ASSIGNMENT, OPTIONS, 1, no_preexec, started)
    grader = pool.take()
    killer = threading.Timer(3.0, os.kill, (grader.proc.pid, signal.SIGKILL))
    killer.start()
    try:
        with pytest.raises(WarmGraderDied):
            grader.grade(notebooks['loops'], tmp_path, 60)
        pool.give_back(grader, alive=False)
        fresh = pool.take()
        assert fresh is not grader and fresh.grade(notebooks['reference'], tmp_path, 120) == (0, '')
        pool.give_back(fresh)
    finally:
        killer.cancel()
        pool.close()
    assert score(tmp_path, 'reference') == ASSIGNMENT.max_automatic_points
