"""The verdicts of a validation run, all on outcomes: one row per variant, and the run-level rows.

- correct: full automatic credit;
- bug: loses points in the check named for it, and none elsewhere beyond what error carried forward
  allows (``autograder.validation.variant.collateral``: the training checks' own points, for a mistake in the
  net itself);
- hostile: no more than its stub twin in any check, zero in every check whose function it replaced, its
  grading finished, no trace of it left anywhere watched, its mark in nobody's results, no secret in its
  outputs;
- run: submissions unchanged, everyone graded with intact results, the grader's memory bounded, no planted
  secret in any output, no new files in the shared places, no process left, no connection to the
  listeners, the planted folders unchanged.
"""
import csv
import os
import re
from dataclasses import dataclass
from pathlib import Path

from autograder.validation.class_notebooks import digest
from autograder.validation.evidence import Evidence
from autograder.validation.grading_settings import submission_timeout
from autograder.validation.variant import collateral
from autograder.validation.watch import SHARED_PLACES

GRADER_MEMORY_BOUND_MB = 1024


@dataclass
class Row:
    """One verdict: a variant's (or, of kind 'run', a run-level check's) expectation, what happened, and whether it held."""
    variant: str
    kind: str
    expected: str
    got: str
    ok: bool
    containment: str = None     # hostile and run rows: which isolation levels must keep it (hostile.CONTAINMENTS)
    group: str = None       # hostile rows: what the submission attacks
    collateral: float = None   # bugs: points lost outside the check named for them
    beyond_rule: float = None  # bugs: the part of that the rule does not allow (variants.collateral)


def judge(assignment, variant, data, twin=None, evidence=None):
    if data is None:
        return Row(variant.name, variant.kind, 'graded', 'no results', False, variant.containment, variant.group)
    points = data.points
    failed = data.grading_failed
    if variant.kind == 'correct':
        full = assignment.max_automatic_points
        return Row(variant.name, 'correct', 'full credit', '%g/%g' % (data.score, full), data.score == full)
    if variant.kind == 'bug':
        full = assignment.by_name[variant.loses_in].points
        got = points.get(variant.loses_in, 0)
        lost = {spec.name: spec.points - points.get(spec.name, 0) for spec in assignment.checks
                if points.get(spec.name, 0) < spec.points - 1e-9}
        outside = round(sum(p for check, p in lost.items() if check != variant.loses_in), 2)
        beyond = round(collateral(assignment, variant, lost), 2)
        return Row(variant.name, 'bug', 'loses in %s' % variant.loses_in, '%g/%g there' % (got, full),
                   got < full and beyond == 0, collateral=outside, beyond_rule=beyond)
    expected = '<= stub twin, 0 in %d check(s), no trace' % len(variant.loses_in)
    if twin is None:
        return Row(variant.name, 'hostile', expected, 'its stub twin was not graded', False, variant.containment,
                   variant.group)
    earned = {c: points.get(c, 0) for c in variant.loses_in if points.get(c, 0) > 0}
    twin_points = twin.points
    earned.update({c: p for c, p in points.items() if p > twin_points.get(c, 0) + 1e-9})
    problems = []
    if failed:
        problems.append('grading failed: %s' % failed)
    elif data.execution_time > submission_timeout(assignment):
        problems.append('graded in %.0f s' % data.execution_time)
    if earned:
        problems.append('earned %s' % ', '.join('%s %g' % kv for kv in earned.items()))
    evidence = evidence or Evidence()
    if evidence.traces.get(variant.name):
        problems.append('left %s' % ', '.join(sorted(evidence.traces[variant.name])[:3]))
    if evidence.processes.get(variant.name):
        problems.append('left running: %s' % '; '.join(evidence.processes[variant.name][:2]))
    marked = sorted({f.split(os.sep)[0] if os.sep in f else f for f in evidence.marks.get(variant.name, [])})
    others = [m for m in marked if m != variant.name]
    if others:
        problems.append('its mark in the outputs of %s' % ', '.join(others[:4]))
    elif marked:
        problems.append('its mark (a success it reported) in %s' % ', '.join(marked))
    if evidence.leaks.get(variant.name):
        problems.append('leaked %s' % ', '.join(sorted(set(evidence.leaks[variant.name]))))
    got = '; '.join(problems) or '%g, stub twin %g' % (data.score, twin.score)
    return Row(variant.name, 'hostile', expected, got, not problems, variant.containment, variant.group)


def results_intact(assignment, results, notebooks, before, grades):
    broken = []
    try:
        with open(Path(grades) / 'grades.csv') as f:
            csv_scores = {row['student']: row['score'] for row in csv.DictReader(f)}
    except (OSError, KeyError, csv.Error):
        csv_scores = {}
    for name in notebooks:
        data = results.get(name)
        try:
            assert data is not None, 'no results'
            assert data.student == name, 'student %r' % data.student
            assert data.submission_sha256 == before[name], 'another notebook'
            assert len(data.tests) == len(assignment.checks), '%d tests' % len(data.tests)
            assert abs(float(csv_scores.get(name, 'nan')) - data.score) < 0.01, 'grades.csv disagrees'
            shown = re.search(r'Score: ([0-9.]+) /', (Path(grades) / name / 'feedback.md').read_text())
            assert not shown or abs(float(shown.group(1)) - data.score) < 0.01, 'feedback.md disagrees'
        except (AssertionError, KeyError, TypeError, ValueError, OSError) as exc:
            broken.append('%s (%s)' % (name, str(exc) or 'unreadable'))
    return broken


