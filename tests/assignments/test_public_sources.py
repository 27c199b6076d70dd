"""The validation sets grow with mistakes real students report: each such variant names its public source."""
import re

from autograder.assignment import get

PUBLIC_SOURCE = re.compile(r'https?://[^\s,;)]+')
ASSIGNMENTS = ('BatchNormalization', 'LayerNormalization')


def public_sources(variant):
    """The public addresses a variant's description names as its source."""
    return PUBLIC_SOURCE.findall(variant.description)


def test_at_least_25_variants_are_written_from_mistakes_reported_in_public():
    """A variant written from a mistake reported in public names the address (a forum or Q&A thread, an issue, a
    student's repository, a library's documentation) in its description. A source that is not public (the
    tracker's issue 22) does not count: a variant citing only that carries no address."""
    variants = [v for name in ASSIGNMENTS for v in get(name).module('variants').BUGS + get(name).module('variants').CORRECT]
    sourced = [v for v in variants if public_sources(v)]
    print('variants with a public source: %d' % len(sourced))
    assert len(sourced) >= 25, sorted(v.name for v in sourced)
    for v in sourced:
        assert '(source:' in v.description or 'seen in public nets' in v.description, v.name
        assert all('.' in url.split('//', 1)[1].split('/', 1)[0] for url in public_sources(v)), v.name
    cited = [v for v in variants if '(source:' in v.description and not public_sources(v)]
    assert all('issue 22' in v.description for v in cited), [v.name for v in cited]
