"""Rehearse the Gradescope bundle of each assignment in Gradescope's kind of image, with podman as root.

    bash scripts/rehearse_gradescope.sh [ASSIGNMENT ...] [--settings a,b,c,d] [--bundle ZIP | --online] ...

For each assignment (default: every assignment of the kit):

1. the bundle: ``bnkit gradescope-bundle --vendor`` (or --online: without the dependencies' wheels, so
   setup.sh reaches the package index), or a zip given with --bundle;
2. Gradescope's image build over the Debian 12 image scripts/podman_image.py imports from its cached
   debootstrap root (scripts/gradescope_image.py): the zip in /autograder/source, run_autograder copied
   to /autograder/run_autograder, setup.sh run once as root;
3. the lock setup.sh leaves: no wheels, the source unreadable by others, the kit runnable by every user;
4. run_autograder on each submission (the reference, the untouched release, hostile ones and their stub
   twins), each in a fresh container with no network, in each setting:
     a       root with every capability, seccomp unconfined
     b       root without CAP_SYS_ADMIN, seccomp unconfined
     c       b under Docker's refusals (podman's profile refusing what Docker's refuses without SYS_ADMIN)
     d       uid 1000, without CAP_SYS_ADMIN, under the same refusals (docker run --user 1000)
     docker  (not in the default list) root with exactly Docker's default capabilities, under the refusals;
5. a table per assignment; the image and the containers are removed.

Verdicts: the reference gets full credit, the stub 0, a hostile submission no more than its stub twin (in
total and in each check) and nothing in the checks it attacks, and every run_autograder exits 0 with a
results.json. Where only `bnkit validate`'s stricter judgement objects (a failed or overlong grading), the
row says "warn" (--strict: fail). Exit status: 0 when every verdict is ok, 1 on any mismatch, 2 when the
rehearsal itself could not run, 77 when it cannot run here (no podman, not root), 130 when interrupted.
"""
import argparse
import os
import shlex
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gradescope_image as gi  # noqa: E402 - the sibling modules, found through the line above
import podman_image as pi  # noqa: E402

sys.path.insert(0, str(pi.ROOT))
from autograder.assignment import assignments  # noqa: E402 - the kit of this checkout, found the same way
from autograder.validation.hostile import hostile_variants, stub_twin  # noqa: E402
from autograder.validation.class_notebooks import write_class  # noqa: E402
from autograder.reports.results_schema import Results, ResultsError  # noqa: E402
from autograder.validation.verdicts import judge  # noqa: E402
from autograder.validation.variant import all_variants  # noqa: E402

CANNOT_REHEARSE_HERE = 77          # the conventional "skipped" status: no podman, or not root
GRADER = '%d:%d' % (gi.GRADER_UID, gi.GRADER_UID)
WITHOUT_SYS_ADMIN = ['--cap-add', 'ALL', '--cap-drop', 'SYS_ADMIN']
UNCONFINED = ['--security-opt', 'seccomp=unconfined']
SETTINGS = {
    'a': ('root, every capability', ['--cap-add', 'ALL'] + UNCONFINED, None),
    'b': ('root, no CAP_SYS_ADMIN', WITHOUT_SYS_ADMIN + UNCONFINED, None),
    'c': ('root, no CAP_SYS_ADMIN, Docker seccomp', WITHOUT_SYS_ADMIN + pi.DOCKER_SECCOMP, None),
    'd': ('uid %d, Docker seccomp' % gi.GRADER_UID, ['--cap-drop', 'SYS_ADMIN'] + pi.DOCKER_SECCOMP, GRADER),
    'docker': ("root, Docker's default capabilities and seccomp", pi.DOCKER_CAPS + pi.DOCKER_SECCOMP, None),
}

LOCK_PROBE = r'''
site=$(/autograder/bnkit-venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
say() { printf '%-62s %s\n' "$1" "$2"; }
verdict() { if [ "$1" = "$2" ]; then echo ok; else echo FAIL; fi; }
[ -e /autograder/source/wheels ] && w=present || w=absent
say "wheels folder /autograder/source/wheels: $w" "$(verdict $w absent)"
if setpriv --reuid=65534 --regid=65534 --clear-groups ls /autograder/source >/dev/null 2>&1; then r=readable; else r=unreadable; fi
say "/autograder/source by uid 65534: $r" "$(verdict $r unreadable)"
# The kit is every user's to run (a platform may grade as a user); the sandbox keeps workers from it.
if setpriv --reuid=65534 --regid=65534 --clear-groups /autograder/bnkit-venv/bin/python -c 'import autograder.cli.run_autograder, cs231n, numpy' 2>/dev/null; then
    r=importable; else r=unimportable; fi
say "the kit, cs231n and numpy by uid 65534: $r" "$(verdict $r importable)"
command -v bwrap >/dev/null && b="$(command -v bwrap)" || b=missing
say "bubblewrap: $b" info
'''

