"""Limits from the environment: read, fitted, said, and too small to grade said once, never a student's zero."""
import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.assignment import get
from autograder.notebook.fill import fill_solution_cells
from autograder.sandbox import Limits, allowance
from autograder.sandbox.allowance import Allowance, fit, fitted, jobs_that_fit, too_small

ASSIGNMENT = get('BatchNormalization')


def test_nothing_set_means_nothing_clamped():
    run = fitted(Limits(), 2, 4096, Allowance())
    assert (run.limits, run.jobs, run.grader_memory_mb, run.line) == (Limits(), 2, 4096, '')


def test_an_address_space_limit_clamps_the_worker_and_the_grader_and_says_so():
    limits, grader, notes = fit(Limits(memory_mb=2048), 4096, Allowance(address_space_mb=1500))
    assert (limits.memory_mb, grader) == (1500, 1500)
    assert any('ulimit -v' in n for n in notes) and len(notes) == 2


def test_a_cgroup_memory_limit_cuts_the_jobs_so_each_worker_fits_at_its_limit():
    limits = Limits(memory_mb=1000)
    jobs, why = jobs_that_fit(8, limits, Allowance(cgroup_memory_mb=2700))
    assert jobs == 2700 // (allowance.GRADER_RESIDENT_MB + 1000) and 'jobs 8 -> %d' % jobs in why
    assert jobs_that_fit(1, limits, Allowance(cgroup_memory_mb=2700)) == (1, None)


def test_file_size_and_process_limits_are_clamped():
    limits, _, notes = fit(Limits(fsize_mb=64, nproc=64), 4096, Allowance(fsize_kb=10 * 1024, nproc=40))
    assert (limits.fsize_mb, limits.nproc) == (10, 40) and len(notes) == 2


@pytest.mark.parametrize('small, named', [
    (Allowance(address_space_mb=allowance.MIN_GRADER_MB - 1), 'ulimit -v'),
    (Allowance(cgroup_memory_mb=allowance.GRADER_RESIDENT_MB), "cgroup's memory"),
    (Allowance(nofile=allowance.MIN_NOFILE - 1), 'ulimit -n'),
    (Allowance(fsize_kb=100), 'ulimit -f'),
    (Allowance(cgroup_pids=3), 'pids'),
])
def test_too_small_names_the_limit_and_the_fix(small, named):
    message = too_small(small)
    assert message and named in message and ('raise it' in message or 'give the job' in message)
    with pytest.raises(allowance.AllowanceTooSmall):
        fitted(Limits(), 1, 4096, small)
    assert too_small(Allowance(address_space_mb=allowance.MIN_GRADER_MB)) is None


def test_the_allowance_of_a_process_is_read_from_its_hard_limits():
    code = ('import resource; resource.setrlimit(resource.RLIMIT_AS, (900 << 20, 900 << 20)); '
            'resource.setrlimit(resource.RLIMIT_NOFILE, (300, 300)); '
            'from autograder.sandbox import allowance; a = allowance.read(); print(a.address_space_mb, a.nofile)')
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ['900', '300']


def class_folder(tmp_path, count=1):
    folder = tmp_path / 'class'
    folder.mkdir()
    nb = fill_solution_cells(ASSIGNMENT.release_notebook, ASSIGNMENT.reference_cells())
    for i in range(count):
        nbformat.write(nb, str(folder / ('student%d.ipynb' % i)))
    return folder


def grade_under(prefix, folder, out, *extra):
    cmd = [*prefix, sys.executable, '-m', 'autograder.cli', 'grade', str(folder), '--out', str(out),
           '--assignment', ASSIGNMENT.name, *extra]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600)


def scores(out):
    with open(out / 'grades.csv') as f:
        return [float(row['score']) for row in csv.DictReader(f)]


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which('prlimit'), reason='util-linux prlimit is not installed')
def test_an_inherited_address_space_limit_is_respected_with_full_credit(tmp_path):
    """`ulimit -v` of about 2.9 GB, as batch systems set: the run clamps, says so, and grades correctly."""
    folder, out = class_folder(tmp_path), tmp_path / 'out'
    proc = grade_under(['prlimit', '--as=%d' % (3000000 << 10), '--'], folder, out)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert 'environment limits: address space (ulimit -v) 2929 MB' in proc.stderr
    assert 'clamped grader memory 4096 -> 2929 MB' in proc.stderr
    assert scores(out) == [ASSIGNMENT.max_automatic_points]
    assert '2929 MB' in (out / 'run.json').read_text()


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which('prlimit'), reason='util-linux prlimit is not installed')
@pytest.mark.parametrize('limit, named', [
    ('--as=%d' % ((allowance.MIN_GRADER_MB - 50) << 20), 'the address-space limit (ulimit -v)'),
    ('--fsize=%d' % (100 << 10), 'the file-size limit (ulimit -f) is 100 KB'),
    ('--nofile=64', 'the open-files limit (ulimit -n) is 64')])
def test_a_limit_too_small_to_grade_is_one_message_and_no_grades(tmp_path, limit, named):
    folder, out = class_folder(tmp_path), tmp_path / 'out'
    proc = grade_under(['prlimit', limit, '--'], folder, out)
    assert proc.returncode == 3, proc.stderr[-3000:]
    assert 'cannot grade here: ' + named in proc.stderr
    assert 'Traceback' not in proc.stderr
    assert not (out / 'grades.csv').exists()


def writable_memory_cgroup():
    """A new cgroup folder with a memory limit this test may set (v1 or v2), or None."""
    from autograder.sandbox.cgroups import ROOT, own_cgroups
    own = own_cgroups()
    if os.geteuid() != 0:
        return None
    if 'memory' in own:
        parent, limit_file = Path(ROOT, 'memory', own['memory'].lstrip('/')), 'memory.limit_in_bytes'
    elif '' in own:
        parent, limit_file = Path(ROOT, own[''].lstrip('/')), 'memory.max'
    else:
        return None
    folder = parent / ('bnkit-test-%d' % os.getpid())
    try:
        folder.mkdir()
    except OSError:
        return None
    return folder, limit_file


@pytest.mark.slow
def test_a_cgroup_memory_limit_cuts_the_jobs_and_grades_everyone(tmp_path):
    made = writable_memory_cgroup()
    if made is None:
        pytest.skip('no memory cgroup this test may create here')
    cgroup, limit_file = made
    try:
        (cgroup / limit_file).write_text(str(3000 << 20))
        folder, out = class_folder(tmp_path, count=2), tmp_path / 'out'
        enter = ['sh', '-c', 'echo $$ > %s/cgroup.procs && exec "$@"' % cgroup, 'sh']
        proc = grade_under(enter, folder, out, '--jobs', '4')
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert 'cgroup memory 3000 MB' in proc.stderr and 'jobs 4 -> 1' in proc.stderr
        assert scores(out) == [ASSIGNMENT.max_automatic_points] * 2
    finally:
        for _ in range(50):
            try:
                cgroup.rmdir()
                break
            except OSError:
                import time
                time.sleep(0.1)
