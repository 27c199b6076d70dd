"""Hostile submissions: code that tries to crash, hang, exhaust, escape, spy on or fool the grader.

Each attack is a Python file, ``attacks/<group>/<name>.py``: its header says which role's cell it replaces
(``attacks:`` forward, backward or net, as ``Assignment.attack_targets`` names them), the rule of the checks
in which it must earn nothing (``earns_nothing_in:``) and which levels must contain it (``containment:``); the code shared
by several attacks is in ``attacks/shared/`` (``autograder.validation.attack_files`` reads both).

Each one replaces one or two of the reference's solution cells with what a determined student might write.
Every case is judged by what it achieved, never by how the sandbox stopped it:

- check by check it earns no more than its **stub twin** (the same notebook with those cells left as the
  release's ``NotImplementedError`` stubs), and nothing in ``loses_in``;
- its grading finishes within the grader's own timeouts;
- nothing it leaves behind is found afterwards: a file named ``bnkit-hostile-<name>-...`` in /tmp, /var/tmp or
  /dev/shm, the string ``bnkit-hostile-<name>`` in anyone's results or feedback (the attacks write it into
  whatever they manage to tamper with, and raise it when they manage to reach something they must not);
- the run-level rows of ``autograder.validation.runner`` hold: no planted secret in any output, shared places
  clean, no process left, no connection to the run's listener, the grader's memory bounded, every other
  submission graded with its own score.

Cases are grouped by what they attack (``group``) and say which isolation level must already contain them
(``containment``):

- ``robust``: every level, even a plain process with rlimits: the run finishes, nobody else's grade changes,
  time and memory stay bounded, and nothing crosses the wire but plain data;
- ``isolated``: the ``container`` and ``full`` levels (and ``process`` where the kernel offers Landlock): no
  effect outside the sandbox (files in shared places, processes that outlive the worker, the network, other
  namespaces, ptrace, other workers);
- ``secret``: reads outside the sandbox's allowlist find nothing (``full``; ``container`` and ``process``
  where the kernel offers Landlock).
"""
import re
from dataclasses import dataclass
from functools import lru_cache

from autograder.validation.attack_files import FOLDER, as_placeholders, cell_code, read_header
from autograder.validation.kinds import Attack, StubTwin

# Which checks an attack must cost, as a rule read from each check's ``needs`` and the assignment's
# declarations (``Assignment.attack_targets``, ``Assignment.training_checks``):
CALL_FORWARD = 'checks that call the forward'
CALL_BACKWARD = 'checks that call the backward'
# The net calls the layer's backward when it trains, so a hostile backward also costs the checks that train
# the whole net (a loss check still earns its case without the layer).
RUN_BACKWARD = 'checks that call the backward or train the net'
USE_NET = 'checks that use the net'
EVERY_CHECK = 'every check'

TRACE_PREFIX = 'bnkit-hostile-'      # file names and strings that prove an attack got somewhere
CONTAINMENTS = ('robust', 'isolated', 'secret')
GROUPS = {
    'crash': 'crashing, hanging and exhausting the worker',
    'fool': 'fooling the checks',
    'tamper': 'tampering with what the grader or a later worker reads',
    'escape': 'escaping the kill',
    'read': 'reading outside the allowlist',
    'fill': 'exhausting shared places',
    'grader': 'exhausting the grader',
    'kernel': 'namespaces, ptrace and sockets',
}


ROLES = ('forward', 'backward', 'net')
RULES = (CALL_FORWARD, CALL_BACKWARD, RUN_BACKWARD, USE_NET, EVERY_CHECK)


@dataclass(frozen=True)
class AttackFile:
    """One attack as its file states it, for any assignment: its cell is keyed by its role and says
    @forward@, @backward@, @forward_def@, @backward_def@, @answers_module@ and @answers_file@
    (``placeholders``); NAME in it is already the attack's name."""
    name: str
    description: str
    cells: dict
    earns_nothing_in: str     # one of RULES: the checks in which it must earn nothing
    group: str
    containment: str


