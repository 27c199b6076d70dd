"""Mistake families: mistakes generated from the reference, beyond the validation set's listed bugs.

A known mistake (``misconceptions.known_mistakes``) is one bug of the validation set, written out. A family is
a kind of mistake written once as an edit of the reference and a grid of settings: each setting is one
mistake (``Mistake`` with its ``family``), replayed by the diagnosis exactly as a known one and held to the
same rule (it is named only when its replay reproduces every wrong value of the check's calls and gets
nothing wrong that the student got right). The assignment declares its families, in its module
``families`` (``FAMILIES``, a tuple of ``Family``): which lines of its reference each edits, the check it
costs, and the words a student reads. Nothing here names an assignment, a layer or an operation.

An edit is ``Edit(cell, old, new)``: in the reference's solution cell ``cell``, the text ``old`` (which must
occur exactly once, or once after the text ``after``) becomes ``new``; ``new`` and the family's
``explanation`` are templates filled with the setting (``str.format``), so ``Family('eps_default', ..., explanation='eps defaults to {eps}',
edits=(Edit(cell, "get('eps', 1e-5)", "get('eps', {eps})"),), grid=grid(eps=('1e-3', '0')))`` is two
mistakes (a literal brace in ``new`` is written twice). ``old=None`` replaces the whole cell with ``new``
(a small alternative implementation).

A family may also take settings from what the student's outputs show (``measured``: the calls a check recorded
give the settings to try, an eps default read off the normalized variance, say), so that a value outside its
grid is named too, once its replay reproduces every wrong value like any other setting's.
"""
import itertools
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Edit:
    cell: str             # the solution cell's grade_id
    old: str              # the reference's text, found exactly once (None: the whole cell)
    new: str              # its replacement, a template of the setting
    after: str = None     # when given, ``old`` is looked for only after this text (found exactly once), past a
                          # docstring that states the same formula, say


@dataclass(frozen=True)
class Family:
    id: str
    check: str            # the check whose lost points it explains (one check, so no two checks disagree)
    explanation: str      # completes "... gives when <explanation>.", a template of the setting
    hint: str             # where to look, without the answer
    edits: tuple          # (Edit, ...), applied in order; each setting's values fill their ``new``
    grid: tuple = ({},)   # the settings: {name: text}, each one mistake
    measured: object = None   # calls -> the settings the recorded outputs point to, tried beside the grid

    def settings(self):
        return [dict(setting) for setting in self.grid]


def grid(**axes):
    """Every combination of the values given for each name: grid(eps=('1e-3', '0'), mode=('train',))."""
    names = list(axes)
    return tuple(dict(zip(names, values)) for values in itertools.product(*(axes[n] for n in names)))


def literal(value, rtol=1e-3):
    """The shortest Python literal of a measured number that is within ``rtol`` of it: 2.00003e-05 -> '2e-05'."""
    for digits in range(1, 8):
        text = '%.*g' % (digits, value)
        if abs(float(text) - value) <= rtol * abs(value):
            return text
    return repr(value)


def apply(cells, edits, setting):
    """{grade_id: source} of ``cells`` with ``edits`` made under ``setting``; ValueError when an ``old`` is not
    found exactly once (a family that no longer fits the reference must fail its tests, not go quiet)."""
    cells = dict(cells)
    for edit in edits:
        new = edit.new.format(**setting)
        if edit.old is None:
            cells[edit.cell] = new
            continue
        source = cells[edit.cell]
        start = 0 if edit.after is None else _once(source, edit.after, 0, edit.cell) + len(edit.after)
        _once(source, edit.old, start, edit.cell)
        cells[edit.cell] = source[:start] + source[start:].replace(edit.old, new)
    return cells


def _once(source, text, start, cell):
    """Where ``text`` occurs in ``source`` from ``start``, when it occurs there exactly once."""
    if source.count(text, start) != 1:
        raise ValueError('%r occurs %d times in the reference cell %s' % (text, source.count(text, start), cell))
    return source.index(text, start)


def mistake_id(family, setting):
    """The family's id with the setting's values (its ``words`` and names starting with _, which only fill
    templates, left out)."""
    values = [str(v) for k, v in setting.items() if k != 'words' and not k.startswith('_')]
    return '%s[%s]' % (family.id, ','.join(values)) if values else family.id


