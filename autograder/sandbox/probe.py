"""Choosing the isolation level by trying: a real probe worker at each level, strongest first.

A level counts only when a worker really started in it and answered, so a machine that has bubblewrap
but refuses user namespaces (Docker's default seccomp profile), or root without the capability the full
sandbox needs, falls to the next level for a stated reason instead of failing every student.
"""
from autograder.sandbox.levels import BY_NAME, LEVELS, stronger_or_equal
from autograder.sandbox.limits import Limits
from autograder.sandbox.worker import SandboxError, Worker

FIXES = {
    'full': 'install bubblewrap (apt-get install bubblewrap) and allow user namespaces, or run as root with '
            'CAP_SYS_ADMIN and CAP_NET_ADMIN (in a container, also with a seccomp profile that allows namespaces)',
    'container': 'run the grader as root (in a container: with at least CAP_SETUID, CAP_SETGID, CAP_CHOWN, '
                 'CAP_KILL and CAP_DAC_OVERRIDE) on Linux 5.13 or later (Landlock), with the Python installation '
                 'readable by other users',
    'process': 'run the grader as an ordinary user',
}


class IsolationError(RuntimeError):
    """No acceptable level could start; the message names each level's failure and the fix."""


def try_level(level, limits=None):
    """None when a worker starts and answers at ``level``, else the reason it did not."""
    reason = BY_NAME[level].unavailable()
    if reason:
        return reason
    try:
        with Worker([], limits or Limits(start_timeout=30.0), level=level) as worker:
            if worker.call('ping') != 'pong':
                return 'the probe worker answered wrongly'
    except SandboxError as exc:
        return exc.reason
    except Exception as exc:  # the probe runs no student code: anything else is the sandbox failing
        return '%s: %s' % (type(exc).__name__, exc)
    return None


def choose_level(forced=None, required=None, limits=None):
    """(level, {weaker-than-chosen level tried: why it failed}); raises IsolationError when none fits."""
    failures = {}
    for level in ([forced] if forced else LEVELS):
        if required and not stronger_or_equal(level, required):
            break
        reason = try_level(level, limits)
        if reason is None:
            return level, failures
        failures[level] = reason
    lines = ['no sandbox could start%s:' % (' at level %s or stronger' % required if required else '')]
    lines += ['  %s: %s (fix: %s)' % (level, why, FIXES[level]) for level, why in failures.items()]
    if required and not failures:
        lines.append('  %s is weaker than the required %s' % (forced, required))
    raise IsolationError('\n'.join(lines))
