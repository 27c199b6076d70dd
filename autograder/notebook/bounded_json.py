"""Decoding JSON that a student controls, with every size bounded before the decoder sees it.

Python's decoder recurses once per nesting level, so 100,000 ``[`` end in RecursionError, and it builds
whatever the bytes describe, so the 20 MB a notebook may have, written as ``{},``, become half a gigabyte
of dicts. ``loads``
first scans the bytes without recursion (a regular expression finds each bracket and each string; strings
are skipped whole, escapes included) and refuses, with a reason, a document deeper, larger or more
numerous than any notebook; only then does ``json.loads`` run. It also refuses what Jupyter would not
have written: another encoding than UTF-8, a key repeated in one object (two parsers could read two
different notebooks from it: Python keeps the last, others the first), an integer of thousands of digits
and a lone surrogate escape (``\\ud800``: not text, it cannot be written to a report).

Reasons name the problem, never the document's bytes: they reach grades.csv and the student's feedback.
"""
import json
import re

# Measured on the release of BatchNormalization filled with the reference and run in Jupyter, outputs and
# figures kept: 7 levels of nesting (widget state would add a few), 212 objects and arrays, 1,435 values,
# and its longest string is a 172 KB PNG figure. Untouched, the release nests 5 deep.
MAX_DEPTH = 64                  # levels of nesting: 9x the real depth, far below Python's recursion limit
MAX_CONTAINERS = 100_000        # objects and arrays in all: ~500x the real count, some tens of MB at most
MAX_ITEMS = 500_000             # values in arrays and members of objects in all: ~350x; a printed line is one
MAX_STRING_BYTES = 8 << 20      # one string as written, escapes included: ~50x; a high-resolution figure fits
MAX_INT_DIGITS = 100            # an integer in a notebook is a count or a version


class JSONRejected(ValueError):
    """The bytes are not JSON the grader will decode; the message says why, in words for the student."""


_STRUCTURE = re.compile(rb'["\[\]{}]')
# The rest of a string after its opening quote. Possessive: a string that never ends fails once, at the
# end of the document, instead of being retried from every later quote.
_STRING_REST = re.compile(rb'[^"\\]*+(?:\\.[^"\\]*+)*+"', re.DOTALL)
_SURROGATE_ESCAPE = re.compile(rb'\\u[dD][89a-fA-F]')
_PLAIN_KEY = re.compile(r'[A-Za-z0-9_.-]{1,40}')


def check_sizes(data):
    """Raise JSONRejected when the bytes nest deeper, or hold more or longer, than the limits allow.

    Exact for valid JSON (outside strings every quote opens one and every bracket is structure); on
    invalid JSON it may count more, never less, before the point where the decoder would stop."""
    depth = containers = items = 0
    pos, end = 0, len(data)
    while pos < end:
        match = _STRUCTURE.search(data, pos)
        stop = match.start() if match else end
        items += data.count(b',', pos, stop)
        if items > MAX_ITEMS:
            raise JSONRejected('its JSON holds more than %d values' % MAX_ITEMS)
        if not match:
            break
        char = data[stop]
        if char == 0x22:       # '"'
            rest = _STRING_REST.match(data, stop + 1)
            if not rest:
                raise JSONRejected('its JSON does not parse: a string never ends')
            if rest.end() - stop - 2 > MAX_STRING_BYTES:
                raise JSONRejected('its JSON holds a string of more than %d MB' % (MAX_STRING_BYTES >> 20))
            pos = rest.end()
            continue
        if char in b'[{':
            depth += 1
            containers += 1
            items += 1          # with the commas, each value of a non-empty container counts once
            if depth > MAX_DEPTH:
                raise JSONRejected('its JSON nests deeper than %d levels' % MAX_DEPTH)
            if containers > MAX_CONTAINERS:
                raise JSONRejected('its JSON holds more than %d objects and arrays' % MAX_CONTAINERS)
            if items > MAX_ITEMS:
                raise JSONRejected('its JSON holds more than %d values' % MAX_ITEMS)
        else:
            depth -= 1
        pos = stop + 1


def decoded(data):
    """The text of ``data``, or JSONRejected unless it is UTF-8 without a byte-order mark, as Jupyter
    writes a notebook."""
    if data.startswith(b'\xef\xbb\xbf'):
        raise JSONRejected('it starts with a byte-order mark, and a notebook is plain UTF-8; open it in Jupyter '
                           'and save it again')
    encoding = json.detect_encoding(data)
    if encoding != 'utf-8':
        raise JSONRejected('it is encoded as %s, not UTF-8; open it in Jupyter and save it again'
                           % encoding.upper().replace('-LE', '').replace('-BE', ''))
    try:
        return data.decode('utf-8')
    except UnicodeDecodeError as exc:
        raise JSONRejected('it is not valid UTF-8 text (byte %d is not)' % exc.start) from None


def _unique_keys(pairs):
    obj = dict(pairs)
    if len(obj) == len(pairs):
        return obj
    seen = set()
    for key, _ in pairs:
        if key in seen:
            named = '"%s"' % key if _PLAIN_KEY.fullmatch(key) else 'a key'
            raise JSONRejected('its JSON has %s twice in one object' % named)
        seen.add(key)


def _bounded_int(text):
    if len(text.lstrip('-')) > MAX_INT_DIGITS:
        raise JSONRejected('its JSON holds an integer of more than %d digits' % MAX_INT_DIGITS)
    return int(text)


def loads(data):
    """The value of the JSON document ``data`` (bytes), or JSONRejected saying why it is refused."""
    text = decoded(data)
    check_sizes(data)
    try:
        value = json.loads(text, object_pairs_hook=_unique_keys, parse_int=_bounded_int)
    except JSONRejected:
        raise
    except ValueError as exc:
        # The decoder's own message names a line and column and echoes nothing of the document.
        raise JSONRejected('its JSON does not parse: %s' % exc) from None
    if _SURROGATE_ESCAPE.search(data):
        # Rare (Jupyter writes non-ASCII text as UTF-8, not as escapes), so the check that finds a lone
        # one, encoding everything back, runs only when an escape of a surrogate is there at all.
        try:
            json.dumps(value, ensure_ascii=False).encode('utf-8')
        except UnicodeEncodeError:
            raise JSONRejected('its JSON holds a lone surrogate escape (such as \\ud800), which is not text') from None
    return value
