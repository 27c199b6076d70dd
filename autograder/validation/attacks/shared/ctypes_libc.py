"""libc through ctypes: raw system calls, namespaces and mounts.
"""

import ctypes, os, platform  # noqa: E401

libc = ctypes.CDLL(None, use_errno=True)
SYS_CLONE = {'x86_64': 56, 'aarch64': 220}.get(platform.machine(), 56)
CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x00020000, 0x10000000, 0x20000000, 0x40000000
MNT_DETACH, MS_REC, MS_PRIVATE, MS_BIND = 2, 0x4000, 1 << 18, 4096


def become_root_inside():
    """In a fresh user namespace: map my uid to root there."""
    uid, gid = os.geteuid(), os.getegid()
    for path, text in (('/proc/self/setgroups', 'deny'), ('/proc/self/uid_map', '0 %d 1' % uid),
                       ('/proc/self/gid_map', '0 %d 1' % gid)):
        try:
            with open(path, 'w') as f:
                f.write(text)
        except OSError:
            pass


def hiding_mounts():
    """Mount points that look like something was hidden under them: small tmpfs over folders."""
    points = []
    try:
        with open('/proc/self/mountinfo') as f:
            for line in f:
                fields = line.split()
                fstype = fields[fields.index('-') + 1]
                if fstype == 'tmpfs' and fields[4] not in ('/tmp', '/dev/shm', '/run', '/dev'):
                    points.append(fields[4])
    except (OSError, ValueError, IndexError):
        pass
    return points

