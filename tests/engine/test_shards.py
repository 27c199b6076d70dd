"""The shard split (``--shard K/N``) and the merge (``bnkit report``), on results written here: no grading."""
import json
import statistics
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from tests.fixture_assignment import ASSIGNMENT
from autograder.grading import merge
from autograder.grading.grade_one import build_results, empty_results
from autograder.grading.options import GradingOptions
from autograder.grading.shard_records import ShardRecord, read_records, record_path, remove_other_splits
from autograder.grading.shards import Shard, ShardError, shard_of
from autograder.grading.submissions import results_folders
from autograder.reports.answers import write_student_answers
from autograder.reports.results import write_student_reports

CLASS = ['student%04d' % i for i in range(300)] + ['Zoë', 'zoë', 'a/b', '..', 'ALICE', 'alice']
PAGES = ('grades.csv', 'summary.md', 'report.html', 'answers.md', 'run.json')


@pytest.mark.parametrize('text, words', [
    ('3/3', 'from 0'), ('0/0', '1 to'), ('1-3', 'K/N'), ('a/b', 'K/N'), ('-1/3', 'K/N'), ('', 'K/N')])
def test_a_bad_shard_is_refused_saying_what_is_expected(text, words):
    with pytest.raises(ShardError) as caught:
        Shard.parse(text)
    assert words in str(caught.value)


def test_the_shards_split_the_class_once_between_them():
    for count in (1, 2, 3, 7):
        parts = [Shard(k, count).select(dict.fromkeys(CLASS)) for k in range(count)]
        assert sorted(s for part in parts for s in part) == sorted(CLASS)


def test_a_students_shard_is_their_name_alone():
    # stable when submissions are added: the other students, their number and their order change nothing
    before = {s: shard_of(s, 5) for s in CLASS}
    grown = CLASS + ['late%04d' % i for i in range(500)]
    assert {s: shard_of(s, 5) for s in reversed(grown) if s in before} == before
    # and the split is the same in another process (no per-process hash seed)
    code = 'from autograder.grading.shards import shard_of; print([shard_of(s, 5) for s in %r])' % CLASS[:50]
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True,
                         env={'PYTHONHASHSEED': '123', 'PATH': ''}).stdout
    assert out.strip() == str([before[s] for s in CLASS[:50]])


def test_the_shards_are_balanced_by_student():
    students = ['%s%05d' % (prefix, i) for prefix in ('s', 'jdoe') for i in range(1000)]
    for count in (2, 3, 8):
        sizes = [sum(shard_of(s, count) == k for s in students) for k in range(count)]
        share = len(students) / count
        # a binomial spread: one standard deviation is sqrt(n p (1 - p)); 4 of them is a bound a fair split
        # passes and a split that favours a shard does not
        bound = 4 * (len(students) * (1 / count) * (1 - 1 / count)) ** 0.5
        assert max(abs(size - share) for size in sizes) < bound, sizes
        assert statistics.pstdev(sizes) < bound / 2


def test_a_shard_goes_through_the_grading_options_document():
    options = GradingOptions(shard=Shard(2, 5))
    assert GradingOptions.from_json(options.to_json()).shard == Shard(2, 5)


def graded(outdir, student, folder, score_everything=True, sha='0' * 64):
    """A student's results and answers as a grading run writes them (every check passed, or none)."""
    results, messages = empty_results(ASSIGNMENT, [])
    if score_everything:
        for r in results.values():
            r['fraction'] = 1.0
    data = replace(build_results(ASSIGNMENT, student, '%s.ipynb' % student, sha, results, messages, 'full', 1.5),
                   peak_memory_mb={'grader': 60.0, 'workers': 50.0})
    write_student_reports(Path(outdir) / folder, data, ASSIGNMENT)
    write_student_answers(Path(outdir) / folder, ASSIGNMENT, student, {q.id: 'answer of %s' % student
                                                                       for q in ASSIGNMENT.questions})


def record(outdir, shard, roster, graded_here=True, finished=True):
    students = {s: '0' * 64 for s in roster if shard.holds(s)}
    rec = ShardRecord(record_path(outdir, shard), ASSIGNMENT.name, shard, roster, students,
                      started=1000.0 + shard.index, finished=1100.0 + shard.index if finished else None,
                      environment='environment limits: none')
    rec.path.parent.mkdir(parents=True, exist_ok=True)
    rec.path.write_text(rec.to_json())
    if graded_here:
        for student in students:
            graded(outdir, student, roster[student], score_everything=len(student) % 2 == 0)


@pytest.fixture
def roster():
    return results_folders(CLASS[:40] + CLASS[-6:])


def pages(outdir):
    return {name: (Path(outdir) / name).read_bytes() for name in PAGES}


