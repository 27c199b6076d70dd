"""results.json through ``Results``: written and read back byte for byte, files the grader wrote before the
type existed read back unchanged, and anything else refused with the file and the fault named."""
import json
from dataclasses import replace
from pathlib import Path

import pytest

from tests.fixture_assignment import ASSIGNMENT
from autograder.grading.grade_one import build_results
from autograder.reports.results_schema import MAX_RESULTS_BYTES, CheckResult, Results, ResultsError

# results.json files `bnkit demo` wrote with the grader as it was before ``Results``: a full score, and a
# buggy submission whose results hold diagnoses and figures.
WRITTEN_BEFORE = sorted((Path(__file__).parent / 'results_json').glob('*.json'))


def built(isolation='process', not_graded=None, fraction=0.5, sha256='a' * 64):
    per_check = {spec.name: {'fraction': fraction, 'messages': ['lost %s' % spec.name], 'seconds': 0.1,
                             'diagnoses': ['a_mistake'] if spec.name == 'scale_backward' else [],
                             'figure': {'dx': [1.5, 2.0]} if spec.name == 'scale_backward' else None}
                 for spec in ASSIGNMENT.checks}
    return build_results(ASSIGNMENT, 'Zoë', 'Zoë.ipynb', sha256, per_check, ['a note'], isolation, 1.234,
                         not_graded)


@pytest.mark.parametrize('isolation, not_graded', [('process', None), (None, 'not a notebook'), ('full', None)])
def test_results_written_and_read_back_are_the_same(tmp_path, isolation, not_graded):
    results = built(isolation, not_graded)
    results.write(tmp_path / 'results.json')
    text = (tmp_path / 'results.json').read_text()
    assert Results.read(tmp_path / 'results.json') == results
    assert Results.read(tmp_path / 'results.json').text() == text
    data = json.loads(text)
    assert ('isolation_warning' in data['extra_data']) == (isolation == 'process')
    assert ('not_graded' in data['extra_data']) == bool(not_graded)
    assert 'grading_failed' not in data['extra_data'] and 'output_format' not in data


def test_a_submission_whose_bytes_were_never_read_reads_back(tmp_path):
    """A named pipe, a folder or a file past the size limit is refused before its bytes are read: no sha256."""
    results = built('full', 'it is a named pipe, not a notebook file', fraction=0.0, sha256=None)
    results.write(tmp_path / 'results.json')
    again = Results.read(tmp_path / 'results.json')
    assert again == results and again.submission_sha256 is None and again.failure
    assert json.loads((tmp_path / 'results.json').read_text())['extra_data']['submission_sha256'] is None


def test_the_document_has_gradescopes_keys_and_the_kits_rounding():
    data = built().to_json()
    assert set(data) == {'score', 'execution_time', 'output', 'visibility', 'stdout_visibility', 'tests', 'extra_data'}
    assert data['execution_time'] == 1.23 and data['score'] == round(ASSIGNMENT.max_automatic_points / 2, 2)
    assert data['tests'][0] == {'name': ASSIGNMENT.checks[0].title, 'number': '1', 'score': ASSIGNMENT.checks[0].points / 2,
                                'max_score': ASSIGNMENT.checks[0].points, 'status': 'failed', 'visibility': 'visible',
                                'output': 'lost %s' % ASSIGNMENT.checks[0].name, 'tags': [ASSIGNMENT.checks[0].name]}
    assert data['extra_data']['diagnoses'] == {'scale_backward': ['a_mistake']}
    assert data['extra_data']['figures'] == {'scale_backward': {'dx': [1.5, 2.0]}}


@pytest.mark.parametrize('path', WRITTEN_BEFORE, ids=lambda p: p.stem)
def test_a_results_json_written_before_the_type_reads_back_unchanged(path):
    results = Results.read(path)
    assert results.text() == path.read_text()
    written = json.loads(path.read_text())
    assert results.student == path.stem and list(results.points) == [t['tags'][0] for t in written['tests']]


def test_the_files_written_before_the_type_include_diagnoses_and_figures():
    buggy = Results.read(next(p for p in WRITTEN_BEFORE if p.stem == 'buggy'))
    assert buggy.diagnoses and buggy.figures and buggy.score < buggy.max_score


def test_gradescopes_copy_keeps_the_order_run_autograder_wrote(tmp_path):
    """run_autograder used to add output_format and written_answers to the sorted document read back."""
    path = WRITTEN_BEFORE[0]
    before = json.loads(path.read_text())
    before['output'] = '# feedback'
    before['output_format'] = 'md'
    before['extra_data']['written_answers'] = 'my answer'
    results = replace(Results.read(path), output='# feedback', output_format='md', written_answers='my answer')
    assert results.text(sort_keys=False) == json.dumps(before, indent=2) + '\n'
    (tmp_path / 'results.json').write_text(results.text(sort_keys=False))
    assert Results.read(tmp_path / 'results.json') == results


def damaged(tmp_path, change):
    data = built().to_json()
    change(data)
    path = tmp_path / 'results.json'
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize('change, fault', [
    (lambda d: d.pop('score'), 'score is missing'),
    (lambda d: d['extra_data'].pop('student'), 'extra_data.student is missing'),
    (lambda d: d.update(score='70'), 'score is str, not a number'),
    (lambda d: d.update(score=True), 'score is bool, not a number'),
    (lambda d: d['tests'][1].update(tags=[]), 'tests[1].tags is not a list of names'),
    (lambda d: d['tests'][1].pop('status'), 'tests[1].status is missing'),
    (lambda d: d['extra_data'].update(isolation=3), 'extra_data.isolation is int, not text or null'),
    (lambda d: d['extra_data'].update(diagnoses={'x': 'y'}), 'extra_data.diagnoses is not {check: [mistake ids]}'),
    (lambda d: d.update(tests={}), 'tests is dict, not a list'),
    (lambda d: d.update(extra_data=[]), 'extra_data is list, not an object'),
    (lambda d: d['extra_data'].update(hacked=1), 'unknown key extra_data.hacked'),
])
def test_a_damaged_results_json_is_refused_naming_the_file_and_the_fault(tmp_path, change, fault):
    path = damaged(tmp_path, change)
    with pytest.raises(ResultsError) as caught:
        Results.read(path)
    assert str(caught.value) == '%s: %s' % (path, fault)


def test_what_is_not_json_or_too_large_is_refused_before_it_is_decoded(tmp_path):
    path = tmp_path / 'results.json'
    path.write_text('[' * 100_000)
    with pytest.raises(ResultsError, match='not JSON the grader wrote'):
        Results.read(path)
    path.write_text(' ' * (MAX_RESULTS_BYTES + 1))
    with pytest.raises(ResultsError, match='larger than'):
        Results.read(path)
    with pytest.raises(ResultsError, match='cannot be read'):
        Results.read(tmp_path / 'absent.json')
    with pytest.raises(ResultsError, match='the document is not an object'):
        Results.from_json([], source='x')


def test_a_check_result_names_its_check():
    test = CheckResult('Forward', '1', 1.0, 2.0, 'failed', '', ('scale_forward',))
    assert test.check == 'scale_forward' and not test.passed
