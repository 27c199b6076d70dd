"""Similar solutions: which students' solution cells share much of their code, as evidence for a person.

Each student's solution cells (nbgrader metadata; every code cell when it was damaged) are fingerprinted
with copydetect (winnowing over pygments tokens: names, strings and layout do not matter), with the release's
starter code as boilerplate, so the stubs' signatures and docstrings that everyone received count for
nothing. For each pair, copydetect gives the share of each student's own code found in the other's. A pair
is listed when both shares reach ``THRESHOLD``: each of the two has at least that much of their own code in
common with the other. Nothing here touches a grade.

copydetect is an optional dependency (``pip install bnkit[instructor]``); ``load`` works without it.
"""
import ast
import io
import json
from collections import Counter, defaultdict
from pathlib import Path

from autograder.notebook.extract import NotebookError, read_cell, read_notebook
from autograder.reports.files import write_atomically

# Measured on the validation set's distinct implementations (README, "Similar solutions"): two correct
# implementations of the same function share at most 0.42 of their code (the smaller of
# the pair's two shares); a copy with renamed variables, added comments and blank lines shares all of it.
THRESHOLD = 0.6
NOISE_TOKENS = 25       # copydetect's k: a match shorter than this many tokens is noise
GUARANTEE_TOKENS = 30   # a match at least this long is always found (copydetect's window is the difference + 1)
MIN_TOKENS = 40         # a submission with less code of its own than this is left out (stubs, empty cells)
RESULTS_FILE = 'similarity.json'
# The bound that keeps a class of any size near linear (docs/feedback.md, "Similar solutions at scale"):
COMMON_IN = 20          # a fingerprint in more students' code than this is common code, like the starter code
                        # (MOSS ignores such passages too: its -m); it makes no pair a candidate
CANDIDATES = 10         # each student is compared with at most this many others: those sharing the most
                        # fingerprints with them that are not common
SHOWN_PAIRS = 200       # pairs whose code is kept and shown side by side (similarity.html); the rest by name


def without_docstrings(source):
    """The source without its docstrings: the stubs' docstrings are the release's, and they would only crowd
    the side-by-side view (a cell that does not parse, whatever the reason, is kept as it is)."""
    tree, _, _ = read_cell('cell', source)
    if tree is None:
        return source
    drop = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                    and isinstance(first.value.value, str) and len(node.body) > 1:
                drop.update(range(first.lineno, first.end_lineno + 1))
    return '\n'.join(line for number, line in enumerate(source.splitlines(), 1) if number not in drop)


def solution_code(path, raw=None):
    """The text of a notebook's solution cells without docstrings, in notebook order (``raw``: its bytes,
    already read)."""
    cells = [c for c in read_notebook(path, raw) if c['type'] == 'code']
    solution = [c for c in cells if c['nbgrader'].get('solution')] or cells
    return '\n\n'.join(without_docstrings(c['source']) for c in solution)


def _fingerprint(code, boilerplate=()):
    from copydetect import CodeFingerprint
    return CodeFingerprint('solution.py', NOISE_TOKENS, GUARANTEE_TOKENS - NOISE_TOKENS + 1,
                           boilerplate=list(boilerplate), fp=io.StringIO(code))


def _highlighted(fingerprint, slices):
    from copydetect.utils import highlight_overlap
    if slices.ndim != 2 or slices.shape[1] == 0:
        from markupsafe import escape
        return str(escape(fingerprint.raw_code))
    text, _ = highlight_overlap(fingerprint.raw_code, slices, '<mark>', '</mark>', escape_html=True)
    return text


def candidate_pairs(prints):
    """The pairs of students worth comparing, sorted: for each student, the ``CANDIDATES`` others who share the
    most fingerprints with them, leaving out fingerprints in more than ``COMMON_IN`` students. Each fingerprint
    costs at most COMMON_IN squared counts, so the work grows with the class's code, not with its pairs."""
    holders = defaultdict(list)
    for student, fingerprint in prints.items():
        for digest in set(fingerprint.hashes):
            holders[digest].append(student)
    shared = defaultdict(Counter)
    for who in holders.values():
        if 1 < len(who) <= COMMON_IN:
            for a in who:
                shared[a].update(b for b in who if b != a)
    pairs = set()
    for a, counts in shared.items():
        pairs.update(tuple(sorted((a, b))) for b, _ in
                     sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:CANDIDATES])
    return sorted(pairs)


def compare(codes, starter, threshold=THRESHOLD):
    """Pairs of {student: code} above ``threshold``, most similar first: dicts with a, b, share_a, share_b and,
    for the first ``SHOWN_PAIRS``, each side's code as escaped HTML with the shared parts in <mark>. Only the
    candidate pairs (``candidate_pairs``) are compared."""
    from copydetect import compare_files
    boilerplate = _fingerprint(starter).hashes if starter else ()
    prints = {s: _fingerprint(code, boilerplate) for s, code in sorted(codes.items())}
    prints = {s: fp for s, fp in prints.items() if fp.token_coverage >= MIN_TOKENS}
    found = []
    for a, b in candidate_pairs(prints):
        _, (share_a, share_b), slices = compare_files(prints[a], prints[b])
        if min(share_a, share_b) >= threshold:
            found.append(({'a': a, 'b': b, 'share_a': float(share_a), 'share_b': float(share_b)}, slices))
    found.sort(key=lambda item: (-min(item[0]['share_a'], item[0]['share_b']), item[0]['a'], item[0]['b']))
    for pair, (slices_a, slices_b) in found[:SHOWN_PAIRS]:
        pair.update(html_a=_highlighted(prints[pair['a']], slices_a), html_b=_highlighted(prints[pair['b']], slices_b))
    return [pair for pair, _ in found]


def compare_notebooks(accepted, release_nb, threshold=THRESHOLD):
    """(pairs, {student: why it was left out}) for the submissions grading accepted (each with ``student``,
    ``path``, ``content`` and ``rejected``, the reason it was refused or None): each notebook is read once."""
    codes, skipped = {}, {}
    for sub in accepted:
        if sub.rejected:
            skipped[sub.student] = sub.rejected
            continue
        try:
            codes[sub.student] = solution_code(sub.path, sub.content)
        except NotebookError as exc:
            skipped[sub.student] = str(exc)
    starter = solution_code(release_nb) if release_nb else ''
    return compare(codes, starter, threshold), skipped


def save(outdir, pairs, threshold):
    path = Path(outdir) / RESULTS_FILE
    write_atomically(path, json.dumps({'threshold': threshold, 'pairs': pairs}, indent=1) + '\n')


def load(outdir):
    """(pairs, threshold) that ``bnkit similarity`` saved in outdir, or None."""
    try:
        data = json.loads((Path(outdir) / RESULTS_FILE).read_text())
        return list(data['pairs']), float(data['threshold'])
    except (OSError, ValueError, KeyError, TypeError):
        return None
