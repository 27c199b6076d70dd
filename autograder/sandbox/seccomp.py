"""The system-call filter every worker runs under, compiled to a BPF program by libseccomp.

Allowed by default, with refusals for what a numerical exercise never needs and an attacker would:
debugging or reading other processes, mounting and namespaces (nested sandboxes are how sandboxes are
escaped), the kernel's keyrings, BPF, perf events, io_uring (whose operations bypass this filter),
modules and the machine's clock, and every socket family but AF_UNIX. ``clone3`` answers ENOSYS so the C
library falls back to ``clone``, whose flags a classic filter can inspect (it cannot read clone3's
struct). The program is built once per grader process and handed to bubblewrap (``--seccomp FD``) or
loaded by the worker's launcher before it executes the interpreter.
"""
import ctypes
import errno
import functools
import struct
import tempfile

REFUSED = (
    'ptrace', 'process_vm_readv', 'process_vm_writev', 'kcmp', 'pidfd_getfd',
    'mount', 'umount2', 'pivot_root', 'chroot', 'unshare', 'setns',
    'open_tree', 'move_mount', 'fsopen', 'fsconfig', 'fsmount', 'fspick', 'mount_setattr',
    'name_to_handle_at', 'open_by_handle_at',
    'keyctl', 'add_key', 'request_key', 'bpf', 'perf_event_open', 'userfaultfd',
    'io_uring_setup', 'io_uring_enter', 'io_uring_register',
    'kexec_load', 'kexec_file_load', 'init_module', 'finit_module', 'delete_module',
    'acct', 'swapon', 'swapoff', 'reboot', 'syslog', 'quotactl',
    'settimeofday', 'clock_settime', 'clock_adjtime', 'adjtimex',
)
AF_UNIX = 1
CLONE_NAMESPACE_FLAGS = (0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000)
PR_SET_PDEATHSIG = 1


class SeccompUnavailable(RuntimeError):
    pass


def build_filter():
    try:
        import pyseccomp as sc
    except (ImportError, OSError) as exc:  # OSError: the package is there, libseccomp.so.2 is not
        raise SeccompUnavailable('libseccomp is not available (%s): install the pyseccomp package and the '
                                 'system library libseccomp2' % exc) from None
    refuse = sc.ERRNO(errno.EPERM)
    f = sc.SyscallFilter(sc.ALLOW)
    for name in REFUSED:
        try:
            f.add_rule(refuse, name)
        except (ValueError, RuntimeError, OSError):
            pass  # a call this architecture does not have
    f.add_rule(sc.ERRNO(errno.EAFNOSUPPORT), 'socket', sc.Arg(0, sc.NE, AF_UNIX))
    f.add_rule(sc.ERRNO(errno.EAFNOSUPPORT), 'socketpair', sc.Arg(0, sc.NE, AF_UNIX))
    for flag in CLONE_NAMESPACE_FLAGS:
        f.add_rule(refuse, 'clone', sc.Arg(0, sc.MASKED_EQ, flag, flag))
    f.add_rule(sc.ERRNO(errno.ENOSYS), 'clone3')
    # A worker's processes must keep dying with their parent: the death signal cannot be cleared.
    f.add_rule(refuse, 'prctl', sc.Arg(0, sc.EQ, PR_SET_PDEATHSIG), sc.Arg(1, sc.EQ, 0))
    return f


def available():
    """Whether the filter can be built here (pyseccomp and libseccomp2 installed)."""
    try:
        program()
    except SeccompUnavailable:
        return False
    return True


@functools.lru_cache(maxsize=1)
def program():
    """The filter as a classic BPF program (bytes), built once."""
    with tempfile.TemporaryFile() as out:
        build_filter().export_bpf(out)
        out.seek(0)
        return out.read()


def load(bpf):
    """Install the program on the calling thread (inherited across fork and exec). Needs no_new_privs."""
    libc = ctypes.CDLL(None, use_errno=True)
    buffer = ctypes.create_string_buffer(bpf, len(bpf))
    fprog = struct.pack('HxxxxxxQ', len(bpf) // 8, ctypes.addressof(buffer))
    PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.c_char_p(fprog), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), 'prctl(PR_SET_SECCOMP) failed')
