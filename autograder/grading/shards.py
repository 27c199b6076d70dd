"""Which shard of a class grades which student: ``--shard K/N`` (0-based).

A student belongs to the shard that ranks highest for them by rendezvous hashing: each of the N shards
scores the student by a hash of (shard, student id), and the highest score wins. So the split

- is deterministic: it depends on the student's id and N alone, never on the machine, the order of the
  files or the other students;
- is stable when submissions are added: a new student changes no one else's shard, so a shard that is
  resumed after late submissions arrived regrades none of its students;
- is balanced by student: every shard is equally likely for every student, so each shard gets close to
  1/N of the class (a binomial spread: for 2,000 students in 3 shards, one standard deviation is 21
  students, about 3% of a shard's share; measured in ``tests/engine/test_shards.py``).

The student's id is the name ``bnkit grade`` finds (a notebook's stem, an nbgrader student folder), the
same name grades.csv lists.
"""
import hashlib
import re
from dataclasses import dataclass

SHARD_PATTERN = re.compile(r'^\s*(\d+)\s*/\s*(\d+)\s*$')
MAX_SHARDS = 100_000     # more shards than students of the largest class is a typo, not a plan


class ShardError(ValueError):
    """A shard that cannot be graded; the message says what is wrong and what is expected."""


def _score(index, student):
    digest = hashlib.sha256(b'%d\0%s' % (index, str(student).encode('utf-8', 'surrogatepass'))).digest()
    return int.from_bytes(digest[:8], 'big')


def shard_of(student, count):
    """The index (0 to count - 1) of the shard that grades ``student`` when a class is split in ``count``."""
    return max(range(count), key=lambda index: (_score(index, student), -index))


@dataclass(frozen=True)
class Shard:
    index: int      # 0-based
    count: int

    def __post_init__(self):
        for name in ('index', 'count'):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ShardError('shard %s: expected a whole number, got %r' % (name, value))
        if not 1 <= self.count <= MAX_SHARDS:
            raise ShardError('shard count: expected 1 to %d shards, got %d' % (MAX_SHARDS, self.count))
        if not 0 <= self.index < self.count:
            raise ShardError('shard %d/%d: shards are numbered from 0, so K/%d takes K from 0 to %d'
                             % (self.index, self.count, self.count, self.count - 1))

    @classmethod
    def parse(cls, text):
        """The shard written as ``K/N`` (0-based: ``0/3``, ``1/3``, ``2/3``); raises ShardError."""
        match = SHARD_PATTERN.match(str(text))
        if not match:
            raise ShardError('--shard %r: expected K/N, shard K (from 0) of N, such as 0/4' % (text,))
        return cls(int(match.group(1)), int(match.group(2)))

    @property
    def label(self):
        """``K-of-N``, the name of this shard's record in the output folder."""
        return '%d-of-%d' % (self.index, self.count)

    def __str__(self):
        return '%d/%d' % (self.index, self.count)

    def holds(self, student):
        return self.count == 1 or shard_of(student, self.count) == self.index

    def select(self, submissions):
        """The part of {student: notebook} this shard grades."""
        return {student: path for student, path in submissions.items() if self.holds(student)}


WHOLE_CLASS = Shard(0, 1)
