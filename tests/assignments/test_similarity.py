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
from tests.notebooks import write
from tests.runs import bnkit

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


class Prints:
    """What candidate_pairs reads of a copydetect fingerprint: its hashes."""

    def __init__(self, hashes):
        self.hashes = set(hashes)


def test_the_pairs_compared_grow_with_the_class_not_with_its_pairs():
    from autograder.reports.similarity import CANDIDATES, COMMON_IN, candidate_pairs
    n = 2000
    # everyone has the common code (in more than COMMON_IN students) and code of their own; students 2k and
    # 2k + 1 share a passage, and 0..29 all share one more
    prints = {'s%04d' % i: Prints(set(range(100)) | {10_000 + i * 50 + j for j in range(50)}
                                  | {1_000_000 + i // 2} | ({2_000_000} if i < 30 else set()))
              for i in range(n)}
    pairs = candidate_pairs(prints)
    assert len(pairs) <= n * CANDIDATES
    assert all(('s%04d' % (2 * k), 's%04d' % (2 * k + 1)) in pairs for k in range(n // 2))
    partners = {}
    for a, b in pairs:
        partners.setdefault(a, set()).add(b)
        partners.setdefault(b, set()).add(a)
    # a passage 30 students share is common: it makes no pair beyond the twins
    assert 30 > COMMON_IN and all(len(p) == 1 for p in partners.values())


def test_the_class_report_shows_a_bounded_part_of_many_pairs():
    from autograder.reports.class_report import REPORT_LISTED, REPORT_SIDE_BY_SIDE, report_html
    pairs = [{'a': 'a%05d' % i, 'b': 'b%05d' % i, 'share_a': 0.9, 'share_b': 0.8}
             for i in range(20_000)]
    for pair in pairs[:200]:
        pair.update(html_a='<mark>code</mark>', html_b='<mark>code</mark>')
    page = report_html(ASSIGNMENT, {}, [], {}, similarity=(pairs, 0.6))
    assert page.count('<div class="pair">') == REPORT_SIDE_BY_SIDE
    assert '%d more pairs are listed' % (20_000 - REPORT_SIDE_BY_SIDE - REPORT_LISTED) in page
    assert len(page) < 100_000
