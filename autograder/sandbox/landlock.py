"""Landlock: the kernel's unprivileged file-system allowlist, for sandboxes that cannot mount anything.

Where the grader cannot build the worker a file system of its own (root without CAP_SYS_ADMIN, as in a
Docker container), the worker still sees the host's. Landlock (Linux 5.13 and later) turns that view into
an allowlist: after ``restrict(read_only, read_write)`` the calling process and everything it starts can
read (and execute) only beneath the ``read_only`` paths and write only beneath ``read_write``; every other
path, /tmp, /dev/shm and the kit's own files included, answers EACCES. ABI 4 and later also refuse TCP
bind and connect. Called through ctypes because the standard library has no binding.
"""
import ctypes
import os
import platform
import struct

SYSCALLS = {'x86_64': (444, 445, 446), 'aarch64': (444, 445, 446)}   # create_ruleset, add_rule, restrict_self
CREATE_RULESET_VERSION = 1
RULE_PATH_BENEATH = 1

EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
REMOVE_DIR, REMOVE_FILE, MAKE_CHAR, MAKE_DIR, MAKE_REG, MAKE_SOCK, MAKE_FIFO, MAKE_BLOCK, MAKE_SYM = (
    1 << i for i in range(4, 13))
REFER, TRUNCATE, IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
NET_BIND_TCP, NET_CONNECT_TCP = 1 << 0, 1 << 1

READ = EXECUTE | READ_FILE | READ_DIR
FILE_RIGHTS = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV   # the rights that apply to a file itself


SCOPE_SIGNAL = 1 << 1    # ABI 6: no signals to processes outside the domain


class LandlockUnavailable(RuntimeError):
    pass


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def abi_version():
    """The kernel's Landlock ABI (0 when absent or disabled)."""
    numbers = SYSCALLS.get(platform.machine())
    if numbers is None:
        return 0
    version = _libc().syscall(numbers[0], None, ctypes.c_size_t(0), CREATE_RULESET_VERSION)
    return max(version, 0)


def _handled(abi):
    fs = READ | WRITE_FILE | REMOVE_DIR | REMOVE_FILE | MAKE_CHAR | MAKE_DIR | MAKE_REG | MAKE_SOCK | MAKE_FIFO \
        | MAKE_BLOCK | MAKE_SYM
    if abi >= 2:
        fs |= REFER
    if abi >= 3:
        fs |= TRUNCATE
    if abi >= 5:
        fs |= IOCTL_DEV
    return fs, (NET_BIND_TCP | NET_CONNECT_TCP) if abi >= 4 else 0


def restrict(read_only, read_write, list_only=(), abi=None):
    """Allow only what is listed, for this process and its descendants. Paths that do not exist are skipped.

    ``list_only`` folders may be listed (their entries' names) but nothing beneath them read unless listed
    in ``read_only``: the import system lists every folder on sys.path.
    """
    abi = abi or abi_version()
    if abi < 1:
        raise LandlockUnavailable('the kernel offers no Landlock (Linux 5.13 or later, with landlock in the '
                                  'lsm= boot list)')
    create, add_rule, restrict_self = SYSCALLS[platform.machine()]
    libc = _libc()
    fs, net = _handled(abi)
    attr = struct.pack('QQ', fs, net) if abi >= 4 else struct.pack('Q', fs)
    ruleset = libc.syscall(create, ctypes.c_char_p(attr), ctypes.c_size_t(len(attr)), 0)
    if ruleset < 0:
        raise LandlockUnavailable('landlock_create_ruleset failed: %s' % os.strerror(ctypes.get_errno()))
    try:
        for paths, rights in ((list_only, READ_DIR), (read_only, READ), (read_write, fs)):
            for path in paths:
                try:
                    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
                except OSError:
                    continue
                try:
                    allowed = rights if os.path.isdir(path) else rights & FILE_RIGHTS
                    rule = struct.pack('=Qi', allowed & fs, fd)   # struct landlock_path_beneath_attr is packed
                    if libc.syscall(add_rule, ruleset, RULE_PATH_BENEATH, ctypes.c_char_p(rule), 0) != 0:
                        raise LandlockUnavailable('landlock_add_rule(%s) failed: %s'
                                                  % (path, os.strerror(ctypes.get_errno())))
                finally:
                    os.close(fd)
        if libc.syscall(restrict_self, ruleset, 0) != 0:
            raise LandlockUnavailable('landlock_restrict_self failed: %s' % os.strerror(ctypes.get_errno()))
    finally:
        os.close(ruleset)


def scope_signals():
    """Keep this process and its descendants from signalling anything outside them (Landlock ABI 6, Linux
    6.12). Returns False where the kernel is older: nothing changes then."""
    abi = abi_version()
    if abi < 6:
        return False
    create, _, restrict_self = SYSCALLS[platform.machine()]
    libc = _libc()
    attr = struct.pack('QQQ', 0, 0, SCOPE_SIGNAL)
    ruleset = libc.syscall(create, ctypes.c_char_p(attr), ctypes.c_size_t(len(attr)), 0)
    if ruleset < 0:
        return False
    try:
        return libc.syscall(restrict_self, ruleset, 0) == 0
    finally:
        os.close(ruleset)
