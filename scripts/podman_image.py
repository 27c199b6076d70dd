"""The podman images of the rehearsals: the Debian base, the engine's flags, the grading image's build.

The base is a Debian 12 root made with ``debootstrap --variant=minbase bookworm`` from the mirror apt
already uses, packed as a tarball in the cache folder (debootstrap is skipped while it is there) and
brought in with ``podman import``: no container registry is needed. The image is container/Containerfile
built over it, with the kit's wheel built from a clean copy of the checkout (scripts/rehearse_podman.py);
scripts/rehearse_gradescope.py builds Gradescope's kind of image over the same base.
"""
import glob
import hashlib
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE_IMAGE = 'localhost/bnkit-debian:bookworm-minbase'
IMAGE = 'localhost/bnkit-grader:rehearsal'
TARBALL = 'debian-bookworm-minbase.tar'
DEFAULT_MIRROR = 'http://deb.debian.org/debian'
DOCKER_CAPS = ['--cap-add', 'NET_RAW,MKNOD,AUDIT_WRITE']    # Docker's 14 = podman's 11 + these
DOCKER_SECCOMP = ['--security-opt', 'seccomp=DOCKER_LIKE']  # DOCKER_LIKE: docker_like_seccomp's path
LABEL = 'bnkit.rehearsal'        # every container the rehearsal starts carries it, so cleanup finds them
CLONE_NAMESPACE_FLAGS = 0x7E020000   # NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET
# What Docker's default profile allows only with CAP_SYS_ADMIN and podman's allows to everyone.
SYS_ADMIN_ONLY = ('unshare', 'mount', 'umount', 'umount2', 'pivot_root', 'open_tree', 'move_mount', 'fsopen',
                  'fsmount', 'fsconfig', 'fspick', 'mount_setattr')


class ImageError(RuntimeError):
    """The rehearsal cannot build what it needs; the message names the cause and the fix."""


def _interrupted(signum, frame):
    raise KeyboardInterrupt('signal %d' % signum)     # so that the rehearsal's own cleanup runs


def run_rehearsal(rehearse, *args, errors=()):
    """``rehearse(*args)``'s exit status, with SIGTERM and SIGHUP ending it through its cleanup, and an
    ImageError (or one of ``errors``) as one line and status 2 instead of a traceback."""
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupted)
    try:
        return rehearse(*args)
    except (ImageError, *errors) as exc:
        print('\nerror: %s' % exc, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print('\ninterrupted (containers removed)', file=sys.stderr)
        return 130


def run(cmd, log=None, check=True, **kwargs):
    """Run cmd, its output appended to log (or shown); raise ImageError naming the log when it fails."""
    if log is None:
        proc = subprocess.run(cmd, **kwargs)
    else:
        with open(log, 'ab') as out:
            out.write(('$ %s\n' % ' '.join(map(str, cmd))).encode())
            out.flush()
            proc = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, **kwargs)
    if check and proc.returncode != 0:
        raise ImageError('%s exited with %d%s' % (' '.join(map(str, cmd[:4])), proc.returncode,
                                                  '; see %s' % log if log else ''))
    return proc


def cache_folder():
    default = Path(os.environ.get('XDG_CACHE_HOME') or Path.home() / '.cache') / 'bnkit-podman'
    return Path(os.environ.get('BNKIT_PODMAN_CACHE') or default)


def apt_mirror():
    """The Debian mirror apt uses here for bookworm (deb822 .sources files or sources.list), or Debian's."""
    files = sorted(glob.glob('/etc/apt/sources.list.d/*.sources'))
    for path in files:
        for stanza in Path(path).read_text().split('\n\n'):
            fields = dict(re.findall(r'^(\w[\w-]*):\s*(.+)$', stanza, re.M))
            if 'bookworm' in fields.get('Suites', '').split() and fields.get('URIs'):
                return fields['URIs'].split()[0]
    for path in ['/etc/apt/sources.list'] + sorted(glob.glob('/etc/apt/sources.list.d/*.list')):
        try:
            text = Path(path).read_text()
        except OSError:
            continue
        match = re.search(r'^deb\s+(?:\[[^]]*\]\s+)?(\S+)\s+bookworm\s', text, re.M)
        if match:
            return match.group(1)
    return DEFAULT_MIRROR


