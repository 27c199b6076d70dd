"""What grading leaves behind: per-student results and feedback, the class CSV and summary.

OUTDIR/<student>/results.json   ``Results`` (autograder.reports.results_schema), written last: its presence
                                means "graded"
OUTDIR/<student>/feedback.md    what failed and why, in words a student can act on
OUTDIR/<student>/feedback.html  the same, for a browser or an LMS
OUTDIR/grades.csv               student,score,max_score, then one column per check
OUTDIR/summary.md               the class at a glance, with failures and diagnosed mistakes listed
OUTDIR/grade_distribution.svg   histogram of scores
OUTDIR/report.html              the class report, one self-contained page (autograder.reports.class_report)
OUTDIR/run.json                 the run's wall clock, for the report when it is rebuilt
OUTDIR/similarity.json, .html   written by bnkit similarity (autograder.reports.similarity), shown in report.html
"""
import csv
import io
import json
from pathlib import Path

from autograder.reports import class_report, similarity
from autograder.reports.histogram import histogram_svg
from autograder.reports.results_schema import Results, ResultsError
from autograder.reports.files import PARTIAL, remove_partial_files, write_atomically  # noqa: F401 (the run's API)
from autograder.reports.safetext import csv_cell, md_inline, terminal
from autograder.reports.safetext import html as html_text


def feedback_markdown(data, assignment):
    lines = ['# %s: automatic feedback' % assignment.title, '',
             '**Score: %g / %g**' % (data.score, data.max_score), '']
    if data.output:
        lines += ['## About your notebook', ''] + ['- %s' % md_inline(m) for m in data.output.splitlines()] + ['']
    lines += ['| check | points |', '|---|---|']
    lines += ['| %s | %g / %g |' % (md_inline(t.name), t.score, t.max_score) for t in data.tests]
    failed = [t for t in data.tests if not t.passed]
    if failed:
        lines += ['', '## What to fix', '']
        for t in failed:
            lines.append('### %s (%g / %g)' % (md_inline(t.name), t.score, t.max_score))
            lines += ['- %s' % md_inline(m) for m in t.output.splitlines()] or ['- (no details)']
            lines.append('')
    else:
        lines += ['', 'Every automatic check passed.']
    if assignment.questions:
        lines += ['', hand_graded_sentence(assignment)]
    return '\n'.join(lines) + '\n'


FEEDBACK_CSS = """
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 46em; margin: 2em auto;
       padding: 0 1em; color: #1d1d1f; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.6em; } h3 { font-size: 1.05em; }
.score { font-size: 1.2em; font-weight: 600; }
table { border-collapse: collapse; width: 100%; margin: 1em 0; }
th, td { text-align: left; padding: .4em .7em; border-bottom: 1px solid #ddd; }
th { background: #f4f4f6; }
td.points { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.passed td.status { color: #0a7a2f; } tr.failed td.status { color: #b3261e; font-weight: 600; }
.notice { background: #fff4e5; border-left: 4px solid #e8a33d; padding: .5em 1em; }
li { margin: .2em 0; }
figure { margin: .5em 0 1em; } figure img { max-width: 100%; } figcaption { color: #555; font-size: .9em; }
"""


def feedback_html(data, assignment):
    """The feedback as one self-contained page (inline style, no external resources), every text escaped."""
    rows = ''.join('<tr class="%s"><td>%s</td><td class="status">%s</td><td class="points">%g / %g</td></tr>'
                   % ('passed' if t.passed else 'failed', html_text(t.name),
                      'passed' if t.passed else 'to fix', t.score, t.max_score)
                   for t in data.tests)
    drawing = assignment.optional_module('figures')
    details = ''.join('<h3>%s</h3><ul>%s</ul>%s'
                      % (html_text(t.name), ''.join('<li>%s</li>' % html_text(m) for m in t.output.splitlines()),
                         drawing.figure_html(t.check, data.figures.get(t.check)) if drawing else '')
                      for t in data.tests if not t.passed)
    notes = ''.join('<li>%s</li>' % html_text(m) for m in data.output.splitlines())
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<title>Automatic feedback</title><style>%s</style></head><body>'
            '<h1>%s: automatic feedback</h1><p class="score">Score: %g / %g</p>%s'
            '<table><tr><th>check</th><th>result</th><th class="points">points</th></tr>%s</table>%s'
            '%s</body></html>\n'
            % (FEEDBACK_CSS, html_text(assignment.title), data.score, data.max_score,
               '<div class="notice"><ul>%s</ul></div>' % notes if notes else '', rows,
               '<h2>What to fix</h2>' + details if details else '<p>Every automatic check passed.</p>',
               '<p>%s</p>' % html_text(hand_graded_sentence(assignment)) if assignment.questions else ''))


def write_student_reports(folder, data, assignment):
    folder = Path(folder)
    write_atomically(folder / 'feedback.md', feedback_markdown(data, assignment))
    write_atomically(folder / 'feedback.html', feedback_html(data, assignment))
    data.write(folder / 'results.json')


def load_results(outdir):
    """{student: Results} for every finished student folder under outdir, keyed by the student's own name
    (``Results.student``; folders hold a name made safe for the file system). A file that is not a
    results.json the grader wrote is passed over: that student is not graded."""
    out = {}
    for path in sorted(Path(outdir).glob('*/results.json')):
        try:
            data = Results.read(path)
        except ResultsError:
            continue
        out[data.student] = data
    return out