def test_shards_in_separate_folders_merge_into_the_pages_of_one_folder(tmp_path, roster):
    for k in range(3):
        record(tmp_path / 'shared', Shard(k, 3), roster)
        record(tmp_path / ('own%d' % k), Shard(k, 3), roster)
    one, _ = merge.publish(merge.gather([tmp_path / 'shared']), tmp_path / 'shared')
    merged, _ = merge.publish(merge.gather([tmp_path / 'own0', tmp_path / 'own1', tmp_path / 'own2']),
                              tmp_path / 'merged')
    assert set(one) == set(merged) == set(roster)
    assert pages(tmp_path / 'shared') == pages(tmp_path / 'merged')
    for student, folder in roster.items():     # the merged folder holds every student's feedback
        assert json.loads((tmp_path / 'merged' / folder / 'results.json').read_text())['extra_data']['student'] == student
        assert (tmp_path / 'merged' / folder / 'feedback.html').is_file()
    assert json.loads((tmp_path / 'merged' / 'run.json').read_text())['run_seconds'] == 102.0


def test_a_class_with_missing_students_is_not_published_unless_partial(tmp_path, roster, capsys):
    out = tmp_path / 'out'
    record(out, Shard(0, 3), roster)
    record(out, Shard(1, 3), roster)        # shard 2 never ran
    gathered = merge.gather([out])
    expected = {s for s in roster if shard_of(s, 3) == 2}
    assert set(gathered.missing) == expected
    with pytest.raises(merge.MergeError) as caught:
        merge.publish(gathered, out)
    assert 'shard 2/3' in str(caught.value) and not (out / 'grades.csv').exists()
    assert {line.split('\t')[0] for line in (out / 'missing.txt').read_text().splitlines()} == expected
    results, failures = merge.publish(gathered, out, partial=True)
    assert set(results) == set(roster) - expected
    assert {s for s, why in failures if why.startswith('not graded yet')} == expected
    csv_students = {line.split(',')[0] for line in (out / 'grades.csv').read_text().splitlines()[1:]}
    assert csv_students == set(roster) - expected
    assert 'not graded yet' in (out / 'summary.md').read_text()


def test_results_of_another_hand_in_count_as_missing(tmp_path, roster):
    out = tmp_path / 'out'
    record(out, Shard(0, 1), roster)
    stale = sorted(roster)[3]
    graded(out, stale, roster[stale], sha='f' * 64)
    gathered = merge.gather([out])
    assert list(gathered.missing) == [stale] and 'another hand-in' in gathered.missing[stale]


def test_records_that_disagree_are_refused_naming_the_files(tmp_path, roster):
    record(tmp_path / 'a', Shard(0, 2), roster)
    record(tmp_path / 'b', Shard(1, 3), roster)
    with pytest.raises(merge.MergeError) as caught:
        merge.gather([tmp_path / 'a', tmp_path / 'b'])
    assert 'number of shards' in str(caught.value) and '0-of-2.json' in str(caught.value)
    with pytest.raises(merge.MergeError) as caught:
        merge.gather([tmp_path / 'nothing'])
    assert 'no such folder' in str(caught.value)
    (tmp_path / 'plain').mkdir()
    with pytest.raises(merge.MergeError) as caught:
        merge.gather([tmp_path / 'plain'])
    assert 'no shard records' in str(caught.value)
    (tmp_path / 'a' / 'shards' / '0-of-2.json').write_text('{"shard": [0, 2]}')
    with pytest.raises(merge.MergeError) as caught:
        merge.gather([tmp_path / 'a'])
    assert '0-of-2.json' in str(caught.value) and 'not a shard record' in str(caught.value)


def test_a_run_split_otherwise_replaces_the_old_records(tmp_path, roster):
    out = tmp_path / 'out'
    record(out, Shard(0, 1), roster)
    record(out, Shard(1, 3), roster, graded_here=False)
    remove_other_splits(out, Shard(1, 3))
    assert [r.shard for r in read_records(out)] == [Shard(1, 3)]


def test_bnkit_report_exit_status_and_message(tmp_path, roster):
    out = tmp_path / 'out'
    record(out, Shard(0, 2), roster)

    def report(*args):
        return subprocess.run([sys.executable, '-m', 'autograder.cli', 'report', *map(str, args), '--quiet'],
                              capture_output=True, text=True, timeout=120)
    refused = report(out)
    assert refused.returncode == 1 and 'publish without them with --partial' in refused.stderr
    assert 'shard 1/2' in refused.stderr
    assert report(out, '--partial').returncode == 0 and (out / 'grades.csv').is_file()
    record(out, Shard(1, 2), roster)
    done = report(out)
    assert done.returncode == 0 and '46 of 46 students published' in done.stdout
    assert not (out / 'missing.txt').exists()
    assert report(tmp_path / 'nowhere').returncode == 2
