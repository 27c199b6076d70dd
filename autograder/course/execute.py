"""SandboxedExecute: nbgrader's Execute with the student's kernel inside the kit's sandbox.

A human grader reads a notebook's experiments and figures next to its written answers, so the course can
have nbgrader execute each submission; this preprocessor takes the place of nbgrader's ``Execute`` in the
autograde pipeline and starts the kernel with ``SandboxedKernelManager`` (``autograder.course.kernel``) at
the strongest isolation level that starts. Nothing it computes is a score: ``SandboxGrades`` later
replaces every autograded cell's output. A kernel that dies, hangs or cannot start costs the notebook its
remaining outputs, never its grade; what happened is logged and said in the graded cells' output. At the
process level on a kernel without Landlock, where nothing would keep the kernel from the course's files,
the notebook is not executed at all.
"""
from nbgrader.preprocessors import Execute

from autograder.course.grades import KERNEL_NOTE
from autograder.course.isolation import BnkitSandbox, SandboxUnavailable
from autograder.course.kernel import SandboxedKernelManager
from autograder.reports.safetext import terminal
from autograder.sandbox import SandboxError, landlock

UNCONFINED = ('at the process isolation level without Landlock a kernel could reach the course folder and '
              'the gradebook; grade as root or with bubblewrap to execute notebooks in a sandbox')


class SandboxedExecute(Execute, BnkitSandbox):
    """Execute the notebook with its kernel in the kit's sandbox."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault('kernel_manager_class', SandboxedKernelManager)
        super().__init__(*args, **kwargs)

    def create_kernel_manager(self):
        km = super().create_kernel_manager()
        km.sandbox_level = self._level
        return km

    def preprocess(self, nb, resources, km=None):
        self._level = self.sandbox_level()
        student = resources.get('nbgrader', {}).get('student', '?')
        if self._level == 'process' and landlock.abi_version() < 1:
            # As the grading user with nothing holding its files, a kernel could read and write the course
            # folder and the gradebook: better no figures than that.
            self.log.warning('bnkit: the notebook of %s is not executed: %s', student, UNCONFINED)
            resources[KERNEL_NOTE] = 'Under nbgrader, the notebook was not executed: %s.' % UNCONFINED
            return nb, resources
        try:
            nb, resources = super().preprocess(nb, resources, km=km)
        except SandboxError as exc:   # a process of the kernel survived its stop: the grader's failure
            raise SandboxUnavailable(exc) from None
        except Exception as exc:   # the student's kernel died, hung or would not start: their outputs stop here
            why = terminal('%s: %s' % (type(exc).__name__, exc), 300)
            self.log.error('bnkit: executing the notebook of %s in the sandboxed kernel stopped: %s', student, why)
            resources[KERNEL_NOTE] = ('Under nbgrader, the notebook ran in a sandboxed kernel (isolation level %s) '
                                      'until it stopped: %s.' % (self._level, why))
            return nb, resources
        resources[KERNEL_NOTE] = ('Under nbgrader, the notebook ran in a sandboxed kernel (isolation level %s).'
                                  % self._level)
        return nb, resources
