"""What grading leaves behind: per-student results and feedback, the class CSV and summary.

OUTDIR/<student>/results.json   Gradescope's schema (written last: its presence means "graded")
OUTDIR/<student>/feedback.md    what failed and why, in words a student can act on
OUTDIR/<student>/feedback.html  the same, for a browser or an LMS
OUTDIR/grades.csv               student,score,max_score, then one column per check
OUTDIR/summary.md               the class at a glance, with failures listed
OUTDIR/grade_distribution.png   histogram of scores
"""
import csv
import html
import io
import json
import os
import tempfile
from pathlib import Path

from autograder import registry


def write_atomically(path, text):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix='.' + path.name + '.', dir=path.parent)
    with os.fdopen(fd, 'w') as f:
        f.write(text)
    os.replace(tmp, path)


def feedback_markdown(data):
    extra = data['extra_data']
    lines = ['# Batch normalization: automatic feedback', '',
             '**Score: %g / %g**' % (data['score'], extra['max_score']), '']
    if data.get('output'):
        lines += ['## About your notebook', ''] + ['- %s' % m for m in data['output'].splitlines()] + ['']
    lines += ['| check | points |', '|---|---|']
    lines += ['| %s | %g / %g |' % (t['name'], t['score'], t['max_score']) for t in data['tests']]
    failed = [t for t in data['tests'] if t['status'] != 'passed']
    if failed:
        lines += ['', '## What to fix', '']
        for t in failed:
            lines.append('### %s (%g / %g)' % (t['name'], t['score'], t['max_score']))
            lines += ['- %s' % m for m in t['output'].splitlines()] or ['- (no details)']
            lines.append('')
    else:
        lines += ['', 'Every automatic check passed.']
    lines += ['', 'The free-response question is graded by hand.']
    return '\n'.join(lines) + '\n'


def feedback_html(data):
    extra = data['extra_data']
    rows = ''.join('<tr><td>%s</td><td>%g / %g</td></tr>' % (html.escape(t['name']), t['score'], t['max_score'])
                   for t in data['tests'])
    details = ''.join('<h3>%s</h3><ul>%s</ul>' % (html.escape(t['name']),
                                                  ''.join('<li>%s</li>' % html.escape(m) for m in t['output'].splitlines()))
                      for t in data['tests'] if t['status'] != 'passed')
    notes = ''.join('<li>%s</li>' % html.escape(m) for m in data.get('output', '').splitlines())
    return ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>Feedback</title></head><body>'
            '<h1>Batch normalization: automatic feedback</h1><p><b>Score: %g / %g</b></p>%s'
            '<table border="1"><tr><th>check</th><th>points</th></tr>%s</table>%s'
            '<p>The free-response question is graded by hand.</p></body></html>\n'
            % (data['score'], extra['max_score'], '<ul>%s</ul>' % notes if notes else '', rows,
               '<h2>What to fix</h2>' + details if details else '<p>Every automatic check passed.</p>'))


def write_student_reports(folder, data):
    folder = Path(folder)
    write_atomically(folder / 'feedback.md', feedback_markdown(data))
    write_atomically(folder / 'feedback.html', feedback_html(data))
    write_atomically(folder / 'results.json', json.dumps(data, indent=2, sort_keys=True) + '\n')


def load_results(outdir):
    """{student: results} for every finished student folder under outdir."""
    out = {}
    for path in sorted(Path(outdir).glob('*/results.json')):
        try:
            out[path.parent.name] = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
    return out


def grades_csv(all_results):
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator='\n')
    writer.writerow(['student', 'score', 'max_score'] + [s.name for s in registry.CHECKS])
    for student in sorted(all_results):
        data = all_results[student]
        by_tag = {t['tags'][0]: t['score'] for t in data['tests']}
        writer.writerow([student, '%g' % data['score'], '%g' % data['extra_data']['max_score']]
                        + ['%g' % by_tag.get(s.name, 0) for s in registry.CHECKS])
    return buf.getvalue()


def score_table(all_results):
    """A plain-text table of the class, for the terminal."""
    short = ['fwd', 'stats', 'mode', 'bwd', 'init', 'grads', 'test', 'train']
    header = '%-24s %7s  ' % ('student', 'score') + ' '.join('%5s' % s for s in short)
    lines = [header, '-' * len(header)]
    for student in sorted(all_results):
        data = all_results[student]
        by_tag = {t['tags'][0]: t['score'] for t in data['tests']}
        lines.append('%-24s %7s  ' % (student[:24], '%g/%g' % (data['score'], data['extra_data']['max_score']))
                     + ' '.join('%5g' % by_tag.get(s.name, 0) for s in registry.CHECKS))
    return '\n'.join(lines)


def write_class_reports(outdir, all_results, failures=()):
    outdir = Path(outdir)
    write_atomically(outdir / 'grades.csv', grades_csv(all_results))
    scores = [d['score'] for d in all_results.values()]
    lines = ['# Class summary', '', '%d submissions graded.' % len(all_results)]
    levels = sorted({str(d['extra_data'].get('isolation')) for d in all_results.values()})
    lines.append('Isolation level: %s.' % ', '.join(levels) if levels else 'No submission ran in a sandbox.')
    warnings = sorted({d['extra_data']['isolation_warning'] for d in all_results.values()
                       if d['extra_data'].get('isolation_warning')})
    for warning in warnings:
        lines += ['', '**Warning:** %s.' % warning]
    if scores:
        lines.append('Mean score %.1f / %g, median %.1f.' % (sum(scores) / len(scores), registry.MAX_AUTOMATIC_POINTS,
                                                             sorted(scores)[len(scores) // 2]))
        lines += ['', '| check | mean points | full credit |', '|---|---|---|']
        for spec in registry.CHECKS:
            got = [next(t['score'] for t in d['tests'] if t['tags'][0] == spec.name) for d in all_results.values()]
            lines.append('| %s | %.2f / %g | %d of %d |' % (spec.title, sum(got) / len(got), spec.points,
                                                             sum(g >= spec.points for g in got), len(got)))
    if failures:
        lines += ['', '## Submissions that could not be graded normally', '']
        lines += ['- %s: %s' % (student, why) for student, why in failures]
    lines += ['', '![grade distribution](grade_distribution.png)']
    write_atomically(outdir / 'summary.md', '\n'.join(lines) + '\n')
    plot_distribution(outdir / 'grade_distribution.png', scores)


def plot_distribution(path, scores):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.hist(scores, bins=range(0, int(registry.MAX_AUTOMATIC_POINTS) + 6, 5), color='#4c72b0', edgecolor='white')
    ax.set_xlabel('Automatic score (out of %g)' % registry.MAX_AUTOMATIC_POINTS)
    ax.set_ylabel('Students')
    ax.set_title('Grade distribution (%d submissions)' % len(scores))
    fig.tight_layout()
    tmp = Path(path).with_name('.' + Path(path).name + '.tmp.png')
    fig.savefig(tmp, dpi=100)
    plt.close(fig)
    os.replace(tmp, path)
