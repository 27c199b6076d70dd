"""Grading the whole validation set in one run and judging the grader by it.

Every variant becomes a release notebook with its code in the solution cells. All of them, honest and
hostile mixed, are graded in ONE ``bnkit grade`` run, so a hostile submission that disturbed the run or
another student's grade would show. Verdicts:

- correct: full automatic credit;
- bug: loses points in the check named for it, and none elsewhere beyond what error carried forward
  allows (``variants.collateral``: the training check's own points, for a mistake in the net itself);
- hostile: zero in every check whose function it replaced, its grading finished, nobody else's grade
  changed (the reference is graded in the same run and must keep full marks), no submission file changed,
  and no side effect outside the sandbox.
"""
import hashlib
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder import registry
from autograder.notebook_fill import fill_solution_cells
from autograder.runner import grade_all
from autograder.sandbox import Limits
from autograder.validation.variants import all_variants, collateral

RELEASE_NB = Path(__file__).resolve().parents[2] / 'release' / 'BatchNormalization' / 'BatchNormalization.ipynb'
PWNED = Path('/tmp/bnkit-pwned')   # what the pickle payload would create if anything ever unpickled it


@dataclass
class Row:
    variant: str
    kind: str
    expected: str
    got: str
    ok: bool
    collateral: float = None   # bugs: points lost outside the check named for them
    beyond_rule: float = None  # bugs: the part of that the rule does not allow (variants.collateral)


def write_class(folder, variants, release_nb=RELEASE_NB):
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for variant in variants:
        path = folder / ('%s.ipynb' % variant.name)
        sources = {k: v for k, v in variant.sources().items() if v is not None}  # None keeps the release's stub
        nbformat.write(fill_solution_cells(release_nb, sources), str(path))
        paths[variant.name] = path
    return paths


def digest(paths):
    return {name: hashlib.sha256(Path(p).read_bytes()).hexdigest() for name, p in paths.items()}


def check_points(data):
    return {t['tags'][0]: t['score'] for t in data['tests']}


def judge(variant, data, twin=None):
    if data is None:
        return Row(variant.name, variant.kind, 'graded', 'no results', False)
    points = check_points(data)
    failed = data['extra_data'].get('grading_failed')
    if variant.kind == 'correct':
        ok = data['score'] == registry.MAX_AUTOMATIC_POINTS
        return Row(variant.name, 'correct', 'full credit', '%g/%g' % (data['score'], registry.MAX_AUTOMATIC_POINTS), ok)
    if variant.kind == 'bug':
        full = registry.BY_NAME[variant.loses_in].points
        got = points.get(variant.loses_in, 0)
        lost = {spec.name: spec.points - points.get(spec.name, 0) for spec in registry.CHECKS
                if points.get(spec.name, 0) < spec.points - 1e-9}
        outside = round(sum(p for check, p in lost.items() if check != variant.loses_in), 2)
        beyond = round(collateral(variant, lost), 2)
        return Row(variant.name, 'bug', 'loses in %s' % variant.loses_in, '%g/%g there' % (got, full),
                   got < full and beyond == 0, outside, beyond)
    earned = {c: points.get(c, 0) for c in variant.loses_in if points.get(c, 0) > 0}
    if twin is None:
        return Row(variant.name, 'hostile', 'contained', 'its stub twin was not graded', False)
    twin_points = check_points(twin)
    above = {c: p for c, p in points.items() if p > twin_points.get(c, 0) + 1e-9}
    earned.update(above)
    ok = not earned and not failed
    got = 'grading failed: %s' % failed if failed else (
        'earned %s' % ', '.join('%s %g' % kv for kv in earned.items()) if earned else
        '%g, stub twin %g' % (data['score'], twin['score']))
    return Row(variant.name, 'hostile', '<= stub twin, 0 in %d check(s)' % len(variant.loses_in), got, ok)


def validate(workdir=None, jobs=2, limits=None, variants=None, progress=True, isolation=None):
    """Grade the validation set at ``isolation`` (None: the strongest level that starts); returns (rows,
    global rows, seconds)."""
    from autograder.validation.hostile import stub_twin
    variants = variants or all_variants()
    twins = [stub_twin(v) for v in variants if v.kind == 'hostile']
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix='bnkit-validate-') as tmp:
        work = Path(workdir or tmp)
        if PWNED.exists():
            PWNED.unlink()
        notebooks = write_class(work / 'submissions', variants + twins)
        before = digest(notebooks)
        limits = limits or Limits(call_timeout=5.0, cpu_seconds=120, memory_mb=1024)
        results, _ = grade_all(notebooks, work / 'grades', jobs=jobs, limits=limits, check_timeout=30.0,
                               budget=540.0, progress=progress,
                               isolation=isolation)
        rows = [judge(v, results.get(v.name), results.get(v.name + '__stub_twin')) for v in variants]
        changed = [name for name, h in digest(notebooks).items() if before[name] != h]
        global_rows = [
            Row('submissions unchanged', 'run', 'no file changed', ', '.join(changed) or 'none changed', not changed),
            Row('no code ran outside', 'run', 'no /tmp/bnkit-pwned', 'found' if PWNED.exists() else 'absent',
                not PWNED.exists()),
            Row('everyone graded', 'run', '%d results' % len(notebooks), '%d results' % len(results),
                len(results) == len(notebooks)),
        ]
    return rows, global_rows, time.monotonic() - start


def table(rows, global_rows):
    lines = ['%-30s %-8s %-40s %-32s %-10s %s' % ('variant', 'kind', 'expected', 'got', 'collateral', 'verdict'),
             '-' * 132]
    for r in rows + global_rows:
        lines.append('%-30s %-8s %-40s %-32s %-10s %s' % (r.variant, r.kind, r.expected[:40], r.got[:32],
                                                           '' if r.collateral is None else '%g' % r.collateral,
                                                           'ok' if r.ok else 'FAIL'))
    lines.append('')
    bugs = [r for r in rows if r.kind == 'bug']
    lines.append('%-36s %g points over %d bugs (%d with any); beyond the rule: %g points' % (
        'collateral (outside the named check):', sum(r.collateral or 0 for r in bugs), len(bugs),
        sum(1 for r in bugs if r.collateral), sum(r.beyond_rule or 0 for r in bugs)))
    for kind, label in (('correct', 'correct variants with full credit'), ('bug', 'bugs caught'),
                        ('hostile', 'hostile submissions contained')):
        of_kind = [r for r in rows if r.kind == kind]
        good = sum(r.ok for r in of_kind)
        lines.append('%-36s %d / %d (%.0f%%)' % (label + ':', good, len(of_kind), 100.0 * good / max(len(of_kind), 1)))
    lines.append('%-36s %s' % ('run-level checks:', 'all ok' if all(r.ok for r in global_rows) else 'FAILED'))
    return '\n'.join(lines)


def nbgrader_agreement(variants, bnkit_scores, cifar_dir=None):
    """[(variant, nbgrader automatic score, bnkit score)] for the given honest variants."""
    from autograder.fakedata import write_fake_cifar10
    from autograder.release import autograde, environment
    with tempfile.TemporaryDirectory(prefix='bnkit-agree-') as tmp:
        tmp = Path(tmp)
        notebooks = write_class(tmp / 'nb', variants)
        data = cifar_dir or write_fake_cifar10(tmp / 'cifar', 250, 100)
        with environment(BNKIT_QUICK='1', CIFAR10_DIR=data):
            scores = autograde(notebooks)
    return [(v.name, scores[v.name][0], bnkit_scores.get(v.name)) for v in variants]
