"""Which of a student's net parameters is which layer's W, b, gamma or beta: matched by structure.

Students name a net's parameters in many consistent ways ('W0', 'BN0gamma', 'fc1_W', ('gamma', 1), 'bias2')
and store gamma and beta as (D,) or (1, D). The release states one scheme, and the parameters check charges
any other, once; every other check must still find each parameter, or one naming choice would cost points in
every part of every net check. So a parameter is recognised by what it is, with its name only a hint:

- its shape: a weight is a matrix whose rows are the previous layer's width, the others are vectors of their
  layer's width ((1, D) counts as (D,));
- its initial value, when the net is freshly built: gamma starts at ones, biases and beta at zeros;
- the gradient it receives, when one is given: a bias that feeds batch normalization gets none (the
  normalization subtracts it back out), beta always does;
- the kind its name suggests (a token 'gamma', 'beta', 'W'/'weight', 'b'/'bias');
- its layer: the number in its name (any offset), else the order in which the net created it.

``match_params`` returns a ``Matching`` ({contract name: student key}) or a ``Mismatch`` saying which
candidates were considered; nothing here says a parameter is missing when it is present under another name.
"""
import re

import numpy as np

KINDS = ('W', 'b', 'gamma', 'beta')
NAME_TOKENS = {'gamma': 'gamma', 'beta': 'beta', 'w': 'W', 'weight': 'W', 'weights': 'W', 'b': 'b', 'bias': 'b',
               'biases': 'b'}


class Matching(dict):
    """{contract name: the student's key}, and the shape of each of the student's parameters, so that values
    cross in the student's own layout and gradients come back in the contract's."""

    def __init__(self, names, own_shapes, guessed=False):
        super().__init__(names)
        self.own_shapes = dict(own_shapes)
        self.guessed = guessed      # some kinds were told apart by creation order alone (no name, value or gradient)

    def to_student(self, params):
        """Contract-named arrays as the student's keys and shapes ((D,) becomes (1, D) where the net keeps that)."""
        return {self[k]: np.asarray(v).reshape(self.own_shapes[self[k]]) for k, v in params.items()}

    def to_contract(self, grads, shapes):
        """The student's gradients under contract names; a gradient of the student's own (1, D) layout is read
        as (D,). Keys that match no parameter are kept as they are."""
        back = {v: k for k, v in self.items()}
        out = {}
        for key, value in grads.items():
            name = back.get(key, key)
            wanted = shapes.get(name)
            if (wanted is not None and np.shape(value) == self.own_shapes.get(key) != tuple(wanted)
                    and np.size(value) == int(np.prod(wanted))):
                value = np.reshape(value, wanted)
            out[name] = value
        return out


class Mismatch(str):
    """Why no consistent matching exists (a falsy result would hide the reason, so this is a str)."""


def as_vector_length(shape):
    """D for a (D,) or (1, D) shape, else None."""
    shape = tuple(shape)
    if len(shape) == 1 or (len(shape) == 2 and shape[0] == 1):
        return shape[-1]
    return None


def fits(own_shape, contract_shape):
    """Whether a student's parameter of ``own_shape`` can be the contract's parameter of ``contract_shape``."""
    own_shape, contract_shape = tuple(own_shape), tuple(contract_shape)
    if len(contract_shape) == 1:
        return as_vector_length(own_shape) == contract_shape[0]
    return own_shape == contract_shape


def name_kind(key):
    """The kind a parameter's name suggests, or None."""
    tokens = re.findall(r'[a-z]+', str(key).lower())
    for kind in ('gamma', 'beta'):
        if any(kind in token for token in tokens):
            return kind
    for token in tokens:
        if token in NAME_TOKENS:
            return NAME_TOKENS[token]
    return None


def name_number(key):
    """The last number in a parameter's name, or None."""
    digits = re.findall(r'\d+', str(key))
    return int(digits[-1]) if digits else None


def _structural_kinds(value, initial, vanishes=False):
    """The kinds a parameter can be from its shape, (when known) its initial value and whether its gradient
    vanishes."""
    shape = np.shape(value)
    if as_vector_length(shape) is None:
        return {'W'}
    if vanishes:
        return {'b'}
    if initial is None:
        return {'b', 'gamma', 'beta'}
    initial = np.asarray(initial, dtype=np.float64)
    if np.all(initial == 1):
        return {'gamma'}
    if np.all(initial == 0):
        return {'b', 'beta'}
    return {'b', 'gamma', 'beta'}


def vanishing(grads):
    """The keys whose gradient is zero to rounding while others' are not: biases that feed batch norm."""
    sizes = {k: float(np.max(np.abs(g))) for k, g in grads.items()
             if isinstance(g, np.ndarray) and g.size and np.all(np.isfinite(g))}
    largest = max(sizes.values(), default=0.0)
    return {k for k, size in sizes.items() if largest > 0 and size <= 1e-9 * largest}


