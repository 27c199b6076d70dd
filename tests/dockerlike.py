"""Run a command the way Docker's default seccomp profile would let it run.

    python tests/dockerlike.py COMMAND [ARGS...]

These machines allow user namespaces without CAP_SYS_ADMIN, so dropping the capability alone does not
rehearse a container. Docker's default profile also refuses ``unshare``, ``setns``, ``mount``,
``umount2``, ``pivot_root``, namespace flags to ``clone`` and ``clone3`` (which it answers with ENOSYS so
that the C library falls back to ``clone``). This loads those refusals as a seccomp filter, which every
child inherits, and then executes the command. Combine with ``capsh --drop=cap_sys_admin --`` for the
capability set Docker leaves to root.
"""
import errno
import os
import sys

import pyseccomp as seccomp

CLONE_NAMESPACE_FLAGS = 0x7E020000  # NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET


def docker_refusals():
    f = seccomp.SyscallFilter(seccomp.ALLOW)
    for name in ('unshare', 'setns', 'mount', 'umount2', 'pivot_root', 'open_tree', 'move_mount', 'fsopen',
                 'fsmount'):
        f.add_rule(seccomp.ERRNO(errno.EPERM), name)
    for flag in range(17, 31):  # one rule per namespace bit: any of them set is refused
        bit = 1 << flag
        if bit & CLONE_NAMESPACE_FLAGS:
            f.add_rule(seccomp.ERRNO(errno.EPERM), 'clone', seccomp.Arg(0, seccomp.MASKED_EQ, bit, bit))
    f.add_rule(seccomp.ERRNO(errno.ENOSYS), 'clone3')
    return f


def main(argv):
    """``--no-landlock`` also refuses Landlock's calls, as Docker profiles older than Landlock do."""
    no_landlock = argv[:1] == ['--no-landlock']
    argv = argv[1:] if no_landlock else argv
    if not argv:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    f = docker_refusals()
    if no_landlock:
        for name in ('landlock_create_ruleset', 'landlock_add_rule', 'landlock_restrict_self'):
            f.add_rule(seccomp.ERRNO(errno.ENOSYS), name)
    f.load()
    os.execvp(argv[0], argv)


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
