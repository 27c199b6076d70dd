"""The student operations, declared once on an assignment's ``Operations``: the grader's client checks every reply
against the declared ``returns``, the worker answers only declared operations, and both students (over the
wire and in-process) offer exactly the declared ones."""
import textwrap
from pathlib import Path

import numpy as np
import pytest

from autograder.grading.inprocess import InProcessStudent, namespace_of
from autograder.sandbox import Limits, Worker, wire
from autograder.sandbox.client import WorkerStudent, conform
from autograder.sandbox.side import NetOperations, OneOf, StudentOperations, layer_operations, net_operations
from autograder.sandbox.student_api import StudentCodeError
from tests.fixture_assignment import ASSIGNMENT
from tests.engine.test_wire import roundtrip

ROOT = Path(__file__).resolve().parents[2]

SIDE = ASSIGNMENT.module('side').Operations    # the tests' scale layer: a layer's operations, no net
NET_STATE = {'params': {str: 'array'}, 'bn_params': ['dict'], 'dropout_param': 'dict'}
LOSS = OneOf('array', ('float', {str: 'array'}))


def public_callables(obj):
    return {name for name in dir(obj) if not name.startswith('_') and callable(getattr(obj, name))}


# ---------------------------------------------------------------- conform

@pytest.mark.parametrize('value, schema, expected', [
    ([np.zeros(3), {'mode': 'train', 'eps': 1e-5}], ('array', 'dict'), (np.zeros(3), {'mode': 'train', 'eps': 1e-5})),
    (3, 'float', 3.0),
    (2.5, 'array', np.asarray(2.5)),
    ([1, 2], ('int', 'int'), (1, 2)),
    (['x', 'gamma'], ['str'], ['x', 'gamma']),
    ([], ['str'], []),
    ({'params': {'W1': np.ones((2, 2))}, 'bn_params': [{'mode': 'train'}], 'dropout_param': {}}, NET_STATE,
     {'params': {'W1': np.ones((2, 2))}, 'bn_params': [{'mode': 'train'}], 'dropout_param': {}}),
    (np.ones((4, 3)), LOSS, np.ones((4, 3))),
    ([1.5, {'W1': np.ones(2)}], LOSS, (1.5, {'W1': np.ones(2)})),
    ({'anything': object()}, None, None),
    (True, 'bool', True),
])
def test_conform_accepts_what_the_schema_allows(value, schema, expected):
    got = conform(value, schema, 'op')
    assert type(got) is type(expected)
    assert str(got) == str(expected)


@pytest.mark.parametrize('value, schema, part', [
    ([np.zeros(3)], ('array', 'dict'), 'op does not have 2 parts'),                  # too short
    ([np.zeros(3), {}, 1], ('array', 'dict'), 'op does not have 2 parts'),           # too long
    (np.zeros(2), ('array', 'array'), 'op does not have 2 parts'),                   # an array is not a tuple
    (['out', {}], ('array', 'dict'), 'op[0] is not an array'),
    ([np.zeros(3), [1]], ('array', 'dict'), 'op[1] is not a dict'),
    (True, 'int', 'op is not an int'),                                               # bool is not an int
    (1.0, 'int', 'op is not an int'),
    (True, 'float', 'op is not a number'),
    ('1.0', 'float', 'op is not a number'),
    (1, 'bool', 'op is not a bool'),
    (['x', 1], ['str'], 'op[1] is not a str'),
    ({'mode': [1, 2]}, 'dict', "op['mode'] is not an array"),                      # dicts hold plain values only
    ({'params': {'W1': 'w'}, 'bn_params': [], 'dropout_param': {}}, NET_STATE, "op['params']['W1'] is not an array"),
    ({'params': {}, 'bn_params': []}, NET_STATE, 'op does not have the keys'),      # a key missing
    ({'params': {}, 'bn_params': [], 'dropout_param': {}, 'x': 1}, NET_STATE, 'op does not have the keys'),
    ({'params': {}, 'bn_params': [[]], 'dropout_param': {}}, NET_STATE, "op['bn_params'][0] is not a dict"),
    ([1.5, {'W1': 'w'}], LOSS, 'op is none of the expected forms'),
    ('scores', LOSS, 'op is none of the expected forms'),
    (np.array([object()]), 'array', 'op is not an array'),                         # never arrives: see below
])
def test_conform_rejects_the_rest_as_a_bad_return_naming_the_part(value, schema, part):
    with pytest.raises(StudentCodeError) as caught:
        conform(value, schema, 'op')
    assert caught.value.kind == 'bad_return'
    assert str(caught.value).startswith('unexpected return value: ' + part), str(caught.value)