def grades_csv(assignment, all_results):
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator='\n')
    writer.writerow(['student', 'score', 'max_score'] + [s.name for s in assignment.checks] + ['note'])
    for student in sorted(all_results):
        data = all_results[student]
        points = data.points
        note = data.failure or ''
        writer.writerow([csv_cell(student), '%g' % data.score, '%g' % data.max_score]
                        + ['%g' % points.get(s.name, 0) for s in assignment.checks]
                        + [csv_cell('not graded: %s' % note) if note else ''])
    return buf.getvalue()


def score_table(assignment, all_results):
    """A plain-text table of the class, for the terminal."""
    header = '%-24s %7s  ' % ('student', 'score') + ' '.join('%5s' % spec.column for spec in assignment.checks)
    lines = [header, '-' * len(header)]
    for student in sorted(all_results):
        data = all_results[student]
        points = data.points
        lines.append('%-24s %7s  ' % (terminal(student, 24), '%g/%g' % (data.score, data.max_score))
                     + ' '.join('%5g' % points.get(s.name, 0) for s in assignment.checks))
    return '\n'.join(lines)


def hand_graded_sentence(assignment):
    """What feedback says about the points a person gives."""
    return '%s %s graded by hand (%g points).' % (
        '; '.join(q.title for q in assignment.questions), 'is' if len(assignment.questions) == 1 else 'are',
        assignment.hand_graded_points)


def failures_of(all_results):
    """[(student, why)] of the submissions that were not graded, or graded with a notice about the notebook."""
    failures = []
    for student, data in sorted(all_results.items()):
        if data.failure:
            failures.append((student, 'not graded: %s' % data.not_graded if data.not_graded else data.grading_failed))
        elif data.output:
            failures.append((student, data.output.splitlines()[0]))
    return failures


def write_class_reports(outdir, assignment, all_results, failures=(), run_seconds=None, environment=None):
    """grades.csv, summary.md, the histogram and report.html. ``run_seconds`` (the run's wall clock) and
    ``environment`` (the limits the environment set and what was clamped to fit them, one line) are kept in
    run.json, so a later rebuild of the reports (``bnkit similarity``) still shows them."""
    outdir = Path(outdir)
    if run_seconds is None:
        try:
            run_seconds = float(json.loads((outdir / 'run.json').read_text())['run_seconds'])
        except (OSError, ValueError, KeyError, TypeError):
            run_seconds = None
    else:
        write_atomically(outdir / 'run.json', json.dumps({'run_seconds': round(run_seconds, 1),
                                                          'environment_limits': environment or None}) + '\n')
    write_atomically(outdir / 'grades.csv', grades_csv(assignment, all_results))
    scores = [d.score for d in all_results.values()]
    facts = class_report.run_facts(all_results, run_seconds)
    lines = ['# %s: class summary' % assignment.title, '', '%d submissions graded.' % len(all_results)]
    levels = facts['isolation']
    lines.append('Isolation level: %s.' % ', '.join(levels) if levels else 'No submission ran in a sandbox.')
    for warning in facts['warnings']:
        lines += ['', '**Warning:** %s.' % warning]
    if scores:
        lines.append('Mean score %.1f / %g, median %.1f.' % (sum(scores) / len(scores), assignment.max_automatic_points,
                                                             sorted(scores)[len(scores) // 2]))
        lines.append('Grading time %.0f s in all (at most %.1f s for one submission%s); peak memory %.0f MB '
                     '(grader), %.0f MB (sandboxed workers).'
                     % (facts['seconds_total'], facts['seconds_max'],
                        ', the run took %.0f s' % run_seconds if run_seconds else '', facts['grader_mb'],
                        facts['worker_mb']))
        lines += ['', '| check | mean points | full credit |', '|---|---|---|']
        for spec in assignment.checks:
            got = [next(t.score for t in d.tests if t.check == spec.name) for d in all_results.values()]
            lines.append('| %s | %.2f / %g | %d of %d |' % (spec.title, sum(got) / len(got), spec.points,
                                                             sum(g >= spec.points for g in got), len(got)))
    mistakes = class_report.class_mistakes(all_results)
    if mistakes:
        known = assignment.explained_bugs()
        lines += ['', '## Mistakes the class made', '', '| mistake | students | who |', '|---|---|---|']
        lines += ['| %s: %s | %d | %s |' % (md_inline(m), md_inline(known[m].explanation if m in known else ''),
                                             len(who), ', '.join(md_inline(s) for s in who))
                  for m, who in mistakes]
    if failures:
        lines += ['', '## Submissions that could not be graded normally', '']
        lines += ['- %s: %s' % (md_inline(student), md_inline(why)) for student, why in failures]
    lines += ['', 'The whole class, sortable, with links to every feedback: [report.html](report.html).']
    lines += ['', '![grade distribution](grade_distribution.svg)']
    histogram = histogram_svg(scores, assignment.max_automatic_points)
    write_atomically(outdir / 'grade_distribution.svg', histogram)
    write_atomically(outdir / 'summary.md', '\n'.join(lines) + '\n')
    write_atomically(outdir / 'report.html', class_report.report_html(
        assignment, all_results, failures, class_report.folders_of(outdir), histogram, run_seconds, similarity.load(outdir)))


