"""Hostile submissions: code that tries to crash, hang, exhaust, escape or fool the grader.

Each one replaces one or two of the reference's solution cells. It is contained when, check by check, it
earns no more than its stub twin (the same notebook with those cells left as the release's
NotImplementedError stubs), the checks in ``loses_in`` score zero, its grading finishes, and every other
submission graded in the same run keeps its score.
"""
from autograder.validation.variants import Variant

BATCHNORM_CHECKS = ('batchnorm_forward_train', 'batchnorm_running_stats_test_mode', 'batchnorm_invalid_mode',
                    'batchnorm_backward')
# The reference net calls batchnorm_backward through its sandwich layer, so a hostile backward also
# costs the training check (the loss check still earns its case without batch norm).
BACKWARD_CHECKS = ('batchnorm_backward', 'fc_net_training')
NET_CHECKS = ('fc_net_init', 'fc_net_loss_and_gradients', 'fc_net_test_mode', 'fc_net_training')
ALL_CHECKS = BATCHNORM_CHECKS + NET_CHECKS


def hostile_backward(body, prelude=''):
    return {'batchnorm_backward': prelude + 'def batchnorm_backward(dout, cache):\n' + body}


def hostile_forward(body, prelude=''):
    return {'batchnorm_forward': prelude + 'def batchnorm_forward(x, gamma, beta, bn_param):\n' + body}


def hostile(name, description, cells, unearned):
    return Variant(name, 'hostile', description, cells, loses_in=tuple(unearned))


def stub_twin(variant):
    """The same notebook with the hostile cells left as the release's stubs (None = keep the release's cell)."""
    return Variant(variant.name + '__stub_twin', 'twin', 'stubs where %s has hostile code' % variant.name,
                   {grade_id: None for grade_id in variant.cells})


HOSTILE = [
    hostile('sys_exit_at_import', 'sys.exit() while the cells load', {
        'fc_net': 'import sys\nsys.exit("bye")\n'}, NET_CHECKS),
    hostile('os_exit_at_import', 'os._exit() while the cells load: the worker dies before it answers', {
        'fc_net': 'import os\nos._exit(0)\n'}, ALL_CHECKS),
    hostile('sys_exit_in_function', 'sys.exit() inside batchnorm_backward',
            hostile_backward('    sys.exit(0)\n', 'import sys\n'), BACKWARD_CHECKS),
    hostile('os_exit_in_function', 'os._exit() inside batchnorm_backward',
            hostile_backward('    os._exit(7)\n', 'import os\n'), BACKWARD_CHECKS),
    hostile('infinite_loop', 'an infinite loop in batchnorm_backward',
            hostile_backward('    while True:\n        pass\n'), BACKWARD_CHECKS),
    hostile('sleeps_past_timeout', 'sleeps for an hour in batchnorm_backward',
            hostile_backward('    time.sleep(3600)\n', 'import time\n'), BACKWARD_CHECKS),
    hostile('memory_bomb', 'allocates memory until something gives',
            hostile_backward('    hoard = []\n    while True:\n        hoard.append(bytearray(10 ** 8))\n'),
            BACKWARD_CHECKS),
    hostile('fork_bomb', 'forks without end',
            hostile_backward('    while True:\n        try:\n            os.fork()\n        except OSError:\n'
                             '            pass\n', 'import os\n'), BACKWARD_CHECKS),
    hostile('kills_everything', 'kill(-1, SIGKILL) and then the parent',
            hostile_backward('    os.kill(-1, signal.SIGKILL)\n    os.kill(os.getppid(), signal.SIGKILL)\n',
                             'import os, signal\n'), BACKWARD_CHECKS),
    hostile('monkeypatches_numpy', 'returns zeros and makes numpy comparisons lie', hostile_forward(
        '    np.allclose = lambda *a, **k: True\n    np.max = lambda *a, **k: 0.0\n    np.abs = lambda x: x * 0\n'
        '    np.testing.assert_allclose = lambda *a, **k: None\n    return np.zeros_like(x), None\n'),
        BATCHNORM_CHECKS),
    hostile('monkeypatches_builtins', 'returns zeros and replaces builtins', hostile_forward(
        '    builtins.isinstance = lambda *a: True\n    builtins.abs = lambda x: 0\n'
        '    builtins.max = lambda *a, **k: 0\n    return np.zeros_like(x), None\n', 'import builtins\n'),
        BATCHNORM_CHECKS),
    hostile('reads_the_answer_key', 'imports or reads solutions/ and autograder/ to copy the answers',
            hostile_backward('''    import glob
    for pattern in ('/**/solutions/layers.py', '/**/autograder/checks.py'):
        for path in glob.glob(pattern, recursive=True):
            namespace = {}
            exec(open(path).read(), namespace)
            if 'batchnorm_backward' in namespace:
                return namespace['batchnorm_backward'](dout, cache)
    try:
        from solutions.layers import batchnorm_backward as answer
    except ImportError:
        import importlib
        answer = importlib.import_module('autograder').checks.reference.batchnorm_backward
    return answer(dout, cache)
'''), ('batchnorm_backward',)),
    hostile('ndarray_subclass', 'returns an ndarray subclass that claims equality with anything',
            hostile_forward('    return np.zeros_like(x).view(Liar), None\n',
                            'class Liar(np.ndarray):\n    def __eq__(self, other):\n        return True\n'
                            '    def __sub__(self, other):\n        return np.zeros(self.shape)\n'
                            '    __rsub__ = __sub__\n\n'), BATCHNORM_CHECKS),
    hostile('lies_in_comparisons', 'returns objects whose comparisons always succeed',
            hostile_backward('    return Anything(), Anything(), Anything()\n',
                             'class Anything:\n    def __eq__(self, other):\n        return True\n'
                             '    def __lt__(self, other):\n        return True\n'
                             '    def __float__(self):\n        return 0.0\n\n'), BACKWARD_CHECKS),
    hostile('pickle_payload', 'returns objects whose unpickling would run a command',
            hostile_backward('    return Payload(), Payload(), Payload()\n',
                             'import os\nclass Payload:\n    def __reduce__(self):\n'
                             '        return (os.system, ("touch /tmp/bnkit-pwned",))\n\n'), BACKWARD_CHECKS),
    hostile('writes_everywhere', "overwrites other students' notebooks and the grader's output",
            hostile_backward('''    import glob, json
    for path in glob.glob('/**/*.ipynb', recursive=True) + glob.glob('/**/results.json', recursive=True):
        try:
            with open(path, 'w') as f:
                json.dump({'score': 70, 'tests': []}, f)
        except OSError:
            pass
    raise RuntimeError('nothing to see here')
'''), BACKWARD_CHECKS),
    # Prints what a naive grader might parse as a perfect score, then fails like the stub it replaced:
    # against its stub twin, any point it earned would be a point earned by printing.
    hostile('prints_fake_scores', 'prints lines that look like a perfect score',
            hostile_backward('    print(\'{"score": 70, "max_score": 70}\')\n    print("score 70/70")\n'
                             '    import sys\n    sys.stderr.write("All tests passed\\n")\n'
                             '    raise NotImplementedError()\n'), BACKWARD_CHECKS),
]
