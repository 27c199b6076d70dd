"""Student-controlled text made safe for each place it is shown: one function per format.

Student names come from file and folder names, messages from their code's exceptions: anything may be in
them. Every report passes such text through exactly one of these before writing it.
"""
import html as _html
import re
import unicodedata

CONTROL = re.compile(r'[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]')
MARKDOWN_SPECIAL = re.compile(r'([\\`*_{}\[\]()#!|~])')   # inline syntax; < > & are escaped as HTML
LINE_START = re.compile(r'^(\s*)([-+=]|\d+[.)])')            # what would start a list, heading or quote
MAX_NAME = 80


def terminal(text, limit=None):
    """No escape sequences, no carriage returns, no other control characters: for a terminal line."""
    text = CONTROL.sub('?', str(text).replace('\n', ' ').replace('\t', ' '))
    return text[:limit] if limit else text


def csv_cell(text):
    """A spreadsheet reads a cell starting with = + - @ (or a tab or CR) as a formula: quote it."""
    text = str(text)
    return "'" + text if text[:1] in ('=', '+', '-', '@', '\t', '\r') else text


def html(text):
    return _html.escape(str(text), quote=True)


def md_inline(text):
    """One line of markdown that renders as the literal text: HTML escaped, markdown syntax neutralised."""
    text = MARKDOWN_SPECIAL.sub(r'\\\1', terminal(text))
    text = LINE_START.sub(lambda m: m.group(1) + '\\' + m.group(2), text)
    return _html.escape(text, quote=False)


def md_block(text):
    """Several lines shown verbatim: a fenced code block longer than any backtick run inside it."""
    text = CONTROL.sub('?', str(text).replace('\r', ''))
    fence = '`' * max(3, max((len(m) for m in re.findall('`+', text)), default=0) + 1)
    return '%s\n%s\n%s' % (fence, text, fence)


class FoldedNames(set):
    """Folder names already taken, in lower case (so a case-insensitive file system cannot merge two): kept
    by a caller that names a whole class, so each name costs one look-up, not a pass over the class."""

    def add(self, name):
        super().add(name.lower())


def folder_name(name, taken=()):
    """A name safe as one folder: no separators, no leading dots, bounded, and not in ``taken``."""
    text = unicodedata.normalize('NFKC', str(name))
    text = re.sub(r'[^A-Za-z0-9._-]+', '_', text).lstrip('.')[:MAX_NAME] or 'student'
    taken = taken if isinstance(taken, FoldedNames) else {t.lower() for t in taken}
    candidate, n = text, 2
    while candidate.lower() in taken:
        candidate, n = '%s-%d' % (text[:MAX_NAME - 6], n), n + 1
    return candidate