def ensure_tarball(cache, mirror, logs):
    """The debootstrap root as a tarball in the cache; made only when it is missing."""
    tarball = cache / TARBALL
    if tarball.is_file():
        print('base root: %s (cached; delete it to run debootstrap again)' % tarball)
        return tarball, 0.0
    if not shutil.which('debootstrap'):
        raise ImageError('%s is missing and debootstrap is not installed: apt-get install -y debootstrap' % tarball)
    cache.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    root = Path(tempfile.mkdtemp(prefix='rootfs-', dir=cache))
    try:
        os.chmod(root, 0o755)       # the root's own mode becomes the image's /
        print('debootstrap --variant=minbase bookworm from %s into %s (log: %s)' % (mirror, root, logs / 'debootstrap.log'),
              flush=True)
        run(['debootstrap', '--variant=minbase', 'bookworm', str(root), mirror], log=logs / 'debootstrap.log')
        run(['chroot', str(root), 'apt-get', 'clean'], log=logs / 'debootstrap.log')
        for lists in (root / 'var/lib/apt/lists').glob('*_*'):
            lists.unlink()          # the image's first apt-get update fetches fresh ones
        partial = tarball.with_suffix('.tar.part')
        run(['tar', '--numeric-owner', '-C', str(root), '-cf', str(partial), '.'], log=logs / 'debootstrap.log')
        os.rename(partial, tarball)     # never a half-written tarball under the cached name
    finally:
        subprocess.run(['rm', '-rf', '--one-file-system', str(root)], check=False)
    print('base root made in %.1f s: %s' % (time.monotonic() - start, tarball))
    return tarball, time.monotonic() - start


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()


def image_label(image, label):
    proc = subprocess.run(['podman', 'image', 'inspect', '--format', '{{index .Labels "%s"}}' % label, image],
                          capture_output=True, text=True)
    return proc.stdout.strip() if proc.returncode == 0 else None


def ensure_base_image(tarball, logs):
    """podman import of the tarball, unless the image already holds this very tarball."""
    digest = _sha256(tarball)
    if image_label(BASE_IMAGE, 'bnkit.rootfs.sha256') == digest:
        print('base image: %s (already imported from this tarball)' % BASE_IMAGE)
        return
    old = image_id(BASE_IMAGE)
    run(['podman', 'import', '--change', 'LABEL bnkit.rootfs.sha256=%s' % digest, '--change', 'CMD ["/bin/bash"]',
         str(tarball), BASE_IMAGE], log=logs / 'import.log')
    if old and old != image_id(BASE_IMAGE):
        subprocess.run(['podman', 'rmi', old], capture_output=True)   # fails harmlessly while an image uses it
    print('base image: %s (imported from %s)' % (BASE_IMAGE, tarball))


def _hard_limit(name):
    return resource.getrlimit(getattr(resource, name))[1]


def _has_cap_sys_resource():
    for line in Path('/proc/self/status').read_text().splitlines():
        if line.startswith('CapEff:'):
            return bool(int(line.split()[1], 16) & (1 << 24))
    return True


def engine_flags(logs):
    """The podman flags every run needs on this machine, found by trying: podman's defaults first.

    Two things can stop a container before it starts: crun refuses a cgroup v1 hierarchy beside a v2
    one that still holds a controller ("cgroups in hybrid mode not supported"), where runc does not; and
    a root without CAP_SYS_RESOURCE cannot raise the container's rlimits to podman's defaults."""
    ulimits = []
    if not _has_cap_sys_resource():
        nofile = _hard_limit('RLIMIT_NOFILE')
        ulimits = ['--ulimit', 'nofile=%d:%d' % (nofile, nofile), '--ulimit', 'nproc=4096:4096']
    runtimes = [[]] + ([['--runtime', 'runc']] if shutil.which('runc') else [])
    tried = []
    for runtime in runtimes:
        for extra in ([[]] + ([ulimits] if ulimits else [])):
            flags = runtime + extra
            proc = subprocess.run(['podman', 'run', '--rm', *flags, BASE_IMAGE, 'true'], capture_output=True, text=True)
            if proc.returncode == 0:
                for why in tried:
                    print('  podman %s' % why)
                return runtime, flags
            last = (proc.stderr.strip().splitlines() or ['exit %d' % proc.returncode])[-1]
            tried.append('%s: %s' % (' '.join(flags) or "with its defaults", last))
            with open(logs / 'engine.log', 'a') as f:
                f.write(tried[-1] + '\n')
    raise ImageError('podman cannot start a container here:\n  %s\n(fix: on a cgroup v1/v2 hybrid host install '
                     'runc (apt-get install -y runc); give root CAP_SYS_RESOURCE or lower the ulimits)'
                     % '\n  '.join(tried))