def declared(assignment):
    """The assignment's families (its module ``families``), () when it declares none."""
    module = assignment.optional_module('families')
    return tuple(module.FAMILIES) if module is not None else ()


@dataclass(frozen=True)
class Instance:
    """One setting of a family: the mistake the diagnosis replays."""
    id: str
    family: str
    check: str
    explanation: str
    hint: str
    sources: tuple        # ((grade_id, source), ...): every solution cell, the reference's with the edits made


@lru_cache(maxsize=None)
def generated(assignment):
    """Every setting of every declared family's grid as an ``Instance``, built once. A setting whose edited
    code is the reference's, or another setting's, is left out: it would be no mistake, or a second name for
    one."""
    reference = assignment.reference_cells()
    return tuple(_instances(reference, [(family, setting) for family in declared(assignment)
                                        for setting in family.settings()], {tuple(reference.items())}))


def measured(assignment, calls):
    """The settings the recorded ``calls`` point to (each family's ``measured``) that its grid does not already
    hold, as ``Instance``s."""
    reference = assignment.reference_cells()
    seen = {tuple(reference.items())} | {g.sources for g in generated(assignment)}
    wanted = [(family, setting) for family in declared(assignment) if family.measured is not None
              for setting in family.measured(calls)]
    return tuple(_instances(reference, wanted, seen))


def _instances(reference, wanted, seen):
    for family, setting in wanted:
        sources = tuple(apply(reference, family.edits, setting).items())
        if sources in seen:
            continue
        seen.add(sources)
        yield Instance(mistake_id(family, setting), family.id, family.check, family.explanation.format(**setting),
                       family.hint.format(**setting), sources)


def returned_families(prefix, check, cell, statement, names, factors=(), squeezed=(), hint=''):
    """The families of a function's returned values, each wrong as a whole: one value's sign flipped, one off by
    a constant factor, one 1-D value returned with a leading axis of 1 (a sum with keepdims=True), two 1-D
    values returned in each other's place, and the 1-D values all with that axis or all off by one factor.

    ``statement`` is the reference's return statement, ``return a, b, c``, and ``names`` the values it returns,
    in order, written as in it; ``factors`` are (expression, words) pairs, the expression valid where the
    statement is (``'N'``, ``'1 / N'``, ``'2'``), the words how a student reads it ("N, the number of examples");
    ``squeezed`` the names of the 1-D values."""
    def returning(changed):
        return 'return ' + ', '.join(changed.get(name, name) for name in names)

    def setting(name, changed, **words):
        return {'name': name, **words, '_returned': returning({name: changed})}

    edits = (Edit(cell, statement, '{_returned}'),)
    return (Family(prefix + '_sign', check, '{name} has the wrong sign', hint, edits,
                   tuple(setting(name, '-' + name) for name in names)),
            Family(prefix + '_factor', check, '{name} is off by a constant factor of {words}', hint, edits,
                   tuple(setting(name, '(%s) * %s' % (expression, name), expression=expression, words=words)
                         for name in names for expression, words in factors)),
            Family(prefix + '_keepdims', check, '{name} keeps the summed axis: its shape is (1, D) instead of (D,)',
                   hint, edits, tuple(setting(name, name + '[None, :]') for name in squeezed)),
            # One habit (keepdims=True on every sum, a mean for every sum) reaches all the summed values at once.
            Family(prefix + '_keepdims_all', check, '{name} keep the summed axis: their shape is (1, D) instead '
                   'of (D,)', hint, edits,
                   ({'name': ' and '.join(squeezed), '_returned': returning({n: n + '[None, :]' for n in squeezed})},)
                   if len(squeezed) > 1 else ()),
            Family(prefix + '_swapped', check, '{first} and {second} are returned in each other\'s place', hint, edits,
                   tuple({'first': a, 'second': b, '_returned': returning({a: b, b: a})}
                         for i, a in enumerate(squeezed) for b in squeezed[i + 1:])),
            Family(prefix + '_factor_all', check, '{name} are each off by a constant factor of {words}', hint, edits,
                   tuple({'name': ' and '.join(squeezed), 'expression': expression, 'words': words,
                          '_returned': returning({n: '(%s) * %s' % (expression, n) for n in squeezed})}
                         for expression, words in factors) if len(squeezed) > 1 else ()))