SETTING_PROBE = r'''
echo "uid $(id -u); $(grep -E '^(CapEff|CapBnd|NoNewPrivs|Seccomp):' /proc/self/status | tr -s '\t\n' ' ')"
try() { if "$@" >/dev/null 2>&1; then echo "works"; else echo "refused"; fi; }
echo "  unshare --user --map-root-user: $(try unshare --user --map-root-user true)"\
"; unshare --mount --pid --fork: $(try unshare --mount --pid --fork true)"\
"; bwrap --unshare-all: $( command -v bwrap >/dev/null && try bwrap --unshare-all --ro-bind / / true || echo missing)"
'''


class RehearsalError(RuntimeError):
    pass


@dataclass
class Submission:
    name: str
    kind: str            # 'correct', 'stub', 'hostile' or 'twin'
    notebook: Path
    twin: str = None     # a hostile submission's stub twin, by name
    variant: object = None


def make_submissions(assignment, folder, hostile_names):
    """The reference, the release's stubs, the hostile ones named and their stub twins (one per set of
    replaced cells: twins replacing the same cells are the same notebook), twins first."""
    by_name = {v.name: v for v in all_variants(assignment)}
    unknown = [n for n in hostile_names if n not in by_name or by_name[n].kind != 'hostile']
    if unknown:
        raise RehearsalError('%s has no hostile submission named %s; there are: %s' % (
            assignment.name, ', '.join(unknown), ', '.join(v.name for v in hostile_variants(assignment))))
    hostile = [by_name[n] for n in hostile_names]
    twins = {}
    for v in hostile:
        twins.setdefault(tuple(sorted(v.cells)), stub_twin(v))
    paths = write_class(folder, [by_name['reference']] + hostile + list(twins.values()), assignment)
    stub = Path(folder) / 'stub.ipynb'
    shutil.copy(assignment.release_notebook, stub)
    subs = [Submission(t.name, 'twin', paths[t.name], variant=t) for t in twins.values()]
    subs += [Submission('reference', 'correct', paths['reference']), Submission('stub', 'stub', stub)]
    subs += [Submission(v.name, 'hostile', paths[v.name], twins[tuple(sorted(v.cells))].name, v) for v in hostile]
    return subs


def verdict(assignment, sub, status, data, twin_data):
    """(ok, why, warning): the score rules decide; `bnkit validate`'s stricter judgement of a hostile
    submission (its grading finished in time, nothing left behind) adds a warning when only it objects."""
    full = assignment.max_automatic_points
    if status != 0 or data is None:
        return False, 'autograder error (exit %d%s)' % (status, '' if data else ', no results.json'), None
    if sub.kind == 'correct':
        return data.score == full, '%g/%g' % (data.score, full), None
    if sub.kind == 'stub':
        return data.score == 0, '%g, expected 0' % data.score, None
    if sub.kind == 'twin':
        return True, 'stub twin of the hostile ones', None
    if twin_data is None:
        return False, 'its stub twin was not graded', None
    points, twin_points = data.points, twin_data.points
    attacked = {c: points.get(c, 0) for c in sub.variant.loses_in if points.get(c, 0) > 0}
    above = {c: p for c, p in points.items() if p > twin_points.get(c, 0) + 1e-9}
    if data.score > twin_data.score + 1e-9 or attacked or above:
        earned = dict(attacked, **above)
        return False, '%g, stub twin %g; earned %s' % (data.score, twin_data.score, ', '.join(
            '%s %g' % kv for kv in earned.items()) or 'more'), None
    row = judge(assignment, sub.variant, data, twin_data)
    return True, '%g <= stub twin %g' % (data.score, twin_data.score), None if row.ok else row.got


def read_results(path):
    """results.json as ``Results``, or None when it is missing or not one the grader writes."""
    try:
        return Results.read(path)
    except ResultsError:
        return None


def isolation_of(data):
    """The isolation level, with how files were guarded ('allowlist: Landlock', 'none: ...')."""
    isolation, guard = (data and data.isolation) or '-', (data and data.isolation_files) or ''
    if guard:
        head = guard.partition(':')[0]
        isolation += ' (%s)' % (guard if head == 'allowlist' else head)
    return isolation