def docker_like_seccomp(path):
    """Podman's default seccomp profile made to refuse what Docker's refuses without CAP_SYS_ADMIN: unshare,
    mount and its friends, namespace flags to clone, and clone3 (ENOSYS, so the C library uses clone)."""
    source = subprocess.run(['podman', 'info', '--format', '{{.Host.Security.SECCOMPProfilePath}}'],
                            capture_output=True, text=True).stdout.strip() or '/usr/share/containers/seccomp.json'
    profile = json.loads(Path(source).read_text())
    gated = set(SYS_ADMIN_ONLY) | {'clone', 'clone3'}
    for rule in profile['syscalls']:
        if rule['action'] == 'SCMP_ACT_ALLOW' and not rule.get('args') and not rule.get('includes', {}).get('caps'):
            rule['names'] = [n for n in rule['names'] if n not in gated]
    admin = {'caps': ['CAP_SYS_ADMIN']}
    # clone with a namespace flag matches no rule: the profile's default answer (ENOSYS; Docker's is EPERM).
    profile['syscalls'] += [
        {'names': sorted(gated), 'action': 'SCMP_ACT_ALLOW', 'includes': admin},
        {'names': list(SYS_ADMIN_ONLY), 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 1, 'excludes': admin},
        {'names': ['clone'], 'action': 'SCMP_ACT_ALLOW', 'excludes': admin,
         'args': [{'index': 0, 'value': CLONE_NAMESPACE_FLAGS, 'valueTwo': 0, 'op': 'SCMP_CMP_MASKED_EQ'}]},
        {'names': ['clone3'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 38, 'excludes': admin},
    ]
    Path(path).write_text(json.dumps(profile, indent=1))
    return str(path)


def default_pip_cert():
    """The CA bundle pip is told to trust here, if any (a network whose TLS goes through a proxy)."""
    for name in ('PIP_CERT', 'SSL_CERT_FILE', 'REQUESTS_CA_BUNDLE'):
        if os.environ.get(name) and os.path.isfile(os.environ[name]):
            return os.environ[name]
    return None


def build_wheel(context, logs):
    """The kit's wheel (pip wheel . --no-deps), built from a clean copy so the checkout gets no build/."""
    with tempfile.TemporaryDirectory(prefix='bnkit-src-') as tmp:
        src = Path(tmp) / 'src'
        shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns('.venv', '.git', '__pycache__', '*.egg-info', 'build',
                                                                  'dist', 'demo-out', 'course', '*.zip'))
        run([sys.executable, '-m', 'pip', 'wheel', '--no-deps', '-q', '-w', str(context), str(src)],
            log=logs / 'wheel.log')
    wheels = sorted(Path(context).glob('bnkit-*.whl'))
    if len(wheels) != 1:
        raise ImageError('expected one bnkit wheel in %s, found %d' % (context, len(wheels)))
    return wheels[0]


def image_id(image):
    proc = subprocess.run(['podman', 'image', 'inspect', '--format', '{{.Id}}', image], capture_output=True, text=True)
    return proc.stdout.strip() if proc.returncode == 0 else None


def build_image(runtime, logs, pip_cert=None):
    """podman build of container/Containerfile over the base; the image this tag held before is removed."""
    old = image_id(IMAGE)
    with tempfile.TemporaryDirectory(prefix='bnkit-context-') as context:
        wheel = build_wheel(context, logs)
        cmd = ['podman', 'build', *runtime, '--build-arg', 'BASE=' + BASE_IMAGE, '-f',
               str(ROOT / 'container' / 'Containerfile'), '-t', IMAGE]
        if pip_cert:
            cmd += ['--secret', 'id=pip-cert,src=%s' % pip_cert]
        print('$ %s %s   (log: %s)' % (' '.join(cmd), context, logs / 'build.log'), flush=True)
        run(cmd + [context], log=logs / 'build.log')
    new = image_id(IMAGE)
    if old and old != new:
        subprocess.run(['podman', 'rmi', old], capture_output=True)   # its layers stay cached while used
    print('image: %s (%s, kit %s)' % (IMAGE, (new or '?')[:12], wheel.name))


def remove_containers(value=None):
    """Remove every container the rehearsal started (by its label), including those of an interrupted run;
    with value, only those whose label has that value (one run's)."""
    wanted = LABEL if value is None else '%s=%s' % (LABEL, value)
    ids = subprocess.run(['podman', 'ps', '-aq', '--filter', 'label=%s' % wanted], capture_output=True,
                         text=True).stdout.split()
    if ids:
        subprocess.run(['podman', 'rm', '-f', *ids], capture_output=True)
    return len(ids)
