"""A notebook let go after it was accepted is graded only as the bytes that were accepted."""
import pytest

from autograder.grading.submissions import SubmissionRejected, accept_each, read_again
from tests.engine.scale_notebooks import write


def test_the_bytes_read_again_must_be_those_accepted(tmp_path):
    path = write(tmp_path, 'ada')
    (sub,) = accept_each({'ada': path})
    accepted, sub.content = sub.content, None
    assert read_again(sub) == accepted
    path.write_bytes(accepted.replace(b'"cells"', b'"cells" ', 1))
    with pytest.raises(SubmissionRejected) as caught:
        read_again(sub)
    assert 'changed on disk' in str(caught.value)
    path.unlink()
    with pytest.raises(SubmissionRejected):
        read_again(sub)


def test_accepting_reads_each_notebook_only_when_its_turn_comes(tmp_path):
    # so that a class is never in memory at once: the second file, gone before its turn, was never read
    paths = {student: write(tmp_path, student) for student in ('ada', 'bob')}
    accepting = accept_each(paths)
    first = next(accepting)
    paths['bob'].unlink()
    second = next(accepting)
    assert first.content and not first.rejected
    assert second.content is None and 'cannot be opened' in second.rejected