def read_attack(path):
    description, header, code = read_header(path, ('attacks', 'earns nothing in', 'containment'))
    group, role = path.parent.name, header['attacks']
    if group not in GROUPS or role not in ROLES or header['earns nothing in'] not in RULES or header['containment'] not in CONTAINMENTS:
        raise ValueError('%s: its folder must be one of %s, attacks: one of %s, earns_nothing_in: one of %s, containment: one '
                         'of %s' % (path, ', '.join(GROUPS), ', '.join(ROLES), '; '.join(RULES), ', '.join(CONTAINMENTS)))
    return AttackFile(path.stem, as_placeholders(description), {role: cell_code(code).replace('NAME', path.stem)},
                      header['earns nothing in'], group, header['containment'])


def attack_files(folder=FOLDER):
    """Every attack, group by group in the order of GROUPS, by name within a group."""
    return [read_attack(path) for group in GROUPS for path in sorted((folder / group).glob('*.py'))]


def stub_twin(variant):
    """The same notebook with the hostile cells left as the release's stubs (None = keep the release's cell).

    Hostile submissions that replace the same cells share one twin: it is the same notebook."""
    cells = sorted(variant.cells)
    return StubTwin('stub_twin__' + '__'.join(cells), 'the release with stubs in %s' % ', '.join(cells),
                    {grade_id: None for grade_id in cells}, assignment=variant.assignment)


def net_checks(assignment):
    """The checks that use the network class (whatever ``CELLS[attack_targets.net]`` defines)."""
    targets = assignment.attack_targets
    if targets is None:
        return ()
    names = {obj.__name__ for obj in assignment.module('cells').CELLS[targets.net]}
    return tuple(spec.name for spec in assignment.checks if names & set(spec.needs))


# ----------------------------------------------------------------------------------------------------------
# The attacks, made concrete for one assignment.

def function_name(def_line):
    found = re.match(r'\s*def\s+(\w+)\s*\(', def_line)
    if not found:
        raise ValueError('%r is not the first line of a function definition' % def_line)
    return found.group(1)


def checks_earning_nothing(assignment):
    """{rule: the names of the checks an attack under that rule must earn nothing in}, in run order."""
    targets = assignment.attack_targets
    forward, backward = function_name(targets.forward[1]), function_name(targets.backward[1])
    unknown = set(assignment.training_checks) - set(assignment.by_name)
    if unknown:
        raise ValueError('%s: training_checks names no check called %s' % (assignment.name, ', '.join(sorted(unknown))))

    def checks(keep):
        return tuple(spec.name for spec in assignment.checks if keep(spec))
    return {
        CALL_FORWARD: checks(lambda spec: forward in spec.needs),
        CALL_BACKWARD: checks(lambda spec: backward in spec.needs),
        RUN_BACKWARD: checks(lambda spec: backward in spec.needs or spec.name in assignment.training_checks),
        USE_NET: net_checks(assignment),
        EVERY_CHECK: checks(lambda spec: True),   # a worker that dies while the cells load answers nothing
    }


def placeholders(assignment):
    """What the attacks' @...@ placeholders stand for in this assignment."""
    targets = assignment.attack_targets
    answers_module = assignment.module('cells').CELLS[targets.backward[0]][0].__module__
    return {'@forward_def@': targets.forward[1], '@backward_def@': targets.backward[1],
            '@forward@': function_name(targets.forward[1]), '@backward@': function_name(targets.backward[1]),
            '@answers_module@': answers_module, '@answers_file@': answers_module.rsplit('.', 1)[-1] + '.py'}


ATTACKS = attack_files()


@lru_cache(maxsize=None)
def hostile_variants(assignment):
    """Every attack as a ``Variant`` of ``assignment``: its cells replaced, its expected losses named."""
    if assignment.attack_targets is None:
        raise ValueError('%s declares no attack_targets (autograder.assignment.AttackTargets)' % assignment.name)
    targets = assignment.attack_targets
    grade_ids = {'forward': targets.forward[0], 'backward': targets.backward[0], 'net': targets.net}
    earns_nothing_in, words = checks_earning_nothing(assignment), placeholders(assignment)

    def concrete(text):
        for placeholder, word in words.items():
            text = text.replace(placeholder, word)
        return text
    return tuple(Attack(a.name, concrete(a.description),
                        {grade_ids[role]: concrete(source) for role, source in a.cells.items()},
                        loses_in=earns_nothing_in[a.earns_nothing_in], group=a.group, containment=a.containment, assignment=assignment.name)
                 for a in ATTACKS)