def _kinds(params, initial, wanted, vanished=()):
    """({student key: kind}, whether creation order had to decide), or a Mismatch: the name decides when the
    structure allows it, the structure (shape, initial value, a vanishing gradient) when
    the name says nothing, then the numbers of each kind and width the contract wants ({(kind, width):
    count}); vectors still alike (zeros of one width, unnamed) take b before beta in the order they were
    created, as the release creates them."""
    def width(key):
        return as_vector_length(np.shape(params[key])) or np.shape(params[key])[-1]

    kinds, open_keys, guessed = {}, {}, False
    for key, value in params.items():
        possible = _structural_kinds(value, None if initial is None else initial.get(key), key in vanished)
        hinted = name_kind(key)
        if hinted in possible or (hinted is not None and hinted != 'W' and 'W' not in possible):
            kinds[key] = hinted
        elif len(possible) == 1:
            kinds[key] = next(iter(possible))
        else:
            open_keys[key] = possible

    def missing(kind, key):
        return wanted.get((kind, width(key)), 0) - sum(1 for k, v in kinds.items() if v == kind
                                                      and width(k) == width(key))

    while open_keys:
        settled = {}
        for key, possible in open_keys.items():
            still = [k for k in KINDS if k in possible and missing(k, key) > 0]
            if len(still) == 1:
                settled[key] = still[0]
        if not settled:
            guessed = True
            key = next(iter(open_keys))
            still = [k for k in KINDS if k in open_keys[key] and missing(k, key) > 0]
            if not still:
                return Mismatch('could not tell which of %s are biases, gamma or beta (considered: their shapes, '
                                'initial values, names and creation order)' % ', '.join(sorted(map(str, open_keys))))
            settled[key] = still[0]
        kinds.update(settled)
        for key in settled:
            del open_keys[key]
    return kinds, guessed


def _orderings(keys, params, order):
    """The student's keys of one kind in the orders they may follow: the numbers in their names (when
    distinct), then the order the net created them."""
    numbers = [name_number(k) for k in keys]
    if None not in numbers and len(set(numbers)) == len(numbers):
        yield sorted(keys, key=name_number)
    yield sorted(keys, key=order.index)


def match_params(params, shapes, initial=None, grads=None):
    """A ``Matching`` of the student's ``params`` ({key: array}) to the contract's ``shapes`` ({name: shape}),
    or a ``Mismatch``. ``initial``, the params of a freshly built net, lets initial values tell gamma from
    a bias when the names do not; ``grads``, the gradients of one train-mode loss, tell a bias that feeds
    batch norm from beta."""
    if set(params) == set(shapes) and all(fits(np.shape(params[k]), shapes[k]) for k in shapes):
        return Matching({k: k for k in shapes}, {k: np.shape(v) for k, v in params.items()})
    wanted = {kind: sorted((k for k in shapes if re.fullmatch(kind + r'\d+', k)), key=name_number) for kind in KINDS}
    if len(params) != len(shapes):
        return Mismatch('params holds %d arrays; the net needs %d (%s)' % (
            len(params), len(shapes), ', '.join('%d %s' % (len(v), k) for k, v in wanted.items() if v)))
    widths = {}
    for kind, names in wanted.items():
        for name in names:
            widths[(kind, shapes[name][-1])] = widths.get((kind, shapes[name][-1]), 0) + 1
    kinds = _kinds(params, initial, widths, vanishing(grads) if grads else ())
    if isinstance(kinds, Mismatch):
        return kinds
    kinds, guessed = kinds
    order = list(params)
    names = {}
    for kind in KINDS:
        found = [k for k in order if kinds[k] == kind]
        if len(found) != len(wanted[kind]):
            return Mismatch('found %d parameters that look like %s (%s); the net needs %d' % (
                len(found), kind, ', '.join(map(repr, found)) or 'none', len(wanted[kind])))
        for candidate in _orderings(found, params, order):
            if all(fits(np.shape(params[mine]), shapes[contract]) for contract, mine in zip(wanted[kind], candidate)):
                names.update(zip(wanted[kind], candidate))
                break
        else:
            return Mismatch('the %s parameters (%s) have shapes %s, which no order of the layers gives (%s)' % (
                kind, ', '.join(map(repr, found)), ', '.join(str(np.shape(params[k])) for k in found),
                ', '.join(str(shapes[k]) for k in wanted[kind])))
    return Matching(names, {k: np.shape(v) for k, v in params.items()}, guessed)


def describe_keys(got, expected):
    """'missing ...; unexpected ...' between two sets of parameter names (only when no matching exists)."""
    parts = []
    if expected - got:
        parts.append('missing %s' % ', '.join(sorted(map(str, expected - got))))
    if got - expected:
        parts.append('unexpected %s' % ', '.join(sorted(map(str, got - expected))))
    return '; '.join(parts)


def numbering_offset(matching):
    """The offset by which every renamed parameter's number differs from its layer's (-1 for a net numbered
    from 0), or None when the numbers do not differ by one offset."""
    offsets = {name_number(mine) - name_number(contract) for contract, mine in matching.items()
               if contract != mine and name_number(mine) is not None}
    return offsets.pop() if len(offsets) == 1 else None


def renamed(matching):
    """'W1 is 'W0', ...' for the parameters a matching found under other names."""
    return ', '.join('%s is %r' % (k, v) for k, v in sorted(matching.items(), key=lambda kv: (kv[0][0], kv[0]))
                     if k != v)
