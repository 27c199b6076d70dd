"""Running ``bnkit`` as its users do, for the tests of every room: the command, and the class CSV it writes."""
import csv
import subprocess
import sys

from tests.containment import run_contained


def bnkit(*args, contained=False, timeout=600):
    """``python -m autograder.cli ARGS``, captured; inside ``run_contained`` when ``contained``."""
    cmd = [sys.executable, '-m', 'autograder.cli'] + [str(a) for a in args]
    if contained:
        return run_contained(cmd, timeout=timeout)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def read_grades(outdir):
    """{student: row} of OUTDIR/grades.csv."""
    with open(outdir / 'grades.csv') as f:
        return {row['student']: row for row in csv.DictReader(f)}


def fast(assignment_name):
    """The options that keep a test's class run short: two jobs, short timeouts, no progress bar."""
    return ['--assignment', assignment_name, '--jobs', '2', '--call-timeout', '4', '--check-timeout', '15', '--quiet']
