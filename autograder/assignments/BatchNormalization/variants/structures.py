"""Nets that keep their parameters and per-layer state in another consistent structure than the release's.

Each is right in behaviour; the release states the structure ('W1' .. 'gamma1' of shape (hidden_dim,), a list
of L - 1 bn_param dicts), so each loses points in the parameters check, and only there: the other checks
match parameters and per-layer dicts to layers by structure (``autograder.grading.param_matching``). Each
description says where the structure was seen: the tracker's measurement of about forty public nets of this
assignment (issue 22) found every one of them in real students' code.
"""
import re

from autograder.assignments.BatchNormalization import ASSIGNMENT
from autograder.assignments.BatchNormalization.variants.correct import REFERENCE
from autograder.validation.kinds import Bug, of_assignment, patch

NET = REFERENCE['fc_net']
KEY = re.compile(r"'(W|b|gamma|beta)%d' % (i|L)")


def keyed(template, source=NET):
    """The reference net with every parameter key 'W%d' % i written as ``template`` (format fields ``kind``
    and ``layer``), e.g. "('{kind}', {layer})" for tuple keys."""
    return KEY.sub(lambda m: template.format(kind=m.group(1), layer=m.group(2)), source)


def row_shaped(source):
    """gamma and beta created with shape (1, D) instead of (D,)."""
    for kind, fill in (('gamma', 'ones'), ('beta', 'zeros')):
        source = re.sub(r"(\[[^\]]*%s[^\]]*\] = np\.%s\()d_out\)" % (kind, fill), r'\1(1, d_out))', source)
    return source


BN_PARAMS_AS_DICT = (
    ("        self.bn_params = []\n", "        self.bn_params = {}\n"),
    ("self.bn_params = [{'mode': 'train'} for _ in range(self.num_layers - 1)]",
     "self.bn_params = {i: {'mode': 'train'} for i in range(1, self.num_layers)}"),
    ("        for bn_param in self.bn_params:\n", "        for bn_param in self.bn_params.values():\n"),
    ("self.bn_params[i - 1])", "self.bn_params[i])"),
)

BN_PARAMS_FROM_ONE = (
    ("self.bn_params = [{'mode': 'train'} for _ in range(self.num_layers - 1)]",
     "self.bn_params = [{'mode': 'train'} for _ in range(self.num_layers)]"),
    ("self.bn_params[i - 1])", "self.bn_params[i])"),
)

SEED_NAMES = {'W': "'W%d'", 'b': "'b%d'", 'gamma': "'BN%dgamma'", 'beta': "'BN%dbeta'"}


def seed_answer():
    """The seed's real answer: W0..W2, b0..b2, BN0gamma, BN0beta of shape (1, D), and `bn_param[mode] = mode`."""
    source = KEY.sub(lambda m: '%s %% (%s - 1)' % (SEED_NAMES[m.group(1)], m.group(2)), NET)
    source = row_shaped(source)
    return patch({'fc_net': source}, 'fc_net', ("bn_param['mode'] = mode", 'bn_param[mode] = mode'))


CREATED = """            self.params['W%d' % i] = weight_scale * np.random.randn(d_in, d_out)
            self.params['b%d' % i] = np.zeros(d_out)
            if use_batchnorm and i < self.num_layers:
                self.params['gamma%d' % i] = np.ones(d_out)
                self.params['beta%d' % i] = np.zeros(d_out)
"""
BETA_FIRST = """            self.params['W%d' % i] = weight_scale * np.random.randn(d_in, d_out)
            if use_batchnorm and i < self.num_layers:
                self.params['beta%d' % i] = np.zeros(d_out)
                self.params['gamma%d' % i] = np.ones(d_out)
            self.params['b%d' % i] = np.zeros(d_out)
"""
POSITION = {'W': 0, 'beta': 1, 'gamma': 2, 'b': 3}


