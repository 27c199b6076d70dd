"""Grading a class: one grader process per submission, --jobs at a time, resumable.

A submission whose results.json already records the same notebook hash and
kit version is skipped, so a run that was killed and started again finishes the
rest without regrading anyone. grades.csv and the summary are rebuilt from the
per-student results at the end, so they are the same however the run went.
"""
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict
from pathlib import Path

from autograder import registry, reports
from autograder.grading import KIT_VERSION, build_results, sha256_of
from autograder.sandbox import Limits


def already_graded(outdir, student, notebook):
    path = Path(outdir) / student / 'results.json'
    try:
        extra = json.loads(path.read_text())['extra_data']
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return extra.get('submission_sha256') == sha256_of(notebook) and extra.get('kit_version') == KIT_VERSION


class Progress:
    """A one-line progress bar on stderr."""

    def __init__(self, total, stream=sys.stderr):
        self.total, self.done, self.stream, self.start = total, 0, stream, time.monotonic()

    def step(self, label):
        self.done += 1
        width = 30
        filled = int(width * self.done / max(self.total, 1))
        elapsed = time.monotonic() - self.start
        eta = elapsed / self.done * (self.total - self.done)
        self.stream.write('\r[%s%s] %d/%d  %-24s %5.0fs elapsed, ~%.0fs left ' % (
            '#' * filled, '.' * (width - filled), self.done, self.total, label[:24], elapsed, eta))
        if self.done == self.total:
            self.stream.write('\n')
        self.stream.flush()


def grade_one_process(notebook, student, outdir, limits, hide, submission_timeout, check_timeout):
    """Grade one submission in its own grader process; returns None or the reason it failed."""
    cmd = [sys.executable, '-m', 'autograder.grading', str(notebook), student, str(outdir),
           '--limits', json.dumps(asdict(limits)), '--check-timeout', str(check_timeout)]
    for h in hide:
        cmd += ['--hide', str(h)]
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=submission_timeout, start_new_session=True)
    except subprocess.TimeoutExpired:
        return 'grading took longer than %g s and was stopped' % submission_timeout
    if proc.returncode != 0:
        tail = proc.stderr.decode(errors='replace').strip().splitlines()[-1:] or ['no message']
        return 'the grader failed (exit code %d: %s)' % (proc.returncode, tail[0][:300])
    return None


def record_failure(outdir, student, notebook, why):
    """Zero points with the reason, so the student and the staff both see what happened."""
    results = {s.name: {'fraction': 0.0, 'messages': [], 'seconds': 0.0} for s in registry.CHECKS}
    data = build_results(student, notebook, results, ['Your notebook could not be graded: %s. The course staff '
                                                      'has been told.' % why], None, 0.0)
    data['extra_data']['grading_failed'] = why
    reports.write_student_reports(Path(outdir) / student, data)


def grade_all(submissions, outdir, jobs=1, limits=None, submission_timeout=900.0, check_timeout=120.0,
              progress=True, hide_extra=()):
    """Grade {student: notebook} into outdir; returns (all results, [(student, failure reason)])."""
    outdir = Path(outdir).resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    limits = limits or Limits()
    # Workers must see neither the output folder nor any student's submission.
    hide = {outdir} | {Path(nb).resolve().parent for nb in submissions.values()} | {Path(h) for h in hide_extra}
    todo = {s: nb for s, nb in submissions.items() if not already_graded(outdir, s, nb)}
    bar = Progress(len(todo)) if progress and todo else None
    failures = []
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(grade_one_process, nb, s, outdir, limits, hide, submission_timeout, check_timeout): s
                   for s, nb in sorted(todo.items())}
        for future in as_completed(futures):
            student = futures[future]
            why = future.result()
            if why:
                record_failure(outdir, student, todo[student], why)
            if bar:
                bar.step(student)
    all_results = {s: r for s, r in reports.load_results(outdir).items() if s in submissions}
    for student, data in sorted(all_results.items()):
        why = data['extra_data'].get('grading_failed')
        if why:
            failures.append((student, why))
        elif data.get('output'):
            failures.append((student, data['output'].splitlines()[0]))
    reports.write_class_reports(outdir, all_results, failures)
    return all_results, failures
