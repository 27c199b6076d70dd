"""Every parser of a student's bytes is bounded: whatever a submission holds, the grader's side of the input
path (what ``bnkit grade`` does with the bytes before any sandbox) ends, in bounded time, in the cells to
grade or in a reason the submission is not graded, and never raises. Fuzzed with Hypothesis (derandomized,
no example database: the same examples on every machine), then one real ``bnkit grade`` run."""
import csv
import json
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import nbformat
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from autograder.assignment import get as get_assignment
from autograder.grading.runner import record_failure
from autograder.grading.submissions import accept
from autograder.notebook import bounded_json
from autograder.notebook.bounded_json import JSONRejected
from autograder.notebook.extract import extract, read_notebook
from autograder.notebook.fill import fill_solution_cells
from autograder.reports.answers import answers_of, write_answers
from autograder.reports.similarity import solution_code
from tests.notebooks import RELEASE_NB

ASSIGNMENT = get_assignment('BatchNormalization')
TIME_BOUND = 3.0                # seconds for one submission's whole path, the slowest hostile case included
MARKER = 'HOSTILE\x1b[2J<b>'     # planted in hostile content: no reason may show it


def parse_path(raw, folder):
    """What ``bnkit grade`` does with a submission's bytes in the grader's processes before any sandbox
    starts: ('cells', the cells to load) or ('reason', why it is not graded)."""
    path = folder / 'student.ipynb'
    path.write_bytes(raw)
    [sub] = accept({'student': path})
    out = folder / 'out'
    if sub.rejected:
        record_failure(ASSIGNMENT, out, sub, sub.rejected, rejected=True)
        return 'reason', sub.rejected
    answers = answers_of(ASSIGNMENT, sub.path, sub.content)
    write_answers(out, ASSIGNMENT, {sub.student: (sub.folder, answers)})
    solution_code(sub.path, sub.content)                        # bnkit similarity
    return 'cells', extract(ASSIGNMENT, sub.path, sub.content).cells   # the grading process, same bytes


# ---------------------------------------------------------------- strategies
ANY_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
                        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                        max_leaves=6)


def mostly(strategy, otherwise, odds=3):
    """``strategy`` about ``odds`` times in ``odds + 1``, else ``otherwise``: most examples pass each check, to
    meet the next."""
    return st.integers(0, odds).flatmap(lambda i: otherwise if i == 0 else strategy)


# Valid Python that Python's parser or compiler cannot take at size n (RecursionError, MemoryError, or a
# SyntaxError for too many parentheses): from a few thousand on, as measured; 10^5 in the test below.
PATHOLOGICAL = {'parentheses': lambda n: '(' * n + ')' * n, 'sum': lambda n: '1' + '+1' * n,
                'negations': lambda n: '-' * n + '1', 'attributes': lambda n: 'a' + '.a' * n,
                'calls': lambda n: 'f' + '()' * n, 'lambdas': lambda n: 'lambda: ' * n + '1'}
FORWARD = 'def batchnorm_forward(x, gamma, beta, bn_param):\n    return x, None\n'
CODE = mostly(st.one_of(
    st.sampled_from([FORWARD, 'import numpy as np\n', 'import os; x = 1\n', '%matplotlib inline\n', 'def f(:\n',
                     'return 1\n', '']),
    st.builds(lambda make, n: make(n), st.sampled_from(list(PATHOLOGICAL.values())), st.sampled_from([10, 300, 5000, 10_000])),
    st.text(max_size=40)), st.sampled_from(['x = "\ud800"\n', 'x = 1\x00\n', MARKER]))
GRADE_IDS = sorted(ASSIGNMENT.reference_cells()) + [q.id for q in ASSIGNMENT.questions] + ['', MARKER]
NBGRADER = st.fixed_dictionaries({'solution': mostly(st.booleans(), ANY_JSON),
                                  'grade_id': mostly(st.sampled_from(GRADE_IDS), ANY_JSON)})
CELL = st.fixed_dictionaries({
    'cell_type': mostly(st.sampled_from(['code', 'markdown']), ANY_JSON),
    'source': mostly(CODE | st.lists(CODE, max_size=3), ANY_JSON),
    'metadata': mostly(st.fixed_dictionaries({'nbgrader': mostly(NBGRADER, ANY_JSON)}), ANY_JSON)})