class Rehearsal:
    """The phases of one run, their times, and the verdicts' failures and warnings."""

    def __init__(self, args, work, runtime, engine, seccomp_path, pip_cert):
        self.args, self.work, self.logs = args, work, work / 'logs'
        self.runtime, self.engine, self.seccomp_path, self.pip_cert = runtime, engine, seccomp_path, pip_cert
        self.phases, self.failures, self.warnings = [], [], []

    def timed(self, name, action, *args):
        print('\n== %s' % name, flush=True)
        start = time.monotonic()
        try:
            return action(*args)
        finally:
            self.phases.append((name, time.monotonic() - start))

    def flags(self, setting):
        return self.engine + [f.replace('DOCKER_LIKE', self.seccomp_path) for f in SETTINGS[setting][1]]

    def assignment(self, assignment):
        """Bundle, image, lock probe and every setting's gradings of one assignment; returns its rows."""
        name = assignment.name
        subs = self.timed('%s: submissions' % name, make_submissions, assignment, self.work / name / 'submissions',
                          self.args.hostile)
        bundle = (Path(self.args.bundle).resolve() if self.args.bundle else
                  self.timed('%s: bundle' % name, gi.build_bundle, assignment, self.work / name / 'autograder.zip',
                             self.args.online, self.logs))
        self.timed('%s: image build (setup.sh as root)' % name, gi.build, assignment, bundle, self.runtime,
                   self.logs, self.pip_cert)
        self.timed('%s: the lock after setup.sh' % name, self.lock, assignment)
        rows = []
        for setting in self.args.settings:
            rows += self.timed('%s, setting %s: %s' % (name, setting, SETTINGS[setting][0]), self.setting,
                               assignment, setting, subs)
        return rows

    def lock(self, assignment):
        log = self.logs / ('lock-%s.log' % assignment.name)
        gi.run_in(gi.image_name(assignment), self.flags('a'), LOCK_PROBE, log, 300)
        lines = Path(log).read_text().splitlines()[1:]
        print('\n'.join('  ' + line for line in lines))
        self.failures += ['%s, lock: %s' % (assignment.name, line) for line in lines if line.rstrip().endswith('FAIL')]

    def setting(self, assignment, setting, subs):
        image, user = gi.image_name(assignment), SETTINGS[setting][2]
        probe = self.logs / ('probe-%s-%s.log' % (assignment.name, setting))
        gi.run_in(image, self.flags(setting), SETTING_PROBE, probe, 120, user=user)
        print('  ' + '\n  '.join(Path(probe).read_text().splitlines()[1:]))
        command = ' '.join(['/autograder/run_autograder'] + [shlex.quote(a) for a in self.args.run_autograder_args])
        graded, rows = {}, []
        for sub in subs:
            mounts, results = gi.place_submission(sub.notebook, assignment, self.work / assignment.name / 'run', user)
            log = self.logs / ('run-%s-%s-%s.log' % (assignment.name, setting, sub.name))
            start = time.monotonic()
            status = gi.run_in(image, self.flags(setting), command, log, self.args.timeout, mounts, user)
            seconds = time.monotonic() - start
            data = graded[sub.name] = read_results(results)
            ok, why, warning = verdict(assignment, sub, status, data, graded.get(sub.twin))
            if warning and self.args.strict:
                ok, why, warning = False, warning, None
            score = '-' if data is None else '%g' % data.score
            word = 'FAIL' if not ok else 'warn' if warning else 'ok'
            rows.append((setting, sub.name, status, score, isolation_of(data), seconds, word, warning or why))
            print('  %-32s exit %-3d score %-5s isolation %-58s %6.1f s  %s: %s' % rows[-1][1:], flush=True)
            where = '%s, setting %s, %s' % (assignment.name, setting, sub.name)
            if not ok:
                self.failures.append('%s: %s' % (where, why))
            if warning:
                self.warnings.append('%s: %s' % (where, warning))
            if not ok or warning:
                print(gi.tail_after(log, None, 8))
        return rows


def table(assignment, rows):
    head = '%-8s %-32s %-5s %-6s %-58s %7s  %s' % ('setting', 'submission', 'exit', 'score', 'isolation',
                                                   'seconds', 'verdict')
    lines = ['', assignment.name, head, '-' * 140]
    lines += ['%-8s %-32s %-5d %-6s %-58s %7.1f  %s: %s' % row for row in rows]
    return '\n'.join(lines)


