"""The record a grading run keeps of its shard: OUTDIR/shards/K-of-N.json.

Every ``bnkit grade`` run writes one, a run of the whole class as shard 0 of 1. It holds what the merge
(``autograder.grading.merge``) needs and can learn nowhere else without reading the submissions again:

- ``roster``: every student the run found, with their results folder: the class the merge must account for
  (each shard finds the whole class, and grades its part of it);
- ``students``: the sha256 of what this shard read of each of its own students (null for a file that could
  not be read): a results.json of another hand-in is stale, not graded;
- ``started`` and ``finished`` (seconds since the epoch; finished is null while the shard runs or when it was
  stopped), and the environment's limits line, for the class report's figures.

It is written when the shard starts and again when it ends, atomically, so a reader never sees half of one.
"""
import json
import time
from dataclasses import dataclass
from pathlib import Path

from autograder.grading.shards import Shard, ShardError
from autograder.reports.files import PARTIAL, write_atomically

RECORDS_FOLDER = 'shards'


class RecordError(ValueError):
    """A shard record that cannot be read; the message names the file and what is wrong."""


@dataclass
class ShardRecord:
    path: Path
    assignment: str
    shard: Shard
    roster: dict            # {student: results folder}, the whole class as this shard found it
    students: dict          # {student: sha256 or None}, this shard's own students
    started: float
    finished: float = None
    environment: str = None

    def to_json(self):
        return json.dumps({'assignment': self.assignment, 'shard': [self.shard.index, self.shard.count],
                           'roster': sorted(self.roster.items()), 'students': self.students,
                           'started': self.started, 'finished': self.finished,
                           'environment': self.environment}, indent=0, sort_keys=True) + '\n'


def record_path(outdir, shard):
    return Path(outdir) / RECORDS_FOLDER / ('%s.json' % shard.label)


def start_record(outdir, assignment, shard, roster, students, environment):
    """The record of a shard that starts now; written before any of its students is graded. What a killed
    run of this shard left half written of its record is cleared (only this shard writes it)."""
    for partial in (Path(outdir) / RECORDS_FOLDER).glob('%s%s.json-*' % (PARTIAL, shard.label)):
        partial.unlink(missing_ok=True)
    record = ShardRecord(record_path(outdir, shard), assignment.name, shard, dict(roster), dict(students),
                         started=round(time.time(), 3), environment=environment)
    write_atomically(record.path, record.to_json())
    return record


def finish_record(record):
    record.finished = round(time.time(), 3)
    write_atomically(record.path, record.to_json())


def remove_other_splits(outdir, shard):
    """Remove the records of runs that split the class otherwise (a former one-machine run, another N):
    this run's shards replace them. Their students' results stay, and a later shard reuses what is still
    current. Returns the records removed."""
    removed = []
    for path in sorted((Path(outdir) / RECORDS_FOLDER).glob('*-of-*.json')):
        if not path.name.endswith('-of-%d.json' % shard.count):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def read_record(path):
    """The ShardRecord in ``path``; raises RecordError naming it and what is wrong."""
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, ValueError) as exc:
        raise RecordError('%s: cannot read this shard record (%s)' % (path, exc)) from None
    try:
        index, count = data['shard']
        record = ShardRecord(Path(path), str(data['assignment']), Shard(index, count),
                             {str(s): str(f) for s, f in data['roster']},
                             {str(s): (None if h is None else str(h)) for s, h in data['students'].items()},
                             float(data['started']),
                             None if data['finished'] is None else float(data['finished']),
                             data.get('environment'))
    except (KeyError, TypeError, ValueError, AttributeError, ShardError) as exc:
        raise RecordError('%s: not a shard record of bnkit grade (%s: %s)' % (path, type(exc).__name__, exc)) from None
    if Path(path).name != '%s.json' % record.shard.label:
        raise RecordError('%s: the file name does not match the shard it records (%s)' % (path, record.shard))
    return record


def read_records(outdir):
    """Every shard record in ``outdir``, by shard."""
    paths = sorted((Path(outdir) / RECORDS_FOLDER).glob('*-of-*.json'))
    return sorted((read_record(p) for p in paths), key=lambda r: (r.shard.count, r.shard.index))
