"""The hostile submissions are general attacks placed by an assignment's declarations.

For batch normalization they are the 46 attacks the kit has always validated with and two parser bombs: same names,
groups, promises, replaced cells and checks in which each must earn nothing (written out below as data, not
recomputed). An assignment whose functions have other names gets the same attacks written against them.
"""
import dataclasses

from autograder.assignment import AttackTargets
from autograder.assignments.BatchNormalization import ASSIGNMENT
from autograder.validation.hostile import hostile_variants, checks_earning_nothing
from autograder.validation.variant import Bug, all_variants, collateral

FORWARD = ('batchnorm_forward_train', 'batchnorm_running_stats_test_mode', 'batchnorm_invalid_mode',
           'batchnorm_backward')
BACKWARD = ('batchnorm_backward', 'fc_net_training')
BACKWARD_ONLY = ('batchnorm_backward',)
NET_CHECKS = ('fc_net_init', 'fc_net_loss_and_gradients', 'fc_net_test_mode', 'fc_net_training')
EVERY = FORWARD + NET_CHECKS

# (name, group, containment, the cell it replaces, the checks in which it must earn nothing), group by group
# in the order of hostile.GROUPS, by name within a group
BATCHNORM_ATTACKS = [
    ('fork_bomb', 'crash', 'robust', 'batchnorm_backward', BACKWARD),
    ('infinite_loop', 'crash', 'robust', 'batchnorm_backward', BACKWARD),
    ('kills_everything', 'crash', 'robust', 'batchnorm_backward', BACKWARD),
    ('memory_bomb', 'crash', 'robust', 'batchnorm_backward', BACKWARD),
    ('os_exit_at_import', 'crash', 'robust', 'fc_net', EVERY),
    ('os_exit_in_function', 'crash', 'robust', 'batchnorm_backward', BACKWARD),
    ('sleeps_past_timeout', 'crash', 'robust', 'batchnorm_backward', BACKWARD),
    ('sys_exit_at_import', 'crash', 'robust', 'fc_net', NET_CHECKS),
    ('sys_exit_in_function', 'crash', 'robust', 'batchnorm_backward', BACKWARD),
    ('lies_in_comparisons', 'fool', 'robust', 'batchnorm_backward', BACKWARD),
    ('monkeypatches_builtins', 'fool', 'robust', 'batchnorm_forward', FORWARD),
    ('monkeypatches_numpy', 'fool', 'robust', 'batchnorm_forward', FORWARD),
    ('ndarray_subclass', 'fool', 'robust', 'batchnorm_forward', FORWARD),
    ('pickle_payload', 'fool', 'robust', 'batchnorm_backward', BACKWARD),
    ('prints_fake_scores', 'fool', 'robust', 'batchnorm_backward', BACKWARD),
    ('injects_into_other_pipes', 'tamper', 'isolated', 'batchnorm_backward', BACKWARD),
    ('rewrites_own_worker_files', 'tamper', 'isolated', 'batchnorm_backward', BACKWARD),
    ('swaps_files_for_symlinks', 'tamper', 'isolated', 'batchnorm_backward', BACKWARD),
    ('tampers_other_workers', 'tamper', 'isolated', 'batchnorm_backward', BACKWARD),
    ('writes_everywhere', 'tamper', 'robust', 'batchnorm_backward', BACKWARD),
    ('clears_pdeathsig', 'escape', 'isolated', 'batchnorm_backward', BACKWARD),
    ('double_fork_daemon', 'escape', 'isolated', 'batchnorm_backward', BACKWARD),
    ('setsid_child_kills_later', 'escape', 'isolated', 'batchnorm_backward', BACKWARD),
    ('setsid_worker_outlives', 'escape', 'isolated', 'batchnorm_backward', BACKWARD),
    ('thread_keeps_running', 'escape', 'isolated', 'batchnorm_backward', BACKWARD),
    ('copies_from_nbgrader_course', 'read', 'secret', 'batchnorm_backward', BACKWARD_ONLY),
    ('imports_kit_past_blocker', 'read', 'secret', 'batchnorm_backward', BACKWARD_ONLY),
    ('reads_grader_environment', 'read', 'isolated', 'batchnorm_backward', BACKWARD),
    ('reads_other_checkouts', 'read', 'secret', 'batchnorm_backward', BACKWARD_ONLY),
    ('reads_the_answer_key', 'read', 'secret', 'batchnorm_backward', BACKWARD_ONLY),
    ('unpacks_gradescope_wheels', 'read', 'secret', 'batchnorm_backward', BACKWARD_ONLY),
    ('fills_cwd', 'fill', 'isolated', 'batchnorm_backward', BACKWARD),
    ('fills_dev_shm', 'fill', 'isolated', 'batchnorm_backward', BACKWARD),
    ('fills_tmp', 'fill', 'isolated', 'batchnorm_backward', BACKWARD),
    ('fills_var_tmp_inodes', 'fill', 'isolated', 'batchnorm_backward', BACKWARD),
    ('announces_huge_arrays', 'grader', 'robust', 'batchnorm_backward', BACKWARD),
    ('floods_output', 'grader', 'robust', 'batchnorm_backward', BACKWARD),
    ('half_header_then_sleeps', 'grader', 'robust', 'batchnorm_backward', BACKWARD),
    ('huge_cell', 'grader', 'robust', 'fc_net', NET_CHECKS),
    ('nests_brackets_past_the_parser', 'grader', 'robust', 'fc_net', NET_CHECKS),
    ('trickles_reply', 'grader', 'robust', 'batchnorm_backward', BACKWARD),
    ('clones_new_user_namespace', 'kernel', 'isolated', 'batchnorm_backward', BACKWARD),
    ('connects_to_local_services', 'kernel', 'isolated', 'batchnorm_backward', BACKWARD),
    ('ptrace_attaches_to_grader', 'kernel', 'isolated', 'batchnorm_backward', BACKWARD),
    ('reads_grader_memory', 'kernel', 'isolated', 'batchnorm_backward', BACKWARD),
    ('sends_udp_and_asks_netlink', 'kernel', 'isolated', 'batchnorm_backward', BACKWARD),
    ('sniffs_loopback', 'kernel', 'isolated', 'batchnorm_backward', BACKWARD),
    ('unshares_to_unhide_the_kit', 'kernel', 'isolated', 'batchnorm_backward', BACKWARD_ONLY),
]