def test_arrays_of_object_dtype_never_cross_the_wire():
    with pytest.raises(wire.WireError):
        wire.encode({'ok': np.array([object()])})
    with pytest.raises(wire.WireError):
        wire.encode({'ok': np.array(['a', 'b'])})
    assert roundtrip({'ok': np.arange(3)})['ok'].dtype.kind == 'i'


# ---------------------------------------------------------------- the declarations

def test_the_declarations_are_the_decorated_methods_of_the_side():
    engine = {'has', 'changed_inputs', 'seed_numpy'}
    assert set(StudentOperations.operations()) == engine
    assert set(SIDE.operations()) == engine | {'scale_forward', 'scale_backward', 'scale_forward_keeping_cache',
                                               'scale_backward_keeping_cache'}
    assert SIDE.operations()['scale_backward'].returns == ('array', 'array')     # dx, dgamma: one per input
    assert SIDE.operations()['scale_backward'].results == ('dx', 'dgamma')


def test_a_nets_operations_read_the_attributes_the_assignment_declares():
    class Operations(layer_operations('f', 'b', param='f_param'), net_operations({'layers': ['dict'], 'extra': 'dict'}),
               StudentOperations):
        pass
    net = {'net_create', 'net_state', 'net_set_params', 'net_loss', 'train_and_predict'}
    assert set(Operations.operations()) == {'has', 'changed_inputs', 'seed_numpy', 'f', 'b', 'f_keeping_cache', 'b_keeping_cache'} | net
    assert [n for n, op in Operations.operations().items() if op.slow] == ['train_and_predict']
    assert issubclass(Operations, NetOperations) and issubclass(Operations, StudentOperations)
    assert Operations.operations()['net_state'].returns == {'params': {str: 'array'}, 'containers': {str: 'str'},
                                                            'layers': ['dict'], 'extra': 'dict'}
    source = ('class FullyConnectedNet:\n    def __init__(self, **kwargs):\n'
              "        self.params, self.layers = {'W1': np.ones(2)}, [{'mode': 'train'}]\n")
    student = InProcessStudent(namespace_of(ASSIGNMENT, {'net': source}), Operations)
    state = student.net_state(student.net_create())
    assert state['layers'] == [{'mode': 'train'}] and state['extra'] == {}    # an attribute it lacks is empty
    assert state['containers'] == {'layers': 'list', 'extra': 'NoneType'}


def test_the_in_process_student_offers_exactly_the_declared_operations():
    student = InProcessStudent(namespace_of(ASSIGNMENT, ASSIGNMENT.reference_cells()), SIDE)
    assert public_callables(student) == set(SIDE.operations())
    assert student.has('scale_forward') and not student.has('some_forward')
    out, param = student.scale_forward(np.ones((2, 3)), np.arange(3.0))
    assert param == {} and np.array_equal(out, np.tile(np.arange(3.0), (2, 1)))


TINY_SIDE = '''
import time

from autograder.sandbox.side import StudentOperations, operation


class Operations(StudentOperations):
    @operation(returns='int')
    def double(self, n):
        return self.named('double')(n)

    @operation(returns='int')
    def nap(self, seconds):
        time.sleep(seconds)
        return 1

    @operation(returns='int', slow=True)
    def long_nap(self, seconds):
        time.sleep(seconds)
        return 1

    def undeclared(self):
        return 'should never be answered'
'''


