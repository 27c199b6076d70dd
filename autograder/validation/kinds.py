"""The kinds of validation submission: each a notebook written as replacements of an assignment's solution
cells, and each kind with what it must show.

- ``CorrectVariant``: another right answer; it must earn full credit.
- ``Bug``: a realistic mistake; it must lose points in the check named for it (``loses_in``), and its words
  (``explanation``, ``hint``) are what the misconception diagnosis tells a student who made it.
- ``Attack``: a hostile submission (``autograder.validation.hostile``); it must earn nothing in ``loses_in``
  and no more than its ``StubTwin`` anywhere.
- ``StubTwin``: the release with the attacked cells left as its stubs, the yardstick of an attack.

Each says its ``kind`` as the validation table prints it.
"""
from dataclasses import dataclass, field, replace

from autograder.assignment import get


@dataclass(frozen=True)
class Variant:
    name: str
    description: str
    cells: dict = field(default_factory=dict)   # grade_id -> replacement source (None: keep the release's stub)
    assignment: str = field(default=None, kw_only=True)   # the assignment whose reference cells it changes
    # Kept apart from the diagnosis's tuning: its rate of named causes is measured on these alone
    # (docs/validation.md, "The held-out part").
    held_out: bool = field(default=False, kw_only=True)
    kind = None
    # The validation table reads these of every row; only an attack has them.
    group = None
    containment = None

    def sources(self, reference=None):
        """All solution cells: the reference (by default its assignment's), with this variant's replacements."""
        if reference is None:
            reference = get(self.assignment).reference_cells()
        cells = dict(reference)
        cells.update(self.cells)
        return cells


@dataclass(frozen=True)
class CorrectVariant(Variant):
    kind = 'correct'


@dataclass(frozen=True, kw_only=True)
class Bug(Variant):
    kind = 'bug'
    loses_in: str             # the check that must lose points
    # The misconception diagnosis's words (autograder/grading/misconceptions.py). The explanation completes
    # "Your dx matches what the backward pass gives when ..."; the hint says where to look, not what to write.
    explanation: str
    hint: str
    # The mistake family (autograder/grading/families.py) whose generated mistake this bug is, as that mistake's
    # id (the family's id with its setting, 'eps_default[1e-3]'), set from the bug's description; None when no
    # family describes it. The held-out part's rate counts a generated cause right by it (docs/validation.md).
    family: str = None
    # A mistake that breaks a second stated requirement (batch norm after the last layer adds parameters the
    # parameters check counts): that check may lose points too.
    also_loses_in: tuple = ()


@dataclass(frozen=True, kw_only=True)
class Attack(Variant):
    kind = 'hostile'
    loses_in: tuple           # the checks in which it must earn nothing
    group: str = field()      # what it attacks (autograder.validation.hostile.GROUPS)
    containment: str = field()    # which isolation levels must contain it (autograder.validation.hostile.CONTAINMENTS)


@dataclass(frozen=True)
class StubTwin(Variant):
    kind = 'twin'


def patch(cells, grade_id, *replacements):
    """{grade_id: cells[grade_id] with each (old, new) replaced; ``old`` must occur exactly once}."""
    source = cells[grade_id]
    for old, new in replacements:
        if source.count(old) != 1:
            raise ValueError('%r occurs %d times in the reference cell %s' % (old, source.count(old), grade_id))
        source = source.replace(old, new)
    return {grade_id: source}


def of_assignment(assignment, variants):
    """The variants, each knowing the assignment whose reference it changes."""
    return [replace(v, assignment=assignment.name) for v in variants]
