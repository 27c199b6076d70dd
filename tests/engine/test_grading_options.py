"""GradingOptions: one frozen object for a grading run, one JSON document for each grading process."""
import dataclasses
import json

import pytest

from autograder.grading import grade_one
from autograder.grading.shards import Shard
from autograder.grading.options import DEFAULT_BUDGET, DEFAULT_CHECK_TIMEOUT, GradingOptions, OptionsError
from autograder.grading.submissions import MAX_NOTEBOOK_MB
from autograder.sandbox import Limits


def test_the_defaults_are_the_kits():
    options = GradingOptions()
    assert (options.budget, options.check_timeout, options.max_notebook_mb, options.jobs) == (
        DEFAULT_BUDGET, DEFAULT_CHECK_TIMEOUT, MAX_NOTEBOOK_MB, 1)
    assert options.limits == Limits()
    assert (options.isolation, options.require_isolation, options.shard) == (None, None, None)


def test_options_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        GradingOptions().budget = 1.0


def test_a_round_trip_through_json_gives_the_same_options():
    options = GradingOptions(budget=42.5, check_timeout=7, limits=Limits(memory_mb=999, call_timeout=3.5, nproc=9),
                             isolation='process', require_isolation='process', max_notebook_mb=1.5, jobs=3,
                             shard=Shard(1, 3))
    text = options.to_json()
    assert json.loads(text)['limits']['memory_mb'] == 999
    assert GradingOptions.from_json(text) == options
    assert GradingOptions.from_json(GradingOptions().to_json()) == GradingOptions()


def test_a_field_left_out_takes_its_default():
    assert GradingOptions.from_json('{"jobs": 2, "limits": {"cpu_seconds": 10}}') == GradingOptions(
        jobs=2, limits=Limits(cpu_seconds=10))


@pytest.mark.parametrize('document, field', [
    ({'budget': -1}, 'budget'),
    ({'budget': 'soon'}, 'budget'),
    ({'check_timeout': True}, 'check_timeout'),
    ({'max_notebook_mb': 0}, 'max_notebook_mb'),
    ({'jobs': 1.5}, 'jobs'),
    ({'isolation': 'docker'}, 'isolation'),
    ({'require_isolation': 3}, 'require_isolation'),
    ({'shard': [1, 2]}, 'shard'),
    ({'shard': {'index': 2, 'count': 2}}, 'shard'),
    ({'shard': {'index': 0}}, 'shard'),
    ({'limits': [1]}, 'limits'),
    ({'limits': {'memory_mb': '2048'}}, 'limits.memory_mb'),
    ({'limits': {'call_timeout': -2}}, 'limits.call_timeout'),
    ({'limits': {'swap_mb': 1}}, 'limits.swap_mb'),
    ({'timeout': 3}, 'timeout'),
])
def test_a_bad_field_is_named_in_the_error(document, field):
    with pytest.raises(OptionsError) as caught:
        GradingOptions.from_json(json.dumps(document))
    assert str(caught.value).startswith(field + ':')


def test_a_document_that_is_not_an_object_is_refused():
    for text in ('not json', '[1, 2]', 'null'):
        with pytest.raises(OptionsError):
            GradingOptions.from_json(text)


def test_the_grading_process_refuses_bad_options_before_reading_anything(capsys):
    argv = ['-', 'ada', '/nonexistent', '--assignment', 'Scale', '--student', 'ada', '--sha256', '0',
            '--submission', 'ada.ipynb']
    with pytest.raises(SystemExit) as exited:
        grade_one.main(argv + ['--options', '{"budget": 0, "isolation": "process"}'])
    assert exited.value.code == 2 and 'budget:' in capsys.readouterr().err
    with pytest.raises(SystemExit):
        grade_one.main(argv + ['--options', GradingOptions().to_json()])    # no level chosen
    assert 'isolation:' in capsys.readouterr().err
