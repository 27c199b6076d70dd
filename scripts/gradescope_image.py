"""Gradescope's image for scripts/rehearse_gradescope.py, built and run with podman.

Gradescope builds an assignment's image from its base: the bundle unpacked into /autograder/source,
run_autograder copied to /autograder/run_autograder, setup.sh run once as root. Each submission is then
graded in a fresh container of that image, as root, with the submission in /autograder/submission and
results.json expected in /autograder/results. Here the base is the Debian 12 image scripts/podman_image.py
imports from its cached debootstrap root; the build is ``podman build`` of the Containerfile below (it
reaches Debian's mirror, as Gradescope's build reaches the network), and every grading runs with
``--network none``.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import podman_image as pi  # noqa: E402 - the sibling module, found through the line above

GRADER_UID = 1000         # the user of the setting that grades as a user (docker run --user 1000)
# The optional build secret pip-cert is a CA bundle for networks whose TLS goes through a proxy (for
# --online, where setup.sh installs from the package index); as a secret it is never stored in a layer.
CONTAINERFILE = '''\
ARG BASE
FROM ${BASE}
COPY source/ /autograder/source/
RUN set -eu; mkdir -p /autograder/submission /autograder/results; \\
    cp /autograder/source/run_autograder /autograder/run_autograder; chmod 755 /autograder/run_autograder; \\
    useradd --create-home --uid %(uid)d --shell /bin/bash grader
WORKDIR /autograder
RUN --mount=type=secret,id=pip-cert,required=false set -eu; \\
    if [ -f /run/secrets/pip-cert ]; then export PIP_CERT=/run/secrets/pip-cert; fi; \\
    echo "== setup.sh"; bash /autograder/source/setup.sh
''' % {'uid': GRADER_UID}


RUN_ID = 'gradescope-%d' % os.getpid()   # this run's images and containers: runs side by side keep apart


def image_name(assignment):
    """This run's image of one assignment (image names are lower case)."""
    return 'localhost/bnkit-gradescope:%s-%d' % (assignment.name.lower(), os.getpid())


def build_bundle(assignment, out, online, logs):
    """``bnkit gradescope-bundle`` of the assignment (--vendor unless online) into out."""
    cmd = ['bnkit', 'gradescope-bundle', '--assignment', assignment.name, '--out', str(out)]
    cmd += [] if online else ['--vendor']
    print('$ ' + ' '.join(cmd), flush=True)
    pi.run(cmd, log=logs / ('bundle-%s.log' % assignment.name), cwd=pi.ROOT)
    return out


def unpack(bundle, source):
    """The zip's files into source, each with the mode the zip records (setup.sh and run_autograder: 755)."""
    with zipfile.ZipFile(bundle) as zf:
        for info in zf.infolist():
            zf.extract(info, source)
            mode = (info.external_attr >> 16) & 0o777
            if mode and not info.is_dir():
                os.chmod(source / info.filename, mode)


def build(assignment, bundle, runtime, logs, pip_cert=None):
    """Gradescope's image build of the bundle; returns the seconds it took. setup.sh's output is shown."""
    image, log = image_name(assignment), logs / ('build-%s.log' % assignment.name)
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix='bnkit-gradescope-context-') as context:
        unpack(bundle, Path(context) / 'source')
        (Path(context) / 'Containerfile').write_text(CONTAINERFILE)
        cmd = ['podman', 'build', *runtime, '--build-arg', 'BASE=' + pi.BASE_IMAGE, '-t', image]
        if pip_cert:
            cmd += ['--secret', 'id=pip-cert,src=%s' % pip_cert]
        print('$ %s CONTEXT   (log: %s)' % (' '.join(cmd), log), flush=True)
        try:
            pi.run(cmd + [context], log=log)
        finally:
            print(tail_after(log, '== setup.sh', 12))
    return time.monotonic() - start


def remove_image(assignment):
    subprocess.run(['podman', 'rmi', '-f', image_name(assignment)], capture_output=True)


def tail_after(path, marker, lines):
    """The last lines of a log (after its last marker line, when marker is not None), indented."""
    try:
        text = Path(path).read_text(errors='replace').splitlines()
    except OSError:
        return ''
    starts = [i for i, line in enumerate(text) if line.strip() == marker]
    text = text[starts[-1] + 1:] if starts else text
    return '\n'.join('    | ' + line for line in text[-lines:])


def run_in(image, flags, script, log, timeout, mounts=(), user=None):
    """``bash -c script`` in a fresh container of image, with no network; returns its exit status.

    flags are the engine's and the setting's podman flags; mounts are (host folder, container folder)."""
    name = 'bnkit-%s-%d' % (RUN_ID, time.monotonic_ns())
    cmd = ['podman', 'run', '--rm', '--name', name, '--label', '%s=%s' % (pi.LABEL, RUN_ID), '--network', 'none',
           '--hostname', 'rehearsal', '-w', '/autograder', *flags]
    cmd += ['--user', user] if user else []
    for host, inside in mounts:
        cmd += ['-v', '%s:%s' % (host, inside)]
    cmd += [image, '/bin/bash', '-c', script]
    with open(log, 'ab') as out:
        out.write(('$ %s\n' % ' '.join(cmd).replace('\n', '\\n')).encode())   # the command is one line
        out.flush()
        try:
            return subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            subprocess.run(['podman', 'rm', '-f', name], capture_output=True)
            out.write(b'\n(timed out after %d s)\n' % timeout)
            return -1


def place_submission(notebook, assignment, work, user):
    """Fresh submission and results folders for one grading, as Gradescope lays them out: the notebook
    as /autograder/submission/<name>.ipynb, results to be written to /autograder/results (given to the
    grading user when it is not root, as a platform that grades as a user must)."""
    if work.exists():
        shutil.rmtree(work)
    submission, results = work / 'submission', work / 'results'
    submission.mkdir(parents=True)
    results.mkdir()
    shutil.copy(notebook, submission / (assignment.name + '.ipynb'))
    for path in (work, submission, results):
        os.chmod(path, 0o755)
    os.chmod(submission / (assignment.name + '.ipynb'), 0o644)
    if user:
        uid, _, gid = user.partition(':')
        os.chown(results, int(uid), int(gid or uid))
    return [(submission, '/autograder/submission'), (results, '/autograder/results')], results / 'results.json'
