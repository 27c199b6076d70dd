"""The verdicts of a validation run as a table to read, with totals per kind and per attack group, and as JSON."""
import json
from dataclasses import asdict

from autograder.validation.hostile import GROUPS


def table(rows, global_rows):
    lines = ['%-30s %-8s %-40s %-32s %-10s %s' % ('variant', 'kind', 'expected', 'got', 'collateral', 'verdict'),
             '-' * 132]
    for r in rows + global_rows:
        lines.append('%-30s %-8s %-40s %-32s %-10s %s' % (r.variant[:30], r.kind, r.expected[:40], r.got[:32],
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
    for group, words in GROUPS.items():
        of_group = [r for r in rows if r.kind == 'hostile' and r.group == group]
        if of_group:
            lines.append('  %-34s %d / %d' % (words[:33] + ':', sum(r.ok for r in of_group), len(of_group)))
    lines.append('%-36s %s' % ('run-level checks:', 'all ok' if all(r.ok for r in global_rows) else 'FAILED'))
    failed = [r for r in rows + global_rows if not r.ok]
    if failed:
        lines += ['', 'What failed, in full:'] + ['  %s: %s' % (r.variant, r.got) for r in failed]
    return '\n'.join(lines)


def rows_as_json(rows, global_rows, seconds):
    return json.dumps({'rows': [asdict(r) for r in rows], 'run': [asdict(r) for r in global_rows],
                       'seconds': round(seconds, 1)}, indent=1)

