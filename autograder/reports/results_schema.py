"""results.json, the one record of a student's grading: ``Results``, written and read only here.

The file follows Gradescope's schema (score, execution_time, output, visibility, tests, extra_data), so a
bundle's run_autograder hands it over as it is. ``Results.write`` and ``Results.read`` keep it byte for
byte: keys sorted, numbers as grading rounded them, optional keys left out when empty. A results.json is
read back from disk (``bnkit report``, an interrupted run), and a submission graded at a weak isolation level
may have written over it: ``Results.read`` reads a bounded number of bytes, decodes with every size bounded
and checks every key and type, and ``ResultsError`` names the file and what is wrong.
"""
import json
from dataclasses import dataclass, field

from autograder.notebook.bounded_json import JSONRejected, loads as bounded_loads
from autograder.reports.files import write_atomically

# A reference class's results.json is 3 KB, and a failed check's figure adds a few KB: anything near this is
# not a file the grader wrote, and is refused before it is decoded.
MAX_RESULTS_BYTES = 4 << 20

_NUMBER = (int, float)
_OPTIONAL_TEXT = (str, type(None))


class ResultsError(ValueError):
    """A results.json that is not one the grader writes; the message names the file and what is wrong."""


@dataclass(frozen=True)
class CheckResult:
    """One check's entry in ``tests``: its points and what the student is told."""
    name: str                   # the check's title, as the student reads it
    number: str                 # its place among the assignment's checks, from "1"
    score: float
    max_score: float
    status: str                 # 'passed' or 'failed'
    output: str
    tags: tuple                 # (the check's name,)
    visibility: str = 'visible'

    @property
    def check(self):
        """The check's name (``Check.name``), which the kit keys everything by."""
        return self.tags[0]

    @property
    def passed(self):
        return self.status == 'passed'

    def to_json(self):
        return {'max_score': self.max_score, 'name': self.name, 'number': self.number, 'output': self.output,
                'score': self.score, 'status': self.status, 'tags': list(self.tags), 'visibility': self.visibility}


