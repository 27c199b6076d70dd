"""The worker started ahead (``autograder.grading.prestart``): it serves one grading only, it is never left
running after a run, and one that failed or died before its submission came costs no student anything."""
import json
import os
import re
import time
from dataclasses import replace

import pytest

from tests.fixture_assignment import ASSIGNMENT
from autograder.grading import prestart
from autograder.grading.grade_one import grade_notebook
from autograder.grading.submissions import accept
from autograder.grading.warm_pool import WarmGrader
from autograder.sandbox import SandboxError, Worker, process_tree
from tests.engine.scale_notebooks import with_reference, write
from tests.engine.test_warm_grader import OPTIONS, no_preexec, started

pytestmark = pytest.mark.slow
# A cell that defines its function, then tells which worker ran it: its load error carries the worker's pid
# (the process level has no PID namespace of its own).
TELL_PID = "\nimport os\nraise RuntimeError('worker pid %d' % os.getpid())\n"


def the_worker_pid(outdir, student):
    output = json.loads((outdir / student / 'results.json').read_text())['output']
    return int(re.search(r'worker pid (\d+)', output).group(1))


def runs_worker_main(pid):
    try:
        with open('/proc/%d/cmdline' % pid, 'rb') as f:
            return b'worker_main.py' in f.read()
    except OSError:
        return False


def waiting_child(grader_pid, seconds=60):
    """(the pending child, its worker's pid) once the worker runs: the warm grader's one child, idle."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        table = process_tree.parents()
        children = process_tree.children_of(grader_pid, table)
        workers = [pid for pid in process_tree.descendants(children, table) if runs_worker_main(pid)]
        if len(children) == 1 and workers:
            return children[0], workers[0]
        time.sleep(0.05)
    raise AssertionError('no child with a started worker under the warm grader')


def gone(pid):
    try:
        with open('/proc/%d/stat' % pid, 'rb') as f:
            return f.read().rsplit(b')', 1)[1].split()[0] == b'Z'
    except FileNotFoundError:
        return True


def test_each_prestarted_worker_serves_one_grading_and_none_outlives_the_grader(tmp_path):
    if not prestart.core_to_spare(OPTIONS):
        pytest.skip('one usable core: no core to start a worker ahead on')
    folder = tmp_path / 'class'
    folder.mkdir()
    students = ['first', 'second', 'third']
    for student in students:
        write(folder, student, with_reference(
            scale_forward=ASSIGNMENT.reference_cells()['scale_forward'] + TELL_PID))
    subs = {sub.student: sub for sub in accept({p.stem: p for p in folder.glob('*.ipynb')})}
    grader = WarmGrader(ASSIGNMENT, OPTIONS, no_preexec, started)
    ahead = []
    try:
        for student in students:
            child, worker = waiting_child(grader.proc.pid)        # started before its submission came
            ahead.append((child, worker))
            assert grader.grade(subs[student], tmp_path, 120) == (0, '')
            assert gone(child)                                    # it graded one submission and ended
        last_child, last_worker = waiting_child(grader.proc.pid)
    finally:
        grader.close()
    served = [the_worker_pid(tmp_path, student) for student in students]
    assert len(set(served)) == len(students)                      # never one worker for two gradings
    assert [worker for _, worker in ahead] == served              # each the one started ahead for it
    # the run is over: the child still waiting, and its worker, were stopped with the grader
    assert gone(last_child) and gone(last_worker) and last_worker not in served


def test_a_worker_takes_one_submission_only():
    worker = Worker(None, OPTIONS.limits, level='process', side_file=ASSIGNMENT.side_file).launch()
    try:
        worker.load([{'label': 'cell 1', 'source': 'x = 1'}])
        with pytest.raises(RuntimeError, match='serves one only'):
            worker.load([{'label': 'cell 1', 'source': 'x = 2'}])
    finally:
        worker.stop()


def test_a_prestarted_worker_that_died_waiting_is_replaced_not_charged(tmp_path):
    path = write(tmp_path, 'reference', ASSIGNMENT.reference_cells())
    worker = prestart.launch(ASSIGNMENT, OPTIONS)
    worker.proc.kill()
    worker.proc.wait()
    try:
        results, messages, not_graded = grade_notebook(ASSIGNMENT, path, OPTIONS, prestarted=worker)
    finally:
        worker.stop()
    assert not_graded is None and all(r['fraction'] == 1.0 for r in results.values()), (results, messages)


def test_a_worker_that_fails_to_start_ahead_is_started_on_demand(monkeypatch, capsys):
    def failing(self):
        raise SandboxError(self.level, 'no bubblewrap today')
    monkeypatch.setattr(Worker, 'launch', failing)
    assert prestart.launch(ASSIGNMENT, OPTIONS) is None
    assert 'started on demand' in capsys.readouterr().err


def test_a_prestarted_worker_handed_to_a_second_grading_stops_the_run(tmp_path):
    path = write(tmp_path, 'reference', ASSIGNMENT.reference_cells())
    worker = prestart.launch(ASSIGNMENT, OPTIONS)
    try:
        results, _, _ = grade_notebook(ASSIGNMENT, path, OPTIONS, prestarted=worker)
        assert worker.loaded and all(r['fraction'] == 1.0 for r in results.values())
        with pytest.raises(SandboxError, match='handed a second submission'):
            grade_notebook(ASSIGNMENT, path, OPTIONS, prestarted=worker)
    finally:
        worker.stop()


def test_with_a_job_slot_on_every_core_no_worker_starts_ahead(tmp_path):
    """A start ahead needs a core the run leaves idle; with a slot on every core the child forked ahead waits
    without a worker, and its grading starts one on demand."""
    options = replace(OPTIONS, jobs=len(os.sched_getaffinity(0)))
    assert not prestart.core_to_spare(options)
    path = write(tmp_path, 'reference', with_reference(
        scale_forward=ASSIGNMENT.reference_cells()['scale_forward'] + TELL_PID))
    (sub,) = accept({'reference': path})
    grader = WarmGrader(ASSIGNMENT, options, no_preexec, started)
    try:
        deadline = time.monotonic() + 2     # several times what a start ahead takes
        while time.monotonic() < deadline:
            table = process_tree.parents()
            waiting = process_tree.descendants(process_tree.children_of(grader.proc.pid, table), table)
            assert not [pid for pid in waiting if runs_worker_main(pid)]
            time.sleep(0.05)
        assert grader.grade(sub, tmp_path, 120) == (0, '')
    finally:
        grader.close()
    assert the_worker_pid(tmp_path, 'reference') > 0
