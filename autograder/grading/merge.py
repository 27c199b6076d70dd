"""The class's reports from its students' results, wherever its shards wrote them: ``bnkit report``.

A shard (``bnkit grade --shard K/N``) writes its students' results and its record (``shard_records``), never
the class's pages, which need every shard. The merge gathers the records and results of one or more output
folders, accounts for every student of the class, and writes grades.csv, summary.md, the histogram,
report.html (with the similarity section when similarity.json is there) and answers.md. A run of the whole
class ends with this same merge, so a class graded in shards and merged gets the very pages one run writes.

A student is accounted for by a results.json in their folder, written for them (``Results.student``) and
for the hand-in their shard read (the sha256 in its record). A student with none is missing: the merge then
refuses to publish and lists them, unless a partial class is asked for, whose pages list them as not graded
yet.
"""
from dataclasses import dataclass, field
from pathlib import Path

from autograder.assignment import AssignmentError, get as get_assignment
from autograder.grading.shard_records import RecordError, read_records
from autograder.grading.shards import shard_of
from autograder.reports import results as reports
from autograder.reports.answers import STUDENT_ANSWERS, read_student_answers, write_class_answers
from autograder.reports.files import remove_partial_files, write_atomically
from autograder.reports.results_schema import Results, ResultsError
from autograder.reports.similarity import RESULTS_FILE as SIMILARITY_FILE

STUDENT_FILES = ('feedback.md', 'feedback.html', 'answer.md', STUDENT_ANSWERS, 'results.json')  # results last


class MergeError(ValueError):
    """Folders whose results cannot be merged into one class; the message names the files and the fix."""


@dataclass
class GatheredClass:
    assignment: object
    count: int                          # the class is split in this many shards
    roster: dict                        # {student: results folder}
    found: dict = field(default_factory=dict)       # {student: (results, the output folder holding them)}
    missing: dict = field(default_factory=dict)     # {student: why}, the class's students without results
    records: list = field(default_factory=list)

    @property
    def run_seconds(self):
        """From the first shard's start to the last one's end (None while one has not finished)."""
        if not self.records or any(r.finished is None for r in self.records):
            return None
        return max(r.finished for r in self.records) - min(r.started for r in self.records)

    @property
    def environment(self):
        lines = sorted({r.environment for r in self.records if r.environment})
        return '; '.join(lines) or None


def _records_of(outdirs):
    records = []
    for outdir in outdirs:
        if not Path(outdir).is_dir():
            raise MergeError('%s: no such folder' % outdir)
        try:
            found = read_records(outdir)
        except RecordError as exc:
            raise MergeError(str(exc)) from None
        if not found:
            raise MergeError('%s: no shard records (shards/K-of-N.json): not an output folder of bnkit grade, or '
                             'one graded before shards existed (grade it again: finished students are kept)' % outdir)
        records += found
    return records


def _one(records, what, value_of):
    values = {}
    for record in records:
        values.setdefault(value_of(record), []).append(str(record.path))
    if len(values) > 1:
        raise MergeError('the shard records disagree on the %s: %s' % (what, '; '.join(
            '%s in %s' % (value, ', '.join(paths)) for value, paths in sorted(values.items(), key=str))))
    return next(iter(values))


def _results_in(folder, student, assignment):
    try:
        data = Results.read(folder / 'results.json')
    except ResultsError:
        return None
    if data.student != student or data.assignment != assignment.name:
        return None
    return data


def gather(outdirs):
    """The class the shard records in ``outdirs`` describe, and the results found for each of its students;
    raises MergeError when the records cannot be read or disagree (another assignment, another split)."""
    outdirs = [Path(d).resolve() for d in outdirs]
    records = _records_of(outdirs)
    name = _one(records, 'assignment', lambda r: r.assignment)
    count = _one(records, 'number of shards', lambda r: r.shard.count)
    try:
        assignment = get_assignment(name)
    except AssignmentError as exc:
        raise MergeError('%s: %s' % (records[0].path, exc)) from None
    roster, read = {}, {}
    for record in sorted(records, key=lambda r: r.started):     # the latest reading of a hand-in wins
        for student, folder in record.roster.items():
            if roster.setdefault(student, folder) != folder:
                raise MergeError('%s: the student %r has the results folder %r there and %r in another record; '
                                 'the shards found different classes: grade every shard again with the same '
                                 'submissions' % (record.path, student, folder, roster[student]))
        read.update(record.students)
    gathered = GatheredClass(assignment, count, roster, records=records)
    for student, folder in sorted(roster.items()):
        candidates = [(data, outdir) for outdir in outdirs
                      for data in [_results_in(outdir / folder, student, assignment)] if data is not None]
        if student in read:
            current = [c for c in candidates if c[0].submission_sha256 == read[student]]
            why = 'its results are of another hand-in than the one its shard read' if candidates else None
            candidates = current
        else:
            why = None
        if candidates:
            gathered.found[student] = candidates[0]
        else:
            gathered.missing[student] = '%s (shard %d/%d)' % (why or 'no results yet', shard_of(student, count), count)
    return gathered


def missing_lines(gathered, most=20):
    """The missing students for a message: at most ``most`` of them, and how many more."""
    lines = ['  %s: %s' % (student, why) for student, why in sorted(gathered.missing.items())[:most]]
    if len(gathered.missing) > most:
        lines.append('  ... and %d more (all of them in missing.txt)' % (len(gathered.missing) - most))
    return lines


def _copy_student(source, target):
    """A student's files from another shard's output folder, each written whole; results.json last, so the
    folder counts as graded only once it is complete."""
    for name in STUDENT_FILES:
        if (source / name).is_file():
            write_atomically(target / name, (source / name).read_text())


def publish(gathered, target, partial=False):
    """Write the class's pages in ``target`` from the gathered results; returns (results, failures) as
    ``grade_all`` does. Raises MergeError listing the missing students unless ``partial``: then they are
    left out of grades.csv and listed in the pages as not graded yet. Students graded in another output
    folder are copied into ``target`` first, so its pages link to feedback beside them."""
    target = Path(target).resolve()
    target.mkdir(parents=True, exist_ok=True)
    if gathered.missing:
        write_atomically(target / 'missing.txt', ''.join('%s\t%s\n' % item for item in sorted(gathered.missing.items())))
        if not partial:
            raise MergeError('%d of the class\'s %d students have no results, so the class is not published:\n%s\n'
                             'Grade their shards (a shard that is run again grades only what it has not), or '
                             'publish without them with --partial.'
                             % (len(gathered.missing), len(gathered.roster), '\n'.join(missing_lines(gathered))))
    else:
        (target / 'missing.txt').unlink(missing_ok=True)
    remove_partial_files(target)
    assignment = gathered.assignment
    all_results, answers = {}, {}
    for student, (data, outdir) in sorted(gathered.found.items()):
        folder = gathered.roster[student]
        if outdir != target:
            _copy_student(outdir / folder, target / folder)
        all_results[student] = data
        answers[student] = read_student_answers(target / folder, student)
    if not (target / SIMILARITY_FILE).is_file():
        for outdir in {o for _, o in gathered.found.values()}:
            if (outdir / SIMILARITY_FILE).is_file():
                write_atomically(target / SIMILARITY_FILE, (outdir / SIMILARITY_FILE).read_text())
                break
    failures = reports.failures_of(all_results)
    failures += [(student, 'not graded yet: %s' % why) for student, why in sorted(gathered.missing.items())]
    reports.write_class_reports(target, assignment, all_results, failures, run_seconds=gathered.run_seconds,
                                environment=gathered.environment)
    write_class_answers(target, assignment, answers)
    return all_results, failures
