"""The validation set: the submissions every change of the kit is validated against.

An assignment's ``variants`` package lists its ``CORRECT`` implementations and realistic ``BUGS``
(``autograder.validation.kinds``), each written as edits of the reference cells (``Assignment.reference_cells``);
``autograder.validation.hostile`` makes the attacks. ``all_variants(assignment)`` is the whole validation set,
``collateral`` the rule by which a bug may cost points outside the check named for it.
"""
from autograder.validation.hostile import hostile_variants, net_checks
from autograder.validation.kinds import Attack, Bug, CorrectVariant, StubTwin, Variant, of_assignment, patch

__all__ = ['Attack', 'Bug', 'CorrectVariant', 'StubTwin', 'Variant', 'all_variants', 'collateral', 'net_checks',
           'of_assignment', 'patch']


def all_variants(assignment):
    """The whole validation set of ``assignment``: its correct variants, its bugs, the hostile submissions."""
    content = assignment.module('variants')
    return list(content.CORRECT) + list(content.BUGS) + list(hostile_variants(assignment))


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
