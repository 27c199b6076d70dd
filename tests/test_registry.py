"""Each fact about the checks and the kit is written once, and everything else reads it from there."""
import subprocess
import sys
import tomllib
from pathlib import Path

from autograder import version
from autograder.assignments.BatchNormalization import checks, registry
from autograder.reports import results as reports
from autograder.validation import hostile

ROOT = Path(__file__).resolve().parent.parent


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
    for spec in registry.CHECKS:
        assert spec.short and 0 < len(spec.column) <= 5, spec.name
    assert len({s.short for s in registry.CHECKS}) == len({s.column for s in registry.CHECKS}) == len(registry.CHECKS)
    table = reports.score_table({})
    assert table.splitlines()[0].split()[2:] == [spec.column for spec in registry.CHECKS]


def test_check_functions_follow_the_registry_order():
    assert list(checks.CHECK_FUNCTIONS) == [spec.name for spec in registry.CHECKS]
    assert all(fn.__name__ == name for name, fn in checks.CHECK_FUNCTIONS.items())


def test_hidden_tests_are_one_per_check_in_registry_order():
    hidden = ROOT / 'autograder' / 'grading' / 'hidden_tests'
    out = subprocess.run([sys.executable, '-m', 'pytest', '--collect-only', '-q', '-p', 'no:cacheprovider',
                          '-c', '/dev/null', '--rootdir', str(hidden), str(hidden)],
                         capture_output=True, text=True, cwd=ROOT, check=True).stdout
    names = [line.split('::')[1] for line in out.splitlines() if '::' in line]
    assert names == ['test_' + spec.name for spec in registry.CHECKS]


def test_hostile_groups_are_read_from_what_each_check_needs():
    assert set(hostile.ALL_CHECKS) == set(registry.BY_NAME)
    assert hostile.BATCHNORM_CHECKS == ('batchnorm_forward_train', 'batchnorm_running_stats_test_mode',
                                        'batchnorm_invalid_mode', 'batchnorm_backward')
    assert hostile.BACKWARD_CHECKS == ('batchnorm_backward', 'fc_net_training')
    assert all('FullyConnectedNet' in registry.BY_NAME[n].needs for n in hostile.NET_CHECKS)