def numbered_beta_first():
    """Keys that name no kind ('layer1.0' .. 'layer1.3', as a state dict numbers a block's tensors), each
    layer's shift created before its scale and bias: only the gradients tell its bias (batch norm cancels it)
    from beta."""
    source = patch({'fc_net': NET}, 'fc_net', (CREATED, BETA_FIRST))['fc_net']
    return KEY.sub(lambda m: "'layer%%d.%d' %% %s" % (POSITION[m.group(1)], m.group(2)), source)


NAMES = 'the parameters follow another naming scheme than the release states'
NAMES_HINT = 'Compare your parameter names with the docstring of __init__.'

STRUCTURES = of_assignment(ASSIGNMENT, [
    Bug('seed_answer', "the seed's real student answer: W0..W2, b0..b2, BN0gamma/BN0beta of shape (1, D), and "
        '`bn_param[mode] = mode` (source: the seed submission described in issue 22; names and shapes cost only '
        'the parameters check, the typo only test mode)',
        seed_answer(), loses_in='fc_net_init', also_loses_in=('fc_net_test_mode',),
        explanation=NAMES, hint=NAMES_HINT),
    Bug('tuple_keys', "params keyed by tuples ('W', 1), ('gamma', 1) (seen in public nets: issue 22, "
        '"parameter keys that are tuples"; a student\'s notes on assignment 2 switch to para[(\'W\', 1)] because '
        '"when the number of layers is a variable it is inconvenient", '
        'https://github.com/shijiaxin/cs231n_winter2016/blob/HEAD/note_assignment2.md)',
        {'fc_net': keyed("('{kind}', {layer})")}, loses_in='fc_net_init',
        explanation=NAMES, hint=NAMES_HINT),
    Bug('suffix_names_row_gamma', "names with a prefix and suffix ('layer1_W', 'layer1_gamma') and gamma/beta "
        'of shape (1, H) (seen in public nets: issue 22, "a nonstandard name together with (1, H) shapes")',
        {'fc_net': row_shaped(keyed("'layer%d_{kind}' % {layer}"))},
        loses_in='fc_net_init', explanation=NAMES, hint=NAMES_HINT),
    Bug('row_gamma_only', 'gamma and beta of shape (1, H), names as the release states (seen in public nets: issue 22)',
        {'fc_net': row_shaped(NET)}, loses_in='fc_net_init',
        explanation='gamma and beta have shape (1, H)', hint='Compare the shape of gamma with the docstring.'),
    Bug('bn_params_dict', 'bn_params kept as a dict keyed by layer number (seen in public nets: '
        'issue 22, "bn_params kept as a dict instead of a list")',
        patch(REFERENCE, 'fc_net', *BN_PARAMS_AS_DICT), loses_in='fc_net_init',
        explanation='self.bn_params is a dict, not a list', hint='Check what type the docstring gives bn_params.'),
    Bug('bn_params_from_one', 'a list of L bn_params indexed from 1, the first never used (seen in public nets: '
        'issue 22, "an index offset in bn_params whose behaviour is right")',
        patch(REFERENCE, 'fc_net', *BN_PARAMS_FROM_ONE), loses_in='fc_net_init',
        explanation='bn_params holds one dict more than there are normalized layers',
        hint='Count the bn_param dicts your constructor creates.'),
    Bug('numbered_keys_beta_first', "keys that name no kind, 'layer1.0' .. 'layer1.3' as a state dict numbers "
        "a block's tensors, beta created before gamma and the bias (source: PyTorch's state_dict keys of an "
        'nn.Sequential block, "0.weight", "1.running_mean", https://pytorch.org/tutorials/recipes/recipes/'
        'what_is_state_dict.html)',
        {'fc_net': numbered_beta_first()}, loses_in='fc_net_init', explanation=NAMES, hint=NAMES_HINT),
    Bug('zero_based_row_gamma_tuple', "tuple keys numbered from 0 with (1, H) gamma and beta (the schemes of issue 22's public nets combined)",
        {'fc_net': row_shaped(keyed("('{kind}', {layer} - 1)"))}, loses_in='fc_net_init',
        explanation=NAMES, hint=NAMES_HINT),
])

__all__ = ['STRUCTURES']
