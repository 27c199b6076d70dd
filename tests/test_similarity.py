"""bnkit similarity on real notebooks: disguised copies are found, independent implementations are not.

The honest students each wrote the validation set's distinct implementations of the batch norm layer (the
reference's forward and graph backward, the inverse-std forward, the closed-form and the inverse-std
backward; the validation set's other correct variants are the reference with one line changed, which is
exactly what this command must flag, so they are not honest independent work here); the copiers
took a classmate's notebook and renamed every variable, added comments and blank lines. The other cells
are the release's stubs, which are the starter code every student received and count for nothing.
"""
import io
import json
import keyword
import tokenize

import pytest

from autograder.assignments.BatchNormalization.variants import correct
from autograder.assignments.BatchNormalization import ASSIGNMENT
from tests.test_grade import bnkit, write

REFERENCE = ASSIGNMENT.reference_cells()
HONEST = {
    'alice': {'batchnorm_forward': REFERENCE['batchnorm_forward'],
              'batchnorm_backward': REFERENCE['batchnorm_backward']},
    'bob': {'batchnorm_forward': correct.INVERSE_STD_LAYER, 'batchnorm_backward': correct.CLOSED_FORM_BACKWARD},
    'carol': {'batchnorm_backward': correct.INVERSE_STD_BACKWARD},
}
KEEP = {'np', 'self', 'bn_param', 'batchnorm_forward', 'batchnorm_backward'}   # names the API fixes


def disguise(source):
    """The same code with every other name renamed, a comment before each statement block and blank lines."""
    renamed = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.NAME and not keyword.iskeyword(tok.string) and tok.string not in KEEP \
                and not hasattr(__builtins__ if isinstance(__builtins__, dict) else __builtins__, tok.string):
            tok = tok._replace(string='my_' + tok.string[::-1])
        renamed.append(tok)
    lines = tokenize.untokenize(renamed).splitlines()
    return '\n'.join(line + ('\n\n    # my own work' if line.rstrip().endswith(':') and line.startswith('def ')
                             else '') for line in lines) + '\n'


@pytest.fixture(scope='module')
def compared(tmp_path_factory):
    folder = tmp_path_factory.mktemp('class')
    for student, cells in HONEST.items():
        write(folder, student, cells)
    write(folder, 'dave_copied_alice', {k: disguise(v) for k, v in HONEST['alice'].items()})
    write(folder, 'erin_copied_bob', {k: disguise(v) for k, v in HONEST['bob'].items()})
    write(folder, 'untouched')
    out = tmp_path_factory.mktemp('out')
    proc = bnkit('similarity', folder, '--out', out, '--assignment', 'BatchNormalization')
    assert proc.returncode == 0, proc.stderr
    return out, proc.stdout


def test_disguised_copies_are_found_and_independent_work_is_not(compared):
    out, stdout = compared
    data = json.loads((out / 'similarity.json').read_text())
    pairs = {frozenset((p['a'], p['b'])): p for p in data['pairs']}
    print(stdout)
    assert set(pairs) == {frozenset(('alice', 'dave_copied_alice')), frozenset(('bob', 'erin_copied_bob'))}
    assert all(min(p['share_a'], p['share_b']) >= data['threshold'] for p in pairs.values())


def test_the_shared_code_is_shown_side_by_side_escaped(compared):
    out, _ = compared
    page = (out / 'similarity.html').read_text()
    assert page.count('<mark>') >= 2 and 'alice' in page and 'dave_copied_alice' in page
    assert '<script' not in page and 'http' not in page.split('</head>')[1]


def test_the_starter_code_counts_for_nothing(tmp_path):
    for student in ('ann', 'ben'):
        write(tmp_path, student)      # both handed in the untouched release
    proc = bnkit('similarity', tmp_path, '--out', tmp_path / 'out', '--assignment', 'BatchNormalization')
    assert proc.returncode == 0, proc.stderr
    assert json.loads((tmp_path / 'out' / 'similarity.json').read_text())['pairs'] == []
