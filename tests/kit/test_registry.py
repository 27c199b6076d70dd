"""Each fact about the checks and the kit is written once, and everything else reads it from there."""
import tomllib
import types
from pathlib import Path

import pytest

from autograder.assignments.BatchNormalization import ASSIGNMENT
from autograder import assignment, version
from autograder.grading.checking import Checklist, check
from autograder.grading.pytest_plugin import GradingPlugin
from autograder.reports import results as reports
from autograder.validation import hostile
from tests.fixture_assignment import ASSIGNMENT as FIXTURE

ROOT = Path(__file__).resolve().parents[2]


def test_version_is_pyprojects():
    declared = tomllib.loads((ROOT / 'pyproject.toml').read_text())['project']['version']
    assert version.KIT_VERSION == declared
    from autograder.grading import grade_one as grading
    from autograder.grading import runner
    assert grading.KIT_VERSION == runner.KIT_VERSION == declared


def test_version_falls_back_to_package_metadata_without_a_checkout(tmp_path, monkeypatch):
    monkeypatch.setattr(version, 'PYPROJECT', tmp_path / 'missing.toml')
    from importlib import metadata
    try:
        installed = metadata.version('bnkit')
    except metadata.PackageNotFoundError:
        installed = 'unknown'
    assert version.kit_version() == installed
    # A pyproject.toml of some other project next to an installed package is not the kit's.
    other = tmp_path / 'pyproject.toml'
    other.write_text('[project]\nname = "other"\nversion = "9.9"\n')
    monkeypatch.setattr(version, 'PYPROJECT', other)
    assert version.kit_version() == installed


def test_headings_are_declared_with_each_check():
    for spec in ASSIGNMENT.checks:
        assert spec.short and 0 < len(spec.column) <= 5, spec.name
    assert len({s.short for s in ASSIGNMENT.checks}) == len({s.column for s in ASSIGNMENT.checks}) == len(ASSIGNMENT.checks)
    table = reports.score_table(ASSIGNMENT, {})
    assert table.splitlines()[0].split()[2:] == [spec.column for spec in ASSIGNMENT.checks]


def test_a_checklist_keeps_the_order_checks_are_written_in_and_guards_their_needs():
    module = types.ModuleType('some_checks')
    exec('''
from autograder.grading.checking import check
from autograder.grading.outcome import Outcome

@check('Second written, listed second', points=3, needs=('g',), short='g', column='g')
def zeta(student):
    return Outcome(1.0)

@check('First written', points=2, needs=('f', 'h'), short='f', column='f')
def alpha(student):
    return Outcome(0.5, ['half'])
'''.replace('Second written, listed second', 'Written first'), vars(module))
    checklist = Checklist(module)
    assert [s.name for s in checklist.specs] == ['zeta', 'alpha']
    assert [s.points for s in checklist.specs] == [3.0, 2.0]

    class Student:
        def has(self, name):
            return name != 'h'
    assert checklist.run('zeta', Student()).fraction == 1.0
    missing = checklist.run('alpha', Student())
    assert missing.fraction == 0 and missing.messages == ['h is not defined: the check needs it']
    with pytest.raises(ValueError):
        check('too wide a heading', points=1, needs=(), short='x', column='toolong')


def test_the_hidden_tests_are_one_per_check_in_declaration_order():
    collected = []

    class Collector:
        def pytest_collection_finish(self, session):
            collected.extend(item.name for item in session.items)
    hidden = ROOT / 'autograder' / 'grading' / 'hidden_tests'
    code = pytest.main(['--collect-only', '-q', '-p', 'no:cacheprovider', '-c', '/dev/null', '--rootdir', str(hidden),
                        str(hidden)], plugins=[GradingPlugin(FIXTURE, []), Collector()])
    assert code == 0
    assert collected == ['test_check[scale_forward]', 'test_check[scale_backward]']


def test_hostile_groups_are_read_from_what_each_check_needs():
    rules = hostile.checks_earning_nothing(ASSIGNMENT)
    assert set(rules[hostile.EVERY_CHECK]) == set(ASSIGNMENT.by_name)
    assert rules[hostile.CALL_FORWARD] == ('batchnorm_forward_train', 'batchnorm_running_stats_test_mode',
                                           'batchnorm_invalid_mode', 'batchnorm_backward')
    assert rules[hostile.RUN_BACKWARD] == ('batchnorm_backward', 'fc_net_training')
    assert all('FullyConnectedNet' in ASSIGNMENT.by_name[n].needs for n in rules[hostile.USE_NET])


def test_the_fixture_is_found_by_name_through_the_environment_and_by_registration(monkeypatch):
    monkeypatch.setenv(assignment.ENVIRONMENT, FIXTURE.package)
    assert assignment.get('Scale') is FIXTURE
    assert {'BatchNormalization', 'LayerNormalization', 'Scale'} <= set(assignment.assignments())
    monkeypatch.delenv(assignment.ENVIRONMENT)
    monkeypatch.setattr(assignment, '_registered', [])
    assert 'Scale' not in assignment.assignments()
    assert assignment.register(FIXTURE.package) is FIXTURE and assignment.get('Scale') is FIXTURE
    with pytest.raises(assignment.AssignmentError):
        assignment.register('autograder.grading')
