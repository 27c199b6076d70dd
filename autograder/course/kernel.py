"""The sandboxed kernel as Jupyter knows it: a kernel spec whose provisioner is the kit's sandbox.

``SANDBOX_SPEC`` is an ordinary ipykernel spec that names the provisioner ``bnkit-sandbox`` (registered as
a ``jupyter_client.kernel_provisioners`` entry point in pyproject.toml), so that whatever starts it gets
the sandbox: ``SandboxProvisioner`` makes the kernel talk over IPC sockets in a folder of the sandbox's own
and launches it with ``autograder.sandbox.kernel.KernelSandbox``. ``SandboxedKernelManager`` is a kernel
manager that always starts this spec, whatever kernel the notebook names (nbgrader forces the source
notebook's spec onto every submission).
"""
import signal
import sys
import threading

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.channels import HBChannel
from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from traitlets import DottedObjectName, Integer, Type, Unicode

from cs231n.data_utils import resolve_data_dir

from autograder.sandbox import Limits, SandboxError
from autograder.sandbox.kernel import KERNEL_LIMITS, KernelSandbox

PROVISIONER = 'bnkit-sandbox'
HEARTBEAT_STOP_SECONDS = 5.0
SANDBOX_SPEC = KernelSpec(
    argv=[sys.executable, '-m', 'ipykernel_launcher', '-f', '{connection_file}'],
    display_name='Python 3 (bnkit sandbox)', language='python',
    # Interrupts travel as messages: a signal would have to cross the sandbox's PID namespace.
    interrupt_mode='message',
    metadata={'kernel_provisioner': {'provisioner_name': PROVISIONER}})


class SandboxProvisioner(LocalProvisioner):
    """Starts a kernel inside the kit's sandbox at the level its manager was given (``sandbox_level``)."""

    memory_mb = Integer(KERNEL_LIMITS.memory_mb, help='memory limit of the sandboxed kernel (MB)').tag(config=True)
    cpu_seconds = Integer(KERNEL_LIMITS.cpu_seconds, help='CPU-time limit of the kernel (s)').tag(config=True)
    wall_seconds = Integer(3600, help='the kernel is killed after this long (s), whatever it is doing').tag(config=True)
    data_dir = Unicode('', help='CIFAR-10 folder the kernel may read (default: the one cs231n finds)').tag(config=True)

    box = None
    _timer = None

    async def pre_launch(self, **kwargs):
        km = self.parent
        level = getattr(km, 'sandbox_level', None)
        if not level:
            raise SandboxError('kernel', 'no isolation level was chosen for the sandboxed kernel')
        limits = Limits(memory_mb=self.memory_mb, cpu_seconds=self.cpu_seconds, nproc=KERNEL_LIMITS.nproc,
                        tmpfs_mb=KERNEL_LIMITS.tmpfs_mb)
        self.box = KernelSandbox(level, limits, data_dir=self.data_dir or _default_data_dir()).prepare()
        km.transport, km.cache_ports = 'ipc', False
        km.connection_file = self.box.sockets + '/kernel.json'
        km.ip = self.box.sockets + '/kernel'
        return await super().pre_launch(**kwargs)

    async def launch_kernel(self, cmd, **kwargs):
        self.box.give(self.parent.connection_file)
        arguments = cmd[cmd.index('ipykernel_launcher') + 1:]
        self.process = self.box.launch(arguments)
        self.pid, self.pgid = self.process.pid, None   # never a process group: ours may be the grader's
        self.cwd = self.box.workdir
        self._timer = threading.Timer(self.wall_seconds, self._kill_box)
        self._timer.daemon = True
        self._timer.start()
        return self.connection_info

    def _kill_box(self):
        if self.box is not None:
            self.box._kill_everything()

    async def send_signal(self, signum):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signum)

    async def kill(self, restart=False):
        self._kill_box()

    async def terminate(self, restart=False):
        await self.send_signal(signal.SIGTERM)

    async def cleanup(self, restart=False):
        await super().cleanup(restart)
        if self._timer is not None:
            self._timer.cancel()
        if self.box is not None:
            box, self.box = self.box, None
            box.stop()      # every process of the kernel killed and checked gone; SandboxError if one is left

    @property
    def level(self):
        return self.box.level if self.box else None

    def tail(self):
        return self.box.last_output() if self.box else []


def _default_data_dir():
    return str(resolve_data_dir())


class BoundedHeartbeat(HBChannel):
    """A heartbeat whose stop gives up waiting. Over IPC, once a killed kernel's socket file stays behind,
    the heartbeat's next ping waits for a peer forever, and jupyter_client's stop would join its thread
    forever too, holding up the whole autograde. Its thread is a daemon: left behind, it ends with nbgrader."""

    def stop(self):
        self._running = False
        self._exit.set()
        self.join(HEARTBEAT_STOP_SECONDS)
        if not self.is_alive():
            self.close()


class SandboxedKernelClient(AsyncKernelClient):
    hb_channel_class = Type(BoundedHeartbeat)


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager that starts ``SANDBOX_SPEC`` at ``sandbox_level``, whatever the notebook asks for."""

    sandbox_level = Unicode('', help='the isolation level to start kernels at (set by the caller)')
    client_class = DottedObjectName('autograder.course.kernel.SandboxedKernelClient')
    client_factory = Type(SandboxedKernelClient, klass=AsyncKernelClient)

    @property
    def kernel_spec(self):
        return SANDBOX_SPEC