NOTEBOOK = st.fixed_dictionaries({'nbformat': mostly(st.just(4), ANY_JSON, odds=9), 'nbformat_minor': st.just(5),
                                  'metadata': st.just({}),
                                  'cells': mostly(st.lists(mostly(CELL, ANY_JSON), max_size=5), ANY_JSON, odds=9)})
DEPTHS = [1, bounded_json.MAX_DEPTH, bounded_json.MAX_DEPTH + 1, 100_000]
# What a hostile hand-in does to a notebook's JSON text, and the sizes it does it with (each limit's edge is
# tested exactly below; sizes here keep an example quick).
HOSTILE = {
    'nothing': (lambda text, n: text, [0]),
    'nested': (lambda text, n: '[' * n + text + ']' * n, DEPTHS),
    'nested inside': (lambda text, n: '{"x": %s%s, %s' % ('[' * n, ']' * n, text[1:]), DEPTHS),
    'duplicate key': (lambda text, n: '{"nbformat": 4, %s' % text[1:], [0]),
    'duplicate hostile key': (lambda text, n: '{%s: 1, %s: 2, %s' % (json.dumps(MARKER), json.dumps(MARKER), text[1:]),
                              [0]),
    'huge string': (lambda text, n: '{"x": "%s", %s' % ('a' * n, text[1:]), [10, 100_000]),
    'many values': (lambda text, n: '{"x": [%s0], %s' % ('0,' * n, text[1:]), [10, 10_000]),
    'many objects': (lambda text, n: '{"x": [%s{}], %s' % ('{},' * n, text[1:]), [10_000]),
    'long integer': (lambda text, n: '{"x": %s, %s' % ('9' * n, text[1:]), [100, 5000]),
    'truncated': (lambda text, n: text[:n], [0, 1, 10, 100]),
}
ENCODINGS = mostly(st.just('utf-8'), st.sampled_from(['utf-8-sig', 'utf-16', 'utf-16-le', 'utf-32']))


@st.composite
def notebooks(draw):
    """The bytes of a valid-looking notebook (UTF-8 JSON) whose parts may have the wrong types and whose
    cells may hold code Python cannot compile: most get to the extraction."""
    text = json.dumps(draw(NOTEBOOK), ensure_ascii=draw(st.booleans()))
    return text.encode('utf-8', errors='surrogatepass')     # an unescaped lone surrogate: invalid UTF-8


@st.composite
def hostile_files(draw):
    """The bytes of a hostile hand-in: a notebook or any JSON, made hostile, in some encoding, maybe corrupted."""
    text = json.dumps(draw(mostly(NOTEBOOK, ANY_JSON)), ensure_ascii=draw(st.booleans()))
    if text.startswith('{"'):
        make, sizes = HOSTILE[draw(st.sampled_from(sorted(HOSTILE)))]
        text = make(text, draw(st.sampled_from(sizes)))
    data = bytearray(text.encode(draw(ENCODINGS), errors='surrogatepass'))
    if data and draw(st.booleans()):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data)