@pytest.fixture
def tiny_side(tmp_path):
    """An assignment's side.py with a few operations of its own, and its Operations class as the grader loads it."""
    folder = tmp_path / 'Tiny'
    folder.mkdir()
    (folder / 'side.py').write_text(TINY_SIDE)
    namespace = {}
    exec(compile(TINY_SIDE, str(folder / 'side.py'), 'exec'), namespace)
    return folder / 'side.py', namespace['Operations']


def cells(source):
    return [{'label': 'cell', 'source': textwrap.dedent(source)}]


def test_the_worker_student_offers_exactly_the_declared_operations_and_checks_them(tiny_side):
    side_file, side = tiny_side
    with Worker(cells('def double(n):\n    return 2 * n if n > 0 else "two"\n'), Limits(call_timeout=10),
                level='process', side_file=side_file) as worker:
        student = WorkerStudent(worker, side)
        assert public_callables(student) == {'double', 'nap', 'long_nap', 'has', 'changed_inputs', 'seed_numpy'}
        assert student.double(21) == 42 and student.has('double') is True
        with pytest.raises(StudentCodeError) as caught:
            student.double(-1)
        assert caught.value.kind == 'bad_return' and 'double is not an int' in str(caught.value)


def test_the_worker_refuses_what_the_side_does_not_declare(tiny_side):
    side_file, _ = tiny_side
    with Worker(cells('def double(n):\n    return 2 * n\n'), Limits(call_timeout=10), level='process',
                side_file=side_file) as worker:
        for op in ('undeclared', 'named', 'keep', 'call', 'operations', '__init__', '__class__', 'some_forward'):
            with pytest.raises(StudentCodeError) as caught:
                worker.call(op)
            assert 'unknown operation' in str(caught.value), op
        assert worker.call('ping') == 'pong' and worker.call('double', 4) == 8


def test_a_worker_without_an_assignment_has_only_the_engines_operations():
    with Worker(cells('def some_forward(*args):\n    return 1\n'), Limits(call_timeout=10),
                level='process') as worker:
        assert worker.call('has', 'some_forward') is True
        with pytest.raises(StudentCodeError, match='unknown operation'):
            worker.call('some_forward')


def test_a_slow_operation_gets_the_long_timeout(tiny_side):
    side_file, side = tiny_side
    with Worker(cells(''), Limits(call_timeout=1), level='process', side_file=side_file) as worker:
        student = WorkerStudent(worker, side)
        assert student.long_nap(1.5) == 1
        with pytest.raises(StudentCodeError) as caught:
            student.nap(1.5)
        assert caught.value.kind == 'timeout'


def test_student_code_in_the_worker_reaches_only_the_copied_operations(tiny_side):
    """Of ``autograder`` only the copies of the two side.py files (and plain.py) load (from the worker's own folder), even
    for code that puts the kit's checkout on sys.path; the rest of the grader and the answer key are refused."""
    side_file, _ = tiny_side
    found = {}
    for name in ('autograder.sandbox.side', 'autograder.sandbox.plain', 'autograder.assignments.Tiny.side', 'autograder.grading.checking',
                 'autograder.sandbox.client', 'autograder.assignment', 'autograder.assignments.Other',
                 'solutions'):
        source = ('import importlib, sys\nsys.path.insert(0, %r)\n'
                  'raise RuntimeError(importlib.import_module(%r).__file__)\n' % (str(ROOT), name))
        with Worker(cells(source), Limits(call_timeout=10), level='process', side_file=side_file) as worker:
            (error,) = worker.load_errors
            found[name] = error.replace(worker.folder, 'FOLDER')
    assert found.pop('autograder.sandbox.side') == 'cell: RuntimeError: FOLDER/autograder/sandbox/side.py'
    assert found.pop('autograder.sandbox.plain') == 'cell: RuntimeError: FOLDER/autograder/sandbox/plain.py'
    assert found.pop('autograder.assignments.Tiny.side') == 'cell: RuntimeError: FOLDER/autograder/assignments/Tiny/side.py'
    for name, error in found.items():     # refused at the first package of it that was not copied
        refused = error.removeprefix('cell: ImportError: ').removesuffix(' is not available to submissions')
        assert refused != error and (name + '.').startswith(refused + '.'), error
