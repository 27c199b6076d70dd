"""How a validation run grades: its time limits and worker limits, the same on every machine so that a
verdict means the same everywhere (a hostile submission's "finished in time" is judged against them)."""
from dataclasses import replace

from autograder.grading.options import GradingOptions
from autograder.sandbox import Limits

CALL_TIMEOUT = 5.0
CHECK_TIMEOUT = 30.0
WORKER_LIMITS = Limits(call_timeout=CALL_TIMEOUT, cpu_seconds=120, memory_mb=1024)


def budget(assignment):
    """A submission whose every check runs into its own timeout still finishes within its budget (loading its
    code included)."""
    return len(assignment.checks) * CHECK_TIMEOUT + 60.0


def submission_timeout(assignment):
    """The budget and a minute more for the grader's own start and reports."""
    return budget(assignment) + 60.0


def grading_options(assignment, options=None):
    """The run's ``GradingOptions`` (its jobs and isolation level) with the validation's budget, check timeout
    and worker limits."""
    return replace(options or GradingOptions(jobs=2), budget=budget(assignment), check_timeout=CHECK_TIMEOUT,
                   limits=WORKER_LIMITS)