# Derandomized with no example database: CI meets the same examples every time. 100 + 100 examples.
FUZZ = settings(max_examples=100, deadline=timedelta(milliseconds=500), derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FUZZ
@given(notebooks())
def test_a_valid_looking_notebook_ends_in_cells_or_a_reason(raw):
    assert_cells_or_reason(raw)


@FUZZ
@given(hostile_files())
def test_a_hostile_file_ends_in_cells_or_a_reason(raw):
    assert_cells_or_reason(raw)


def assert_cells_or_reason(raw):
    """The property: the path ends in bounded time, in cells or a reason that shows nothing planted."""
    with tempfile.TemporaryDirectory() as tmp:
        start = time.monotonic()
        kind, value = parse_path(raw, Path(tmp))
        assert time.monotonic() - start < TIME_BOUND
    event(kind if kind == 'cells' else value[:60])      # --hypothesis-show-statistics: what was met
    if kind == 'reason':
        assert isinstance(value, str) and value and 'HOSTILE' not in value
    else:
        assert value[0]['label'] == 'setup'
        assert all(isinstance(c['label'], str) and isinstance(c['source'], str) for c in value)


@pytest.mark.parametrize('n', [20_000, 100_000])     # within MAX_CELL_CHARS for each, then beyond it for most
@pytest.mark.parametrize('kind', sorted(PATHOLOGICAL))
def test_a_pathological_solution_cell_is_left_out_in_bounded_time(kind, n, tmp_path):
    nb = fill_solution_cells(RELEASE_NB, {'batchnorm_backward': 'def batchnorm_backward(dout, cache):\n    return %s\n'
                                                                % PATHOLOGICAL[kind](n)})
    start = time.monotonic()
    kind, cells = parse_path(nbformat.writes(nb).encode(), tmp_path)
    assert time.monotonic() - start < TIME_BOUND
    assert kind == 'cells' and 'the cell batchnorm_backward' not in [c['label'] for c in cells]
    assert 'the cell batchnorm_forward' in [c['label'] for c in cells]


# ---------------------------------------------------------------- the limits, one by one
def real_notebooks():
    return [RELEASE_NB.read_bytes(),
            nbformat.writes(fill_solution_cells(RELEASE_NB, ASSIGNMENT.reference_cells())).encode()]


def measure(value):
    """(depth, objects and arrays, values, longest string) of decoded JSON, walked without recursion."""
    depth = containers = values = longest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        values += 1
        if isinstance(item, dict):
            longest = max([longest] + [len(key.encode()) for key in item])
            item = list(item.values())
        if isinstance(item, list):
            containers += 1
            depth = max(depth, level)
            stack.extend((child, level + 1) for child in item)
        elif isinstance(item, str):
            longest = max(longest, len(item.encode()))
    return depth, containers, values, longest


@pytest.mark.parametrize('raw', real_notebooks(), ids=['release', 'filled'])
def test_real_notebooks_are_far_inside_every_limit(raw):
    depth, containers, values, longest = measure(json.loads(raw))
    assert depth * 4 <= bounded_json.MAX_DEPTH and containers * 100 <= bounded_json.MAX_CONTAINERS
    assert values * 100 <= bounded_json.MAX_ITEMS and longest * 100 <= bounded_json.MAX_STRING_BYTES
    assert read_notebook('release.ipynb', raw)


def nested(n):
    return b'[' * n + b']' * n


@pytest.mark.parametrize('within, beyond, why', [
    (nested(bounded_json.MAX_DEPTH), nested(bounded_json.MAX_DEPTH + 1),
     'nests deeper than %d levels' % bounded_json.MAX_DEPTH),
    (b'[' + b'[],' * (bounded_json.MAX_CONTAINERS - 2) + b'[]]', b'[' + b'[],' * (bounded_json.MAX_CONTAINERS - 1) + b'[]]',
     'more than %d objects and arrays' % bounded_json.MAX_CONTAINERS),
    (b'[' + b'0,' * (bounded_json.MAX_ITEMS - 1) + b'0]', b'[' + b'0,' * bounded_json.MAX_ITEMS + b'0]',
     'more than %d values' % bounded_json.MAX_ITEMS),
    (b'["' + b'a' * bounded_json.MAX_STRING_BYTES + b'"]', b'["' + b'a' * (bounded_json.MAX_STRING_BYTES + 1) + b'"]',
     'a string of more than'),
    (b'[-' + b'9' * bounded_json.MAX_INT_DIGITS + b']', b'[' + b'9' * (bounded_json.MAX_INT_DIGITS + 1) + b']',
     'an integer of more than %d digits' % bounded_json.MAX_INT_DIGITS),
], ids=['depth', 'containers', 'values', 'string', 'integer'])
def test_each_limit_admits_its_bound_and_refuses_one_more(within, beyond, why):
    bounded_json.loads(within)
    with pytest.raises(JSONRejected, match=why):
        bounded_json.loads(beyond)


def test_brackets_and_quotes_inside_strings_are_text_not_structure():
    value = ['[' * 100 + '"' + '{' * 100 + '\\', ']]]]', '\\"[[[[']     # escaped quotes and backslashes
    assert bounded_json.loads(json.dumps(value).encode()) == value
    with pytest.raises(JSONRejected, match='a string never ends'):
        bounded_json.loads(b'["\\"' * 50_000)


@pytest.mark.parametrize('raw, why', [
    ('{"cells": []}'.encode('utf-16'), 'encoded as UTF-16'),
    ('{"cells": []}'.encode('utf-16-be'), 'encoded as UTF-16'),
    ('{"cells": []}'.encode('utf-32'), 'encoded as UTF-32'),
    (b'\xef\xbb\xbf{"cells": []}', 'byte-order mark'),
    (b'{"cells": "\xff"}', r'not valid UTF-8 text \(byte 11 is not\)'),
    (b'{"cells": "\xed\xa0\x80"}', 'not valid UTF-8'),                 # a surrogate, encoded
    (b'{"cells": "\\ud800"}', 'lone surrogate'),
    (b'{"cells": "\\ude00\\ud83d"}', 'lone surrogate'),                 # a pair in the wrong order
    (b'{"cells": 1, "cells": 2}', '"cells" twice in one object'),
    (('{%s: 1, %s: 2}' % (json.dumps(MARKER), json.dumps(MARKER))).encode(), 'has a key twice'),
    (b'{"cells": [1, 2', 'does not parse'),
])
def test_what_jupyter_would_not_write_is_refused_with_its_reason(raw, why):
    with pytest.raises(JSONRejected, match=why) as caught:
        bounded_json.loads(raw)
    assert MARKER not in str(caught.value) and 'HOSTILE' not in str(caught.value)


def test_surrogate_pairs_and_escaped_backslashes_are_text():
    assert bounded_json.loads(b'["\\ud83d\\ude00", "\\\\ud800"]') == ['\U0001F600', '\\ud800']


# ---------------------------------------------------------------- a real run
def rows(outdir):
    with open(outdir / 'grades.csv', newline='') as f:
        return {row['student']: row for row in csv.DictReader(f)}


@pytest.mark.slow
def test_bnkit_grade_grades_the_honest_and_gives_each_bad_file_its_reason(tmp_path):
    folder, out = tmp_path / 'class', tmp_path / 'out'
    folder.mkdir()
    honest = nbformat.writes(fill_solution_cells(RELEASE_NB, ASSIGNMENT.reference_cells()))
    deep = 'def batchnorm_backward(dout, cache):\n    return %s1\n' % ('-' * 100_000)
    with_deep_experiment = nbformat.reads(honest, as_version=4)
    with_deep_experiment.cells.append(nbformat.v4.new_code_cell('import numpy as np\ny = %s1\n' % ('-' * 100_000)))
    (folder / 'honest.ipynb').write_text(honest)
    (folder / 'brackets.ipynb').write_bytes(b'[' * 100_000)
    (folder / 'utf16.ipynb').write_bytes(honest.encode('utf-16'))
    (folder / 'duplicate_key.ipynb').write_text('{"nbformat": 4, ' + honest.lstrip()[1:])
    nbformat.write(fill_solution_cells(RELEASE_NB, {**ASSIGNMENT.reference_cells(), 'batchnorm_backward': deep}),
                   str(folder / 'deep_solution.ipynb'))
    nbformat.write(with_deep_experiment, str(folder / 'deep_experiment.ipynb'))
    proc = subprocess.run([sys.executable, '-m', 'autograder.cli', 'grade', str(folder), '--out', str(out), '--quiet',
                           '--assignment', ASSIGNMENT.name, '--jobs', '2'], capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    grades, full = rows(out), ASSIGNMENT.max_automatic_points
    for student in ('honest', 'deep_experiment'):
        assert float(grades[student]['score']) == full and grades[student]['note'] == '', student
    for student, why in (('brackets', 'nests deeper than %d levels' % bounded_json.MAX_DEPTH),
                         ('utf16', 'encoded as UTF-16'), ('duplicate_key', '"nbformat" twice in one object')):
        note = grades[student]['note']
        assert note.startswith('not graded: %s.ipynb: not a valid notebook file' % student) and why in note, note
        assert float(grades[student]['score']) == 0 and '[[' not in note
        assert why in json.loads((out / student / 'results.json').read_text())['output']    # the feedback's text
    # A cell Python cannot compile is left out with its reason; it costs only the checks that need it.
    row = grades['deep_solution']
    assert row['note'] == '' and float(row['batchnorm_backward']) == 0
    for name in ('batchnorm_forward_train', 'batchnorm_running_stats_test_mode'):
        assert float(row[name]) == ASSIGNMENT.by_name[name].points, name
    output = json.loads((out / 'deep_solution' / 'results.json').read_text())['output']
    assert 'the cell batchnorm_backward nests too deeply' in output