@dataclass(frozen=True)
class Results:
    """A student's results.json. The attributes below ``tests`` are Gradescope's ``extra_data``."""
    score: float
    execution_time: float
    output: str
    tests: tuple                # CheckResult, in the assignment's order
    assignment: str
    student: str
    submission: str             # where the hand-in was found
    submission_sha256: str      # of the bytes graded; None when none were read (a pipe, a folder, too big)
    max_score: float
    kit_version: str
    isolation: str | None       # the sandbox level, None when no sandbox ran
    isolation_files: str | None     # how that level keeps a worker from the host's files
    diagnoses: dict = field(default_factory=dict)    # check -> ids of the known mistakes its lost points match
    figures: dict = field(default_factory=dict)      # check -> the numbers of the feedback's figure
    peak_memory_mb: dict = field(default_factory=dict)   # 'grader' and 'workers'
    not_graded: str | None = None           # why the submission itself could not be graded
    grading_failed: str | None = None       # why the grader failed on it (the grader's fault, not a grade)
    isolation_warning: str | None = None    # what the process level leaves open
    written_answers: str | None = None      # Gradescope's copy only: the answers graded by hand
    output_format: str | None = None        # Gradescope's copy only: how ``output`` is rendered
    visibility: str = 'visible'
    stdout_visibility: str = 'hidden'

    @property
    def points(self):
        """{check's name: points}."""
        return {t.check: t.score for t in self.tests}

    @property
    def failure(self):
        """Why it has no real grade (not graded, or the grader failed), or None."""
        return self.not_graded or self.grading_failed

    def to_json(self):
        """The document Gradescope reads, its keys in sorted order but for ``output_format`` (Gradescope's copy
        only), which comes last, where run_autograder has always put it."""
        extra = {'assignment': self.assignment, 'diagnoses': {k: list(v) for k, v in self.diagnoses.items()},
                 'figures': self.figures, 'grading_failed': self.grading_failed, 'isolation': self.isolation,
                 'isolation_files': self.isolation_files, 'isolation_warning': self.isolation_warning,
                 'kit_version': self.kit_version, 'max_score': self.max_score, 'not_graded': self.not_graded,
                 'peak_memory_mb': self.peak_memory_mb, 'student': self.student, 'submission': self.submission,
                 'submission_sha256': self.submission_sha256, 'written_answers': self.written_answers}
        extra = {k: v for k, v in extra.items() if v is not None or k in _ALWAYS_WRITTEN}
        data = {'execution_time': self.execution_time, 'extra_data': extra, 'output': self.output,
                'score': self.score, 'stdout_visibility': self.stdout_visibility,
                'tests': [t.to_json() for t in self.tests], 'visibility': self.visibility}
        if self.output_format is not None:
            data['output_format'] = self.output_format
        return data

    def text(self, sort_keys=True):
        """The file's text: sorted keys in a student's folder; Gradescope's copy keeps ``to_json``'s order."""
        return json.dumps(self.to_json(), indent=2, sort_keys=sort_keys) + '\n'

    def write(self, path):
        write_atomically(path, self.text())

    @classmethod
    def read(cls, path):
        """The Results in the file at ``path``; ResultsError when it cannot be read or is not one."""
        try:
            with open(path, 'rb') as f:
                raw = f.read(MAX_RESULTS_BYTES + 1)
        except OSError as exc:
            raise ResultsError('%s: cannot be read (%s)' % (path, exc.strerror or exc)) from None
        if len(raw) > MAX_RESULTS_BYTES:
            raise ResultsError('%s: larger than %d MB, not a results.json the grader wrote'
                               % (path, MAX_RESULTS_BYTES >> 20))
        try:
            data = bounded_loads(raw)
        except JSONRejected as exc:
            raise ResultsError('%s: not JSON the grader wrote: %s' % (path, exc)) from None
        return cls.from_json(data, source=path)

    @classmethod
    def from_json(cls, data, source='results.json'):
        """The Results that the decoded document ``data`` holds; ResultsError naming ``source`` and the first
        key that is missing, unknown or of the wrong type."""
        fields = _Fields(data, str(source), '')
        extra = _Fields(fields.take('extra_data', dict), str(source), 'extra_data.')
        tests = []
        for i, entry in enumerate(fields.take('tests', list)):
            test = _Fields(entry, str(source), 'tests[%d].' % i)
            tags = test.take('tags', list)
            if not tags or not all(isinstance(tag, str) for tag in tags):
                raise ResultsError('%s: tests[%d].tags is not a list of names' % (source, i))
            tests.append(CheckResult(
                name=test.take('name', str), number=test.take('number', str), score=test.take('score', _NUMBER),
                max_score=test.take('max_score', _NUMBER), status=test.take('status', str),
                output=test.take('output', str), tags=tuple(tags), visibility=test.take('visibility', str)))
            test.done()
        diagnoses = extra.take('diagnoses', dict)
        if not all(isinstance(ids, list) and all(isinstance(i, str) for i in ids) for ids in diagnoses.values()):
            raise ResultsError('%s: extra_data.diagnoses is not {check: [mistake ids]}' % source)
        results = cls(
            score=fields.take('score', _NUMBER), execution_time=fields.take('execution_time', _NUMBER),
            output=fields.take('output', str), tests=tuple(tests),
            visibility=fields.take('visibility', str), stdout_visibility=fields.take('stdout_visibility', str),
            output_format=fields.take('output_format', str, required=False),
            assignment=extra.take('assignment', str), student=extra.take('student', str),
            submission=extra.take('submission', str), submission_sha256=extra.take('submission_sha256', _OPTIONAL_TEXT),
            max_score=extra.take('max_score', _NUMBER), kit_version=extra.take('kit_version', str),
            isolation=extra.take('isolation', _OPTIONAL_TEXT),
            isolation_files=extra.take('isolation_files', _OPTIONAL_TEXT),
            diagnoses={check: tuple(ids) for check, ids in diagnoses.items()},
            figures=extra.take('figures', dict), peak_memory_mb=extra.take('peak_memory_mb', dict),
            not_graded=extra.take('not_graded', str, required=False),
            grading_failed=extra.take('grading_failed', str, required=False),
            isolation_warning=extra.take('isolation_warning', str, required=False),
            written_answers=extra.take('written_answers', str, required=False))
        fields.done()
        extra.done()
        return results


# Written even when None: a reader tells "no sandbox" from an old file by their presence, and a submission
# whose bytes were never read (null) from a damaged file (missing), as the grader always has.
_ALWAYS_WRITTEN = ('isolation', 'isolation_files', 'submission_sha256')


class _Fields:
    """The keys of one JSON object, taken one by one with their types checked; ``done`` refuses the rest."""

    def __init__(self, obj, source, prefix):
        if not isinstance(obj, dict):
            raise ResultsError('%s: %s is not an object' % (source, prefix.rstrip('.') or 'the document'))
        self.obj, self.source, self.prefix, self.taken = obj, source, prefix, set()

    def take(self, key, types, required=True):
        self.taken.add(key)
        if key not in self.obj:
            if required:
                raise ResultsError('%s: %s%s is missing' % (self.source, self.prefix, key))
            return None
        value = self.obj[key]
        # bool is an int to Python, never a number or text in a results.json
        if isinstance(value, bool) or not isinstance(value, types):
            raise ResultsError('%s: %s%s is %s, not %s' % (self.source, self.prefix, key, type(value).__name__,
                                                           _type_names(types)))
        return value

    def done(self):
        unknown = sorted(set(self.obj) - self.taken)
        if unknown:
            raise ResultsError('%s: unknown key%s %s' % (self.source, 's' if len(unknown) > 1 else '',
                                                         ', '.join(self.prefix + k for k in unknown[:5])))


def _type_names(types):
    types = types if isinstance(types, tuple) else (types,)
    names = {int: 'a number', float: 'a number', str: 'text', dict: 'an object', list: 'a list', type(None): 'null'}
    return ' or '.join(dict.fromkeys(names[t] for t in types))

