"""What a grading run is configured by, in one frozen object: built once by the command that starts the run,
passed whole to ``autograder.grading.runner``, and handed to every grading process as one JSON document.

A document that is not what ``to_json`` writes (a field unknown, missing its type, out of range) is refused
by ``from_json`` with an error naming the field, so a grading process never runs on options it misread.
"""
import json
import math
from dataclasses import asdict, dataclass, field, fields

from autograder.grading.shards import Shard, ShardError
from autograder.grading.submissions import MAX_NOTEBOOK_MB
from autograder.sandbox import LEVELS, Limits

# One submission's wall-clock budget for loading its code and all checks. With the grader's own start and
# reports (``runner.GRADER_MARGIN``) it fits well inside Gradescope's default 10-minute limit.
DEFAULT_BUDGET = 300.0
DEFAULT_CHECK_TIMEOUT = 120.0


class OptionsError(ValueError):
    """A grading option that cannot be used; the message names the field."""


@dataclass(frozen=True)
class GradingOptions:
    budget: float = DEFAULT_BUDGET                  # wall-clock seconds per submission: loading and all checks
    check_timeout: float = DEFAULT_CHECK_TIMEOUT    # wall-clock seconds of one check
    limits: Limits = field(default_factory=Limits)  # each worker's resources (fitted to the environment per run)
    isolation: str = None           # the sandbox level to grade at (None: the strongest that starts here)
    require_isolation: str = None   # the weakest level accepted when the level is probed (None: any)
    max_notebook_mb: float = MAX_NOTEBOOK_MB        # larger submissions are not graded
    jobs: int = 1                   # submissions graded in parallel
    shard: Shard = None             # which part of the class this run grades (None: all of it)

    def __post_init__(self):
        for name in ('budget', 'check_timeout', 'max_notebook_mb'):
            _positive_number(name, getattr(self, name))
        if not isinstance(self.limits, Limits):
            raise OptionsError('limits: expected the worker limits, got %s' % type(self.limits).__name__)
        for spec in fields(Limits):
            value = getattr(self.limits, spec.name)
            if spec.type is int:
                _positive_int('limits.%s' % spec.name, value)
            else:
                _positive_number('limits.%s' % spec.name, value)
        for name in ('isolation', 'require_isolation'):
            if getattr(self, name) not in (None,) + LEVELS:
                raise OptionsError('%s: expected one of %s or null, got %r' % (name, ', '.join(LEVELS), getattr(self, name)))
        _positive_int('jobs', self.jobs)
        if self.shard is not None and not isinstance(self.shard, Shard):
            raise OptionsError('shard: expected a Shard (K of N), got %r' % (self.shard,))

    def to_json(self):
        """The options as one JSON document (``from_json`` reads it back equal)."""
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text):
        """The options a ``to_json`` document holds; raises OptionsError naming the first field that is wrong.
        A field the document leaves out takes its default."""
        try:
            data = json.loads(text)
        except (TypeError, ValueError) as exc:
            raise OptionsError('not a JSON document of grading options: %s' % exc) from None
        if not isinstance(data, dict):
            raise OptionsError('expected a JSON object of grading options, got %s' % type(data).__name__)
        unknown = sorted(set(data) - {f.name for f in fields(cls)})
        if unknown:
            raise OptionsError('%s: not a grading option' % unknown[0])
        if 'limits' in data:
            limits = data['limits']
            if not isinstance(limits, dict):
                raise OptionsError('limits: expected an object of worker limits, got %r' % (limits,))
            unknown = sorted(set(limits) - {f.name for f in fields(Limits)})
            if unknown:
                raise OptionsError('limits.%s: not a worker limit' % unknown[0])
            data = dict(data, limits=Limits(**limits))
        if data.get('shard') is not None:
            shard = data['shard']
            if not isinstance(shard, dict) or set(shard) != {'index', 'count'}:
                raise OptionsError('shard: expected {"index": K, "count": N} or null, got %r' % (shard,))
            try:
                data = dict(data, shard=Shard(**shard))
            except ShardError as exc:
                raise OptionsError('shard: %s' % exc) from None
        return cls(**data)


def _positive_number(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise OptionsError('%s: expected a positive number, got %r' % (name, value))


def _positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise OptionsError('%s: expected a positive whole number, got %r' % (name, value))


def options_argument(parser, text):
    """The run's GradingOptions as a grading process is given them (``--options``), or the parser's error:
    one JSON document whose isolation level the run has already chosen."""
    try:
        options = GradingOptions.from_json(text)
    except OptionsError as exc:
        parser.error('--options: %s' % exc)
    if options.isolation is None:
        parser.error('--options: isolation: the run chooses the level before it starts a grading process')
    return options