def rehearse(args, assignments):
    cache = pi.cache_folder()
    cache.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix='bnkit-gradescope-'))
    (work / 'logs').mkdir()
    os.chmod(work, 0o755)            # the grading user of setting d reads its submission below it
    print('cache: %s (the debootstrap tarball)\nwork folder: %s' % (cache, work))
    rehearsal, tables, ok = None, [], False
    try:
        tarball, _ = pi.ensure_tarball(cache, args.mirror or pi.apt_mirror(), work / 'logs')
        pi.ensure_base_image(tarball, work / 'logs')
        runtime, engine = pi.engine_flags(work / 'logs')
        rehearsal = Rehearsal(args, work, runtime, engine, pi.docker_like_seccomp(work / 'docker-like-seccomp.json'),
                              None if args.pip_cert == 'none' or not args.online else args.pip_cert or pi.default_pip_cert())
        print('every run adds: %s' % (' '.join(engine) or 'nothing'))
        for assignment in assignments:
            tables.append(table(assignment, rehearsal.assignment(assignment)))
        ok = not rehearsal.failures
    finally:
        removed = pi.remove_containers(gi.RUN_ID)
        if not args.keep:
            for assignment in assignments:
                gi.remove_image(assignment)
        if args.keep or not ok:
            print('\nkept: %s (logs in %s)' % (work, work / 'logs'))
        else:
            shutil.rmtree(work, ignore_errors=True)
        if removed:
            print('containers left behind and removed: %d' % removed)
    print('\n'.join(tables))
    print('\nphase times:')
    print('\n'.join('  %-64s %8.1f s' % phase for phase in rehearsal.phases))
    if rehearsal.warnings:
        print('\nwarnings (score rules kept; `bnkit validate` would call these failures; --strict fails on them):'
              '\n  %s' % '\n  '.join(rehearsal.warnings))
    if rehearsal.failures:
        print('\nMISMATCH: %d verdict(s) failed:\n  %s' % (len(rehearsal.failures), '\n  '.join(rehearsal.failures)))
        return 1
    print('\nevery verdict ok%s' % (' (%d warning(s))' % len(rehearsal.warnings) if rehearsal.warnings else ''))
    return 0


def cannot_rehearse_here():
    """Why this machine cannot run the rehearsal, or None."""
    if not shutil.which('podman'):
        return ('podman is not installed, so the Gradescope bundle cannot be rehearsed here '
                '(to rehearse it: apt-get install -y podman buildah debootstrap)')
    if os.geteuid() != 0:
        return ('the Gradescope rehearsal needs root (rootful podman: it grades as root and as uid %d, as '
                'Gradescope and a platform that grades as a user do); run it with sudo' % gi.GRADER_UID)
    return None


def main(argv=None):
    known = assignments()
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('assignments', nargs='*', metavar='ASSIGNMENT',
                        help='the assignments to rehearse, from %s (default: all)' % ', '.join(known))
    listed = lambda s: [n.strip() for n in s.split(',') if n.strip()]  # noqa: E731
    parser.add_argument('--settings', default='a,b,c,d', type=listed,
                        help='comma-separated, from %s (default: %%(default)s)' % ', '.join(SETTINGS))
    parser.add_argument('--bundle', help='rehearse this autograder.zip (of the one assignment named)')
    parser.add_argument('--online', action='store_true',
                        help='build the bundle without --vendor: setup.sh installs the dependencies from the index')
    parser.add_argument('--pip-cert', help="a CA bundle for setup.sh's pip with --online, as a build secret "
                                           "(default: $PIP_CERT, $SSL_CERT_FILE or $REQUESTS_CA_BUNDLE; 'none')")
    parser.add_argument('--hostile', default='reads_the_answer_key,kills_everything', type=listed,
                        help='hostile submissions to grade (default: %(default)s)')
    parser.add_argument('--run-autograder-args', default='', type=shlex.split,
                        help="extra arguments for run_autograder, e.g. '--require-isolation container'")
    parser.add_argument('--timeout', type=float, default=900, help='seconds for one run_autograder')
    parser.add_argument('--mirror', help="debootstrap's mirror (default: the one apt uses here)")
    parser.add_argument('--keep', action='store_true', help='keep the images, the work folder and the logs')
    parser.add_argument('--strict', action='store_true',
                        help="judge hostile submissions as `bnkit validate` does: a grading that failed or ran "
                             "past the validation's time budget fails too")
    args = parser.parse_args(argv)
    unknown = [n for n in args.assignments if n not in known] + [s for s in args.settings if s not in SETTINGS]
    if unknown:
        parser.error('unknown %s; assignments: %s; settings: %s' % (', '.join(unknown), ', '.join(known),
                                                                    ', '.join(SETTINGS)))
    chosen = [known[n] for n in args.assignments] or list(known.values())
    if args.bundle and len(chosen) != 1:
        parser.error('--bundle is the zip of one assignment: name it')
    why = cannot_rehearse_here()
    if why:
        print('skipped: %s' % why)
        return CANNOT_REHEARSE_HERE
    return pi.run_rehearsal(rehearse, args, chosen, errors=(RehearsalError,))


if __name__ == '__main__':
    sys.exit(main())
