"""The class report: one self-contained HTML page for the instructor (OUTDIR/report.html).

Score distribution, each check's pass rate and mean points, the known mistakes the class made (with how
many students and who), the submissions that could not be graded and why, grading time and memory, the
isolation level, similar solutions when ``bnkit similarity`` found any, and a sortable table of students
linking to their own feedback. The page loads nothing: its style and script are inline, its figure is a
data URI, and a Content-Security-Policy forbids every other source. Every student-derived text (names,
messages) passes through ``autograder.reports.safetext.html``, and the one script runs by its hash, so nothing a
student wrote could run even if it escaped escaping.
"""
import base64
import hashlib
import json
from pathlib import Path
from urllib.parse import quote

from autograder.reports.results_schema import Results, ResultsError
from autograder.reports.safetext import html as esc

CSS = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 1.5em auto; max-width: 90em;
       padding: 0 1em; color: #1d1d1f; }
h1 { font-size: 1.5em; margin-bottom: .2em; } h2 { font-size: 1.15em; margin-top: 1.8em; }
.facts { color: #555; } .facts b { color: #1d1d1f; }
.grid { display: flex; flex-wrap: wrap; gap: 1.5em; align-items: flex-start; }
.grid > div { flex: 1 1 24em; }
table { border-collapse: collapse; margin: .6em 0; }
th, td { text-align: left; padding: .3em .6em; border-bottom: 1px solid #e3e3e3; vertical-align: top; }
th { background: #f4f4f6; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.bar { display: inline-block; height: .7em; background: #4c72b0; vertical-align: middle; margin-right: .4em; }
.bar.low { background: #c44e52; }
.mistake .who { color: #555; font-size: .92em; }
.scroll { overflow-x: auto; }
.warn { background: #fff4e5; border-left: 4px solid #e8a33d; padding: .4em .8em; }
table.sortable th { cursor: pointer; user-select: none; white-space: nowrap; }
table.sortable th[aria-sort=ascending]::after { content: " \\25B2"; }
table.sortable th[aria-sort=descending]::after { content: " \\25BC"; }
td.note { min-width: 18em; }
td.full { color: #0a7a2f; } td.lost { color: #b3261e; font-weight: 600; }
.pair { margin: 1em 0; border: 1px solid #ddd; }
.pair h3 { font-size: 1em; margin: 0; padding: .4em .6em; background: #f4f4f6; }
.side { display: flex; } .side pre { flex: 1; margin: 0; padding: .6em; overflow-x: auto; font-size: 12px;
       border-left: 1px solid #eee; max-height: 30em; }
mark { background: #ffe08a; }
img.figure { max-width: 100%; }
"""

# The students' table: its rows are data (an inert JSON block, OUTDIR's students in name order) that this
# script sorts and shows a page at a time, so a class of thousands opens and sorts as fast as a small one.
# Sorting by a header: numbers by value, text by its lower case; clicking again reverses; ties keep their
# order. Every text is set with textContent: nothing a student named is ever parsed as HTML.
SCRIPT = """
(function () {
  var table = document.getElementById('students'), data = JSON.parse(document.getElementById('students-data').textContent);
  var rows = data.rows, maxima = data.maxima, page = 0, size = data.page;
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var info = document.getElementById('students-page'), prev = document.getElementById('students-prev'),
      next = document.getElementById('students-next');
  function cell(tr, text, cls, value) {
    var td = document.createElement('td'); td.textContent = text; if (cls) td.className = cls;
    if (value !== undefined) td.setAttribute('data-value', value); tr.appendChild(td); return td;
  }
  function show() {
    var body = document.createElement('tbody'), last = Math.min(rows.length, (page + 1) * size);
    for (var i = page * size; i < last; i++) {
      var r = rows[i], tr = document.createElement('tr'), name = cell(tr, '');
      if (r.folder) { var a = document.createElement('a'); a.href = encodeURIComponent(r.folder) + '/feedback.html';
                      a.textContent = r.student; name.appendChild(a); } else { name.textContent = r.student; }
      cell(tr, String(r.score), 'num', r.score);
      r.points.forEach(function (p, k) { cell(tr, String(p), 'num ' + (p >= maxima[k] ? 'full' : 'lost'), p); });
      cell(tr, r.mistakes); cell(tr, r.seconds.toFixed(1), 'num', r.seconds); cell(tr, r.note, 'note');
      body.appendChild(tr);
    }
    table.replaceChild(body, table.tBodies[0]);
    info.textContent = rows.length ? (page * size + 1) + '\u2013' + last + ' of ' + rows.length : 'none';
    prev.disabled = page === 0; next.disabled = last >= rows.length;
  }
  function key(r, col) {
    var checks = maxima.length;
    if (col === 0) return r.student.toLowerCase();
    if (col === 1) return r.score;
    if (col < 2 + checks) return r.points[col - 2];
    if (col === 2 + checks) return r.mistakes.toLowerCase();
    if (col === 3 + checks) return r.seconds;
    return r.note.toLowerCase();
  }
  headers.forEach(function (th, col) {
    th.addEventListener('click', function () {
      var ascending = th.getAttribute('aria-sort') !== 'ascending';
      headers.forEach(function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      var keyed = rows.map(function (r, i) { return {r: r, i: i, k: key(r, col)}; });
      keyed.sort(function (a, b) {
        var order = a.k < b.k ? -1 : a.k > b.k ? 1 : 0;
        return (ascending ? order : -order) || a.i - b.i;
      });
      rows = keyed.map(function (x) { return x.r; }); page = 0; show();
    });
  });
  prev.addEventListener('click', function () { if (page > 0) { page--; show(); } });
  next.addEventListener('click', function () { if ((page + 1) * size < rows.length) { page++; show(); } });
  show();
})();
"""
PAGE_ROWS = 100     # students shown at once; the table sorts all of them


def folders_of(outdir):
    """{student: their folder's name} under outdir (folders hold a name made safe for the file system)."""
    out = {}
    for path in sorted(Path(outdir).glob('*/results.json')):
        try:
            out[Results.read(path).student] = path.parent.name
        except ResultsError:
            continue
    return out


def mistakes_of(data):
    """The known mistakes diagnosed in one student's results, each once, in the order of the checks."""
    seen = []
    for ids in data.diagnoses.values():
        seen += [i for i in ids if i not in seen]
    return seen


def class_mistakes(all_results):
    """[(mistake id, [students])], most common first."""
    who = {}
    for student in sorted(all_results):
        for mistake in mistakes_of(all_results[student]):
            who.setdefault(mistake, []).append(student)
    return sorted(who.items(), key=lambda kv: (-len(kv[1]), kv[0]))


def run_facts(all_results, run_seconds=None):
    """Grading time and memory, from every student's results."""
    times = [d.execution_time for d in all_results.values()]
    memory = [d.peak_memory_mb for d in all_results.values()]
    return {
        'students': len(all_results),
        'seconds_total': sum(times), 'seconds_max': max(times, default=0.0), 'run_seconds': run_seconds,
        'grader_mb': max((m.get('grader') or 0 for m in memory), default=0),
        'worker_mb': max((m.get('workers') or 0 for m in memory), default=0),
        'isolation': sorted({str(d.isolation) for d in all_results.values()}),
        'warnings': sorted({d.isolation_warning for d in all_results.values() if d.isolation_warning}),
    }


def _link(student, folders, text=None):
    text = esc(student if text is None else text)
    folder = folders.get(student)
    return '<a href="%s/feedback.html">%s</a>' % (esc(quote(folder)), text) if folder else text


def _checks_table(assignment, all_results):
    rows = []
    for spec in assignment.checks:
        got = [d.points.get(spec.name, 0) for d in all_results.values()]
        full = sum(g >= spec.points for g in got)
        rate = full / len(got) if got else 0.0
        rows.append('<tr><td>%s</td><td class="num"><span class="bar%s" style="width:%dpx"></span>%.0f%%</td>'
                    '<td class="num">%.2f / %g</td></tr>'
                    % (esc(spec.title), ' low' if rate < 0.5 else '', round(80 * rate), 100 * rate,
                       sum(got) / len(got) if got else 0.0, spec.points))
    return ('<table><thead><tr><th>check</th><th class="num">full credit</th><th class="num">mean points</th>'
            '</tr></thead><tbody>%s</tbody></table>' % ''.join(rows))


def _mistakes_section(assignment, all_results, folders):
    found = class_mistakes(all_results)
    if not found:
        return '<p>No known mistake was diagnosed in this class.</p>'
    known = assignment.explained_bugs()
    most = max(len(students) for _, students in found)
    items = []
    for mistake_id, students in found:
        m = known.get(mistake_id)
        what = m.explanation if m else mistake_id
        check = assignment.by_name[m.loses_in].title if m and m.loses_in in assignment.by_name else ''
        items.append('<tr class="mistake"><td class="num"><span class="bar" style="width:%dpx"></span>%d</td>'
                     '<td><b>%s</b><br>%s<div class="who">%s</div></td><td>%s</td></tr>'
                     % (round(80 * len(students) / most), len(students), esc(mistake_id), esc(what),
                        ', '.join(_link(s, folders) for s in students), esc(check)))
    return ('<table><thead><tr><th class="num">students</th><th>mistake (when ...)</th><th>loses points in</th>'
            '</tr></thead><tbody>%s</tbody></table>' % ''.join(items))


def _failures_section(failures):
    if not failures:
        return '<p>Every submission was graded.</p>'
    return '<ul>%s</ul>' % ''.join('<li><b>%s</b>: %s</li>' % (esc(s), esc(why)) for s, why in failures)


def _students_table(assignment, all_results, folders):
    """The sortable, paged table of students: headers, an empty body the script fills, and the rows as an
    inert JSON block (``<`` escaped, so no text in it can end the block)."""
    head = ('<th>student</th><th class="num">score</th>'
            + ''.join('<th class="num" title="%s">%s</th>' % (esc(spec.title), esc(spec.short))
                      for spec in assignment.checks)
            + '<th>diagnosed mistakes</th><th class="num">seconds</th><th>note</th>')
    rows = []
    for student in sorted(all_results):
        data = all_results[student]
        points = data.points
        rows.append({'student': student, 'folder': folders.get(student), 'score': data.score,
                     'points': [points.get(spec.name, 0) for spec in assignment.checks],
                     'mistakes': ', '.join(mistakes_of(data)), 'seconds': round(data.execution_time, 1),
                     'note': data.failure or ''})
    block = json.dumps({'rows': rows, 'maxima': [spec.points for spec in assignment.checks], 'page': PAGE_ROWS},
                       separators=(',', ':')).replace('<', '\\u003c').replace('&', '\\u0026')
    return ('<p class="pager"><button type="button" id="students-prev">previous</button> <span id="students-page">'
            '</span> <button type="button" id="students-next">next</button></p>'
            '<div class="scroll"><table class="sortable" id="students"><thead><tr>%s</tr></thead><tbody></tbody>'
            '</table></div><script type="application/json" id="students-data">%s</script>' % (head, block))


# What the class report holds of the similar pairs, so that its size stays bounded whatever the class:
REPORT_SIDE_BY_SIDE = 20    # the most similar pairs, with their code
REPORT_LISTED = 200         # further pairs by name and shares; the rest are in similarity.html


def _similarity_section(pairs, threshold, side_by_side=None, listed=None):
    """The pairs, the first ``side_by_side`` (all that have their code when None) with their code, the next
    ``listed`` (all when None) by name, and a line for the rest."""
    if pairs is None:
        return ('<p>Not computed. <code>bnkit similarity SUBMISSIONS --out OUTDIR</code> adds this section '
                '(it needs <code>pip install bnkit[instructor]</code>).</p>')
    if not pairs:
        return '<p>No pair of solutions is above the threshold (%.0f%% of shared code).</p>' % (100 * threshold)
    blocks = ['<p>%d pairs whose solution cells share at least %.0f%% of their code with the release\'s starter '
              'code left out. This is evidence for a person to look at, not a verdict, and it changes no '
              'grade.</p>' % (len(pairs), 100 * threshold)]
    with_code = [p for p in pairs if 'html_a' in p][:side_by_side]
    for pair in with_code:
        blocks.append('<div class="pair"><h3>%s and %s: %.0f%% and %.0f%% shared</h3><div class="side">'
                      '<pre>%s</pre><pre>%s</pre></div></div>'
                      % (esc(pair['a']), esc(pair['b']), 100 * pair['share_a'], 100 * pair['share_b'],
                         pair['html_a'], pair['html_b']))   # already escaped and highlighted by similarity
    rest = pairs[len(with_code):]
    shown = rest[:listed]
    if shown:
        blocks.append('<table><thead><tr><th>student</th><th>student</th><th class="num">shares</th></tr></thead>'
                      '<tbody>%s</tbody></table>' % ''.join(
                          '<tr><td>%s</td><td>%s</td><td class="num">%.0f%% and %.0f%%</td></tr>'
                          % (esc(p['a']), esc(p['b']), 100 * p['share_a'], 100 * p['share_b']) for p in shown))
    if len(rest) > len(shown):
        blocks.append('<p>%d more pairs are listed in <a href="similarity.html">similarity.html</a>.</p>'
                      % (len(rest) - len(shown)))
    return ''.join(blocks)


def _page(title, body, script=''):
    csp = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src %s" % (
        "'sha256-%s'" % base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() if script else "'none'")
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            '<meta http-equiv="Content-Security-Policy" content="%s">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<title>%s</title><style>%s</style></head><body>%s%s</body></html>\n'
            % (esc(csp), esc(title), CSS, body, '<script>%s</script>' % script if script else ''))


def similarity_page(assignment, pairs, threshold):
    title = '%s: similar solutions' % assignment.title
    return _page(title, '<h1>%s</h1>' % esc(title) + _similarity_section(pairs, threshold))


def report_html(assignment, all_results, failures, folders, histogram_svg=None, run_seconds=None, similarity=None):
    facts = run_facts(all_results, run_seconds)
    scores = [d.score for d in all_results.values()]
    mean = sum(scores) / len(scores) if scores else 0.0
    median = sorted(scores)[len(scores) // 2] if scores else 0.0
    figure = ('<img class="figure" alt="histogram of the automatic scores" src="data:image/svg+xml;base64,%s">'
              % base64.b64encode(histogram_svg.encode()).decode() if histogram_svg else '')
    warnings = ''.join('<p class="warn">%s.</p>' % esc(w) for w in facts['warnings'])
    similarity_pairs, threshold = (similarity if similarity is not None else (None, 0.0))
    title = '%s: class report' % assignment.title
    return _page(title, ''.join([
        '<h1>%s</h1>' % esc(title),
        '<p class="facts"><b>%d</b> submissions; mean <b>%.1f</b>, median <b>%g</b> of %g automatic points. '
        'Isolation level: <b>%s</b>. Grading time: <b>%.0f s</b> of grader time in all, at most %.1f s for one '
        'submission%s. Peak memory: grader %.0f MB, sandboxed workers %.0f MB.</p>'
        % (facts['students'], mean, median, assignment.max_automatic_points, esc(', '.join(facts['isolation'])),
           facts['seconds_total'], facts['seconds_max'],
           '; the run took %.0f s' % run_seconds if run_seconds else '', facts['grader_mb'], facts['worker_mb']),
        warnings,
        '<div class="grid"><div><h2>Score distribution</h2>%s</div>' % figure,
        '<div><h2>Checks</h2>%s</div></div>' % _checks_table(assignment, all_results),
        '<h2 id="mistakes">Mistakes the class made</h2>',
        '<p>Known mistakes whose output a student\'s output matched on the hidden inputs, most common first.</p>',
        _mistakes_section(assignment, all_results, folders),
        '<h2 id="not-graded">Submissions that need a look</h2>', _failures_section(failures),
        '<h2 id="students-heading">Students</h2><p>Click a column to sort (all students, %d a page); a name '
        'opens the student\'s feedback.</p>' % PAGE_ROWS, _students_table(assignment, all_results, folders),
        '<h2 id="similarity">Similar solutions</h2>',
        _similarity_section(similarity_pairs, threshold, REPORT_SIDE_BY_SIDE, REPORT_LISTED),
    ]), SCRIPT)