def run_rows(ctx):
    """The run-level rows, from what was noted before the run and found after it."""
    results, notebooks, before = ctx['results'], ctx['notebooks'], ctx['before']
    planted, evidence, listener = ctx['planted'], ctx['evidence'], ctx['listener']
    changed = [name for name, h in digest(notebooks).items() if before[name] != h]
    # A hostile submission's own grading failure is its own verdict; anyone else's is the run's.
    failed_others = sorted(name for name, data in results.items() if ctx['kinds'].get(name) != 'hostile' and
                           data.failure)
    broken = results_intact(ctx['assignment'], results, notebooks, before, ctx['grades'])
    touched = {}
    for owner, files in evidence.marks.items():
        victims = sorted({f.split(os.sep)[0] for f in files if os.sep in f} - {owner})
        if victims:
            touched[owner] = victims
    memory = {name: data.peak_memory_mb.get('grader', 0) for name, data in results.items() if not data.grading_failed}
    worst = max(memory.items(), key=lambda kv: kv[1] or 0, default=(None, 0))
    file_leaks = {label: files for label, files in evidence.leaked_files.items() if label not in planted.grader_secrets}
    grader_leaks = {label: files for label, files in evidence.leaked_files.items() if label in planted.grader_secrets}

    def leaks(found):
        return '; '.join('%s in %s' % (label, ', '.join(sorted(files)[:2])) for label, files in sorted(found.items()))

    new_files = ctx['new_files']
    left = ctx['leftovers']
    rows = [
        Row('run completed', 'run', 'the grader finished the run', ctx['aborted'] or 'finished',
            not ctx['aborted'], 'robust'),
        Row('submissions unchanged', 'run', 'no file changed', ', '.join(changed) or 'none changed', not changed,
            'robust'),
        Row('no code ran outside', 'run', 'no /tmp/bnkit-pwned', 'found' if ctx['pwned'] else 'absent',
            not ctx['pwned'], 'robust'),
        Row('everyone graded', 'run', '%d results, no honest grading failed' % len(notebooks),
            '%d results%s' % (len(results), '; failed: ' + ', '.join(failed_others) if failed_others else ''),
            len(results) == len(notebooks) and not failed_others, 'robust'),
        Row('results intact', 'run', 'each results.json its own, grades.csv agrees',
            ', '.join(broken[:4]) or 'all intact', not broken, 'robust'),
        Row('nobody else touched', 'run', "no hostile mark in another submission's outputs",
            '; '.join('%s in %s' % (owner, ', '.join(victims[:3])) for owner, victims in sorted(touched.items()))
            or 'none found', not touched, 'robust'),
        Row('grader memory bounded', 'run', 'peak < %d MB for everyone' % GRADER_MEMORY_BOUND_MB,
            'at most %.0f MB (%s)' % (worst[1] or 0, worst[0]), (worst[1] or 0) < GRADER_MEMORY_BOUND_MB, 'robust'),
        Row('no planted file secret leaked', 'run', 'no secret of a planted file in any output',
            leaks(file_leaks) or 'none found', not file_leaks, 'secret'),
        Row('no grader secret leaked', 'run', 'environment, traffic, /etc/shadow in no output',
            leaks(grader_leaks) or 'none found', not grader_leaks, 'isolated'),
        Row('shared places clean', 'run', 'no new file in %s' % ', '.join(SHARED_PLACES),
            ', '.join(sorted(new_files)[:5]) + (' and %d more' % (len(new_files) - 5) if len(new_files) > 5 else '')
            or 'clean', not new_files, 'isolated'),
        Row('no process left', 'run', 'none of a sandbox uid or of this run',
            '; '.join('pid %d uid %d: %s' % (pid, uid, cmd[:90]) for pid, (uid, _, cmd, _) in sorted(left.items())[:3])
            or 'none', not left, 'isolated'),
        Row('no connection to the listeners', 'run', '127.0.0.1:%d (TCP, UDP) never reached' % listener.port,
            '%d connection(s), %d datagram(s)' % (listener.connections, listener.datagrams),
            not listener.connections and not listener.datagrams, 'isolated'),
        Row('planted folders unchanged', 'run', 'no file added or changed', ', '.join(ctx['planted_changed'][:3])
            or 'unchanged', not ctx['planted_changed'], 'isolated'),
        Row('secrets planted', 'run', 'where this machine allows',
            '%d planted%s' % (len(planted.secrets), '; skipped ' + '; '.join(planted.skipped) if planted.skipped
                              else ''), True),
    ]
    if ctx['isolation'] is not None:
        levels = sorted({str(data.isolation) for data in results.values() if not data.grading_failed})
        rows.append(Row('isolation as requested', 'run', ctx['isolation'], ', '.join(levels) or 'none',
                        levels == [ctx['isolation']], 'robust'))
    return rows

