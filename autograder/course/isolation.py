"""The isolation options both of the course's preprocessors share, and the level they choose once."""
from traitlets import Enum
from traitlets.config import LoggingConfigurable

from autograder.sandbox import LEVELS, IsolationError, choose_level
from autograder.sandbox.levels import process_level_warning

_CHOSEN = {}     # (forced, required) -> (level, why stronger ones failed): probed once per nbgrader process


class SandboxUnavailable(RuntimeError):
    """No acceptable sandbox starts here: nbgrader reports the notebook as failed, and records no points."""

    def __init__(self, why):
        super().__init__('bnkit could not start its sandbox, so this notebook was not graded (the grader\'s '
                         'failure: no student is charged; fix it and run autograde again): %s' % why)


class BnkitSandbox(LoggingConfigurable):
    """``c.BnkitSandbox.isolation`` and ``c.BnkitSandbox.require_isolation`` in the course's nbgrader_config.py
    apply to grading and to the sandboxed kernel alike, as ``--isolation`` and ``--require-isolation`` do
    for ``bnkit grade``."""

    isolation = Enum(LEVELS, default_value=None, allow_none=True,
                     help='use this sandbox level instead of the strongest that starts here').tag(config=True)
    require_isolation = Enum(LEVELS, default_value=None, allow_none=True,
                             help='refuse to grade or execute below this level').tag(config=True)

    def sandbox_level(self):
        """The level to use, chosen by starting real probe workers; raises SandboxUnavailable when none fits."""
        key = (self.isolation, self.require_isolation)
        if key not in _CHOSEN:
            try:
                level, failed = choose_level(*key)
            except IsolationError as exc:
                _CHOSEN[key] = SandboxUnavailable(exc)
                raise _CHOSEN[key] from None
            _CHOSEN[key] = level, failed
            self.log.info('bnkit sandbox: isolation %s', level)
            for stronger, why in failed.items():
                self.log.info('  (%s is not available here: %s)', stronger, why)
            if level == 'process':
                self.log.warning('bnkit sandbox: %s', process_level_warning())
        if isinstance(_CHOSEN[key], SandboxUnavailable):
            raise _CHOSEN[key]
        return _CHOSEN[key][0]


__all__ = ['BnkitSandbox', 'SandboxUnavailable']
