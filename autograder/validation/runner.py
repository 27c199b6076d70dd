"""Grading the whole validation set in one run and judging the grader by what happened.

The assignment is a parameter (``autograder.assignment``): its release notebook, checks, reference cells
and validation variants. Every variant becomes a release notebook with its code in the solution cells
(``class_notebooks``). All of them, honest and hostile mixed, are graded in ONE ``grade_all`` run, so a
hostile submission that disturbed the run or another student's grade would show. ``validate`` runs the
pieces in order:

1. before the run, secrets are planted where a hostile submission might look (``planting``), TCP and UDP
   listeners start on 127.0.0.1 (``listener``), and the shared places and the processes are noted (``watch``);
2. the class is graded with the validation's own limits (``grading_settings``);
3. after it, what the run left is found (``watch``, ``evidence``) and judged (``verdicts``), then cleaned up.

``verdict_table`` prints the verdicts and ``nbgrader_comparison`` compares the honest scores with nbgrader's.
"""
import os
import tempfile
import time
from pathlib import Path

from autograder.grading.runner import grade_all
from autograder.reports.results import load_results
from autograder.validation import watch
from autograder.validation.class_notebooks import digest, write_class
from autograder.validation.evidence import owner_of, scan_outputs, traces_in
from autograder.validation.grading_settings import grading_options
from autograder.validation.hostile import TRACE_PREFIX, stub_twin
from autograder.validation.listener import Listener
from autograder.validation.planting import ENV_SECRET_NAME, folder_digest, plant_secrets
from autograder.validation.variant import all_variants
from autograder.validation.verdicts import judge, run_rows


def validate(assignment, workdir=None, options=None, variants=None, progress=True):
    """Grade the validation set of ``assignment`` (by default all of it); returns (rows, global rows, seconds).

    ``options`` (``GradingOptions``; two jobs, the level probed, when None) give the run its jobs and
    isolation level; the budget, check timeout and worker limits are the validation's own."""
    variants = variants or all_variants(assignment)
    twins = list({t.name: t for t in (stub_twin(v) for v in variants if v.kind == 'hostile')}.values())
    options = grading_options(assignment, options)
    start = time.monotonic()
    watch.subreaper(True)
    planted = plant_secrets(assignment)
    try:
        with tempfile.TemporaryDirectory(prefix='bnkit-validate-', ignore_cleanup_errors=True) as tmp, \
                Listener(planted.secrets['loopback traffic']) as listener:
            work = Path(workdir or tmp).resolve()
            if watch.PWNED.exists():
                watch.PWNED.unlink()
            notebooks = write_class(work / 'submissions', variants + twins, assignment)
            before = digest(notebooks)
            ignore = {Path(tmp).name, planted.root.name}
            ignore |= {work.relative_to(place).parts[0] for place in watch.SHARED_PLACES if work.is_relative_to(place)}
            entries = watch.entries(watch.SHARED_PLACES)
            processes = set(watch.process_table())
            planted_before = folder_digest(planted.folders)
            results, aborted = _grade(assignment, notebooks, work / 'grades', options, progress,
                                      planted.secrets['grader environment'])

            left = _leftovers_settled(processes, [str(work), str(planted.root), TRACE_PREFIX])
            after = watch.entries(watch.SHARED_PLACES)
            new_files = sorted(os.path.join(place, e) for place in watch.SHARED_PLACES
                               for e in after[place] - entries[place] - ignore)
            planted_after = folder_digest(planted.folders)
            planted_changed = sorted(p for p in set(planted_before) | set(planted_after)
                                     if planted_before.get(p) != planted_after.get(p))
            evidence = _evidence(work / 'grades', planted, variants, twins, left, planted_changed)
            rows = [judge(assignment, v, results.get(v.name),
                          results.get(stub_twin(v).name) if v.kind == 'hostile' else None, evidence) for v in variants]
            global_rows = run_rows(dict(assignment=assignment, results=results, notebooks=notebooks, before=before,
                                        planted=planted, evidence=evidence, listener=listener, grades=work / 'grades',
                                        pwned=watch.PWNED.exists(), new_files=new_files, leftovers=left,
                                        planted_changed=planted_changed, isolation=options.isolation, aborted=aborted,
                                        kinds={v.name: v.kind for v in variants + twins}))
            watch.clean_up(left, new_files, evidence)
    finally:
        watch.subreaper(False)
        watch.reap()
        planted.remove()
    return rows, global_rows, time.monotonic() - start


def _grade(assignment, notebooks, grades, options, progress, environment_secret):
    """(results, why the run itself failed or None): the class graded with the grader's environment holding
    a secret; a run that fails is judged by what it left."""
    saved_env = os.environ.get(ENV_SECRET_NAME)
    os.environ[ENV_SECRET_NAME] = environment_secret
    try:
        results, _ = grade_all(assignment, notebooks, grades, options, progress=progress)
        return results, None
    except Exception as exc:    # the run itself failed: judge what it left
        return ({s: r for s, r in load_results(grades).items() if s in notebooks},
                '%s: %s' % (type(exc).__name__, str(exc)[:200]))
    finally:
        if saved_env is None:
            os.environ.pop(ENV_SECRET_NAME, None)
        else:
            os.environ[ENV_SECRET_NAME] = saved_env


def _leftovers_settled(processes, markers, seconds=3):
    """The run's leftover processes, once those of a namespace being torn down (not leftovers) are gone."""
    deadline = time.monotonic() + seconds
    left = watch.leftovers(processes, markers)
    while left and time.monotonic() < deadline:
        time.sleep(0.2)
        watch.reap()
        left = watch.leftovers(processes, markers)
    return left


def _evidence(grades, planted, variants, twins, left, planted_changed):
    """The run's Evidence: marks and secrets in the outputs, the processes left, the traces in the places
    watched and in the planted folders."""
    names = [v.name for v in variants + twins]
    evidence = scan_outputs(grades, planted, names)
    for pid, (uid, _, cmdline, _) in sorted(left.items()):
        owner = watch.owner_of_process(pid, cmdline, variants)
        if owner:
            evidence.processes.setdefault(owner, []).append('pid %d uid %d %s' % (pid, uid, cmdline[:60]))
    evidence.traces = traces_in(watch.SHARED_PLACES + watch.ROOT_PLACES, names)
    for path in planted_changed:
        if TRACE_PREFIX in path:
            owner = owner_of(path.split(TRACE_PREFIX, 1)[1], names)
            evidence.traces.setdefault(owner, []).append(path)
    return evidence