def test_batchnorm_gets_exactly_its_attacks():
    got = [(v.name, v.group, v.containment, *v.cells, v.loses_in) for v in hostile_variants(ASSIGNMENT)]
    assert got == BATCHNORM_ATTACKS
    assert all(v.kind == 'hostile' and v.assignment == ASSIGNMENT.name for v in hostile_variants(ASSIGNMENT))


def test_expected_losses_come_from_needs_and_the_declared_training_check():
    rules = checks_earning_nothing(ASSIGNMENT)
    assert sorted(rules.values()) == sorted([FORWARD, BACKWARD_ONLY, BACKWARD, NET_CHECKS, EVERY])
    # Without the declaration, a hostile backward costs only the checks that call it.
    untrained = dataclasses.replace(ASSIGNMENT, training_checks=())
    losses = {v.name: v.loses_in for v in hostile_variants(untrained)}
    assert losses['infinite_loop'] == BACKWARD_ONLY and losses['os_exit_at_import'] == EVERY


def test_attack_code_is_written_from_the_targets():
    renamed = dataclasses.replace(ASSIGNMENT, attack_targets=AttackTargets(
        forward=('batchnorm_forward', 'def layernorm_forward(x, gamma, beta, ln_param):'),
        backward=('batchnorm_backward', 'def layernorm_backward(dout, cache):'), net='fc_net'))
    variants = hostile_variants(renamed)
    sources = [source for v in variants for source in v.cells.values()]
    assert not any('batchnorm' in s for s in sources + [v.description for v in variants])
    loot = next(v for v in variants if v.name == 'copies_from_nbgrader_course').cells['batchnorm_backward']
    assert "'def layernorm_backward' in source" in loot and 'def layernorm_backward(dout, cache):' in loot
    assert not any('@' + word in s for s in sources for word in ('forward', 'backward', 'answers'))


def test_a_bug_in_the_net_may_cost_the_training_check_and_nothing_else():
    bugs = [v for v in all_variants(ASSIGNMENT) if isinstance(v, Bug)]
    net_bug = next(v for v in bugs if v.loses_in == 'fc_net_init')
    layer_bug = next(v for v in bugs if v.loses_in == 'batchnorm_backward')
    assert collateral(ASSIGNMENT, net_bug, {'fc_net_init': 3, 'fc_net_training': 10}) == 0
    assert collateral(ASSIGNMENT, net_bug, {'fc_net_init': 3, 'batchnorm_backward': 2}) == 2
    assert collateral(ASSIGNMENT, layer_bug, {'batchnorm_backward': 3, 'fc_net_training': 10}) == 10
