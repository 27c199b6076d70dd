"""A validation variant: a submission written as replacements of an assignment's solution cells.

An assignment's ``variants.py`` lists its ``CORRECT`` implementations and realistic ``BUGS``, each made with
``patch`` from the reference cells (``Assignment.reference_cells``); ``autograder.validation.hostile`` makes
the hostile ones. ``all_variants(assignment)`` is the whole validation set, ``collateral`` the rule by which
a bug may cost points outside the check named for it.
"""
from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class Variant:
    name: str
    kind: str                 # 'correct', 'bug', 'hostile' or 'twin'
    description: str
    cells: dict = field(default_factory=dict)   # grade_id -> replacement source (None: keep the release's stub)
    loses_in: str = None      # bugs: the check that must lose points; hostile: the checks that must score 0
    group: str = None         # hostile: what it attacks (autograder.validation.hostile.GROUPS)
    promise: str = None       # hostile: which levels must contain it ('robust', 'isolated', 'secret')
    # Bugs: the misconception diagnosis's words (autograder/grading/misconceptions.py). The explanation
    # completes "Your dx matches what the backward pass gives when ..."; the hint says where to look, not what
    # to write.
    explanation: str = None
    hint: str = None
    # Bugs whose one mistake breaks a second stated requirement (batch norm after the last layer adds
    # parameters the parameters check counts): that check may lose points too.
    also_loses_in: tuple = ()
    assignment: str = None    # the name of the assignment whose reference cells it changes

    def sources(self, reference=None):
        """All solution cells: the reference (by default its assignment's), with this variant's replacements."""
        if reference is None:
            from autograder.assignment import get
            reference = get(self.assignment).reference_cells()
        cells = dict(reference)
        cells.update(self.cells)
        return cells


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


def all_variants(assignment):
    """The whole validation set of ``assignment``: its correct variants, its bugs, the hostile submissions."""
    from autograder.validation.hostile import hostile_variants
    content = assignment.module('variants')
    return list(content.CORRECT) + list(content.BUGS) + list(hostile_variants(assignment))


def net_checks(assignment):
    """The checks that use the network class (whatever ``CELLS[attack_targets.net]`` defines)."""
    targets = assignment.attack_targets
    if targets is None:
        return ()
    names = {obj.__name__ for obj in assignment.module('cells').CELLS[targets.net]}
    return tuple(spec.name for spec in assignment.checks if names & set(spec.needs))


def collateral(assignment, variant, lost):
    """Points a bug loses outside the check(s) named for it, beyond what error carried forward allows.

    ``lost`` maps check names to points lost. Allowed: the named check, a second check the same mistake
    visibly breaks (``also_loses_in``), and the training checks' own points (``Assignment.training_checks``)
    when the mistake is in the net itself (a net that computes the wrong thing also trains worse; a wrong layer
    is judged in its own checks and the training check carries it forward).
    """
    allowed = {variant.loses_in, *variant.also_loses_in}
    if variant.loses_in in net_checks(assignment):
        allowed.update(assignment.training_checks)
    return sum(points for check, points in lost.items() if check not in allowed)
