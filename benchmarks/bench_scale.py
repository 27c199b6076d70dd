"""Cost as a class grows: time and memory per submission from 10 to 2,000, the class report's size and
speed in Chromium, and the similarity report's time.

    python benchmarks/bench_scale.py [--sizes 10 100 2000] [--jobs 2] [--similarity]

Each size is a class of the demo's five kinds of student over and over (``autograder.notebook.samples``),
graded by ``bnkit grade --jobs N`` under GNU time. Printed per size: the wall time, the time per
submission and its ratio to the smallest class's, the peak resident memory of the largest process of the run
(the run itself or one of its graders), and the median grader and worker peaks the results record for the
first and the last tenth of the class. For the largest class: report.html's size, and in headless Chromium
the time to open it (to its load event) and to sort its students by score (one click). With --similarity,
``bnkit similarity`` on each class, and its time per student. With --report-only N, no grading: N students'
results are made up (every check passed or none, as a grading writes them) and only report.html is built
and opened, to time the page alone.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder.assignment import get  # noqa: E402
from autograder.notebook.samples import write_class  # noqa: E402

SORT = """(function () {
  var th = document.querySelector('#students thead th:nth-child(2)');
  var start = performance.now(); th.click(); var rows = document.querySelectorAll('#students tbody tr');
  rows[rows.length - 1].getBoundingClientRect();   // the layout after the sort
  return performance.now() - start; })()"""


def timed_run(cmd):
    """(wall seconds, peak resident KB of the largest process) of the command, under GNU time."""
    start = time.perf_counter()
    proc = subprocess.run(['/usr/bin/time', '-f', 'peak_kb=%M', *cmd], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit('%s failed: %s' % (' '.join(cmd), proc.stderr[-2000:]))
    peak = int(next(line for line in proc.stderr.splitlines() if line.startswith('peak_kb=')).split('=')[1])
    return seconds, peak


def recorded_peaks(out, students):
    data = [json.loads((out / s / 'results.json').read_text())['extra_data']['peak_memory_mb'] for s in students]
    return statistics.median(d['grader'] for d in data), statistics.median(d['workers'] for d in data)


def in_chromium(page):
    from tests.browser import Browser, find_chromium
    if not find_chromium():
        return None
    with Browser(timeout=120) as browser:
        start = time.perf_counter()
        loaded = browser.open(page)
        opened = time.perf_counter() - start
        rows = browser.evaluate("document.querySelectorAll('#students tbody tr').length")
        sort_ms = browser.evaluate(SORT)
        return opened, sort_ms, rows, loaded.errors


def report_only(size):
    from autograder.grading.grade_one import build_results, empty_results
    from autograder.reports.results import failures_of, write_class_reports, write_student_reports
    assignment = get('BatchNormalization')
    with tempfile.TemporaryDirectory(prefix='bnkit-bench-report-') as tmp:
        out, results = Path(tmp), {}
        for i in range(size):
            student = 's%05d' % i
            checks, messages = empty_results(assignment, [])
            for name, r in checks.items():
                r['fraction'] = (i * 7 + len(name)) % 3 / 2
            results[student] = build_results(assignment, student, student + '.ipynb', '0' * 64, checks, messages,
                                             'full', 0.5)
            write_student_reports(out / student, results[student], assignment)
        write_class_reports(out, assignment, results, failures_of(results), run_seconds=1.0)
        page = out / 'report.html'
        opened, sort_ms, rows, errors = in_chromium(page)
        print('report.html of %d made-up students: %.2f MB; in headless Chromium opened in %.2f s, %d rows shown, '
              'all sorted by score in %.0f ms: open + sort %.2f s; page errors: %s'
              % (size, page.stat().st_size / 1e6, opened, rows, sort_ms, opened + sort_ms / 1000, errors or 'none'))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--sizes', type=int, nargs='+', default=[10, 100, 2000])
    parser.add_argument('--jobs', type=int, default=2)
    parser.add_argument('--similarity', action='store_true')
    parser.add_argument('--report-only', type=int, default=None, metavar='N')
    args = parser.parse_args(argv)
    if args.report_only:
        return report_only(args.report_only)
    assignment = get('BatchNormalization')
    print('bench_scale %s, load average at the start %.1f %.1f %.1f' % (time.strftime('%Y-%m-%d %H:%M'),
                                                                        *os.getloadavg()))
    print('| students | wall s | s per submission | vs the smallest | peak KB of a process | grader MB, first / '
          'last tenth | workers MB, first / last tenth |%s' % (' similarity s per student |' if args.similarity else ''))
    print('|---|---|---|---|---|---|---|%s' % ('---|' if args.similarity else ''))
    first = None
    with tempfile.TemporaryDirectory(prefix='bnkit-bench-scale-') as tmp:
        tmp = Path(tmp)
        for size in args.sizes:
            folder, out = tmp / ('class%d' % size), tmp / ('out%d' % size)
            students = sorted(write_class(assignment, assignment.release_notebook, folder, size))
            seconds, peak = timed_run([sys.executable, '-m', 'autograder.cli', 'grade', str(folder), '--out', str(out),
                                       '--jobs', str(args.jobs), '--quiet', '--assignment', assignment.name])
            per = seconds / size
            first = first or per
            tenth = max(1, size // 10)
            early, late = recorded_peaks(out, students[:tenth]), recorded_peaks(out, students[-tenth:])
            line = '| %d | %.1f | %.3f | %.2f | %d | %.0f / %.0f | %.0f / %.0f |' % (
                size, seconds, per, per / first, peak, early[0], late[0], early[1], late[1])
            if args.similarity:
                sim_seconds, _ = timed_run([sys.executable, '-m', 'autograder.cli', 'similarity', str(folder),
                                            '--out', str(out), '--assignment', assignment.name])
                line += ' %.3f |' % (sim_seconds / size)
            print(line, flush=True)
        page = out / 'report.html'
        print('\nreport.html of %d students: %.2f MB' % (size, page.stat().st_size / 1e6))
        measured = in_chromium(page)
        if measured is None:
            print('Chromium is not installed: the page was not opened')
        else:
            opened, sort_ms, rows, errors = measured
            print('in headless Chromium: opened (to its load event) in %.2f s, %d rows sorted by score in %.0f ms; '
                  'open + sort %.2f s; page errors: %s' % (opened, rows, sort_ms, opened + sort_ms / 1000, errors or 'none'))
    print('load average at the end %.1f %.1f %.1f' % os.getloadavg())


if __name__ == '__main__':
    sys.exit(main())
