"""clone(CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWNS) through the raw system call; the child, root
in there, tries to write where only the real root may (/etc, /autograder, /usr/local) and into every folder
the grader owns

attacks: backward
earns nothing in: checks that call the backward or train the net
containment: isolated
"""
from autograder.validation.attacks.shared.ctypes_libc import CLONE_NEWNET, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWUSER, SYS_CLONE, become_root_inside, libc, os
def TARGET_BACKWARD(dout, cache):

    pid = libc.syscall(SYS_CLONE, CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWNS | 17, 0, 0, 0, 0)
    if pid == 0:
        try:
            become_root_inside()
            for folder in ['/etc', '/autograder', '/autograder/source', '/usr/local', '/root', '/var/lib', '/srv'] \
                    + [os.path.join(t, d) for t in ('/tmp', '/var/tmp') for d in os.listdir(t)]:
                try:
                    with open(os.path.join(folder, 'bnkit-hostile-NAME-was-root'), 'w') as f:
                        f.write('root in a user namespace\n')
                except OSError:
                    pass
        finally:
            os._exit(0)
    if pid > 0:
        os.waitpid(pid, 0x40000000)   # __WALL
    raise NotImplementedError
