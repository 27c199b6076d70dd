"""The misconception diagnosis of a failing check: its time, with the mistake families' generated mistakes.

    python benchmarks/bench_diagnosis.py

Every setting of every mistake family of each assignment is planted as a student's code; each check it
loses points in is run in-process with its calls recorded, then diagnosed, as the grader does after the
check. The mistakes are compiled first (``misconceptions.prepare``, as the warm grader does before it
forks), then each diagnosis is timed twice: the first time (what a submission's grading pays) and again.
It prints the median and the largest time of each, with the slowest check.
"""
import time

from autograder.assignment import get
from autograder.grading import families, misconceptions
from autograder.grading.inprocess import InProcessStudent, namespace_of
from autograder.grading.recording import RecordingStudent

ASSIGNMENTS = ('BatchNormalization', 'LayerNormalization')


def timings():
    times = {'first': [], 'again': []}
    for name in ASSIGNMENTS:
        assignment = get(name)
        misconceptions.prepare(assignment)
        for mistake in families.generated(assignment):
            student = InProcessStudent(namespace_of(assignment, dict(mistake.sources)),
                                       assignment.module('side').Operations)
            for spec in assignment.checks:
                if spec.name in assignment.training_checks:
                    continue
                recording = RecordingStudent(student)
                if assignment.run_check(spec.name, recording).fraction == 1:
                    continue
                for attempt in times:
                    started = time.perf_counter()
                    misconceptions.diagnose(assignment, recording.calls, check=spec.name)
                    times[attempt].append((time.perf_counter() - started, name, mistake.id, spec.name,
                                           len(recording.calls)))
    return times


def main():
    for attempt, measured in timings().items():
        measured.sort()
        seconds, *slowest = measured[-1]
        print('%-5s %d failing checks: median %.3f s, max %.3f s (%s)' % (
            attempt, len(measured), measured[len(measured) // 2][0], seconds,
            '%s, %s in %s, %d calls' % tuple(slowest)))


if __name__ == '__main__':
    main()
