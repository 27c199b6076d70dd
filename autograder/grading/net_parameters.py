"""The parts of a net's parameters check: names, shapes, initial values, weight scale, dtypes, a net without
the layer.

Every normalization assignment's net holds the same parameters ('W1'..'WL', 'b1'..'bL', and 'gamma1',
'beta1', ... for each normalized hidden layer; ``autograder.grading.net_reference.contract_shapes``). An
assignment's parameters check builds a ``NetParameters`` from its declarations (the keyword arguments that
turn its layer on and off, the words feedback uses for them, the net attribute holding one dict per
normalized layer) and adds the parts it wants, with its own weights, to a ``Grading``.
"""
import numpy as np

from autograder.grading.param_matching import (KINDS, Mismatch, describe_keys, match_params, name_kind,
                                               numbering_offset, renamed)


class NetParameters:
    """The student's net built with the check's settings, each once, and the parts judging its parameters.

    ``net`` is the assignment's ``NetReference``; ``seed`` seeds numpy before every net is built.
    ``normalized`` builds a small float64 net with the layer (two hidden layers), ``big`` a float32 one whose
    weights have weight_scale 0.1, ``plain`` the small net without the layer; ``with_layer`` and
    ``without_layer`` are how feedback names those settings ("use_batchnorm=True"), and ``layer_state`` is the
    net's attribute holding one dict per normalized layer ('bn_params').
    """

    def __init__(self, student, net, seed, normalized, big, plain, with_layer, without_layer, layer_state):
        self.student, self.net, self.seed = student, net, seed
        self.settings = {'normalized': normalized, 'big': big, 'plain': plain}
        self.with_layer, self.without_layer, self.layer_state = with_layer, without_layer, layer_state
        self.states = {}

    def state(self, name, **kwargs):
        """The ``net_state`` of the student's net of setting ``name`` (or built with ``kwargs``), built once."""
        if name not in self.states:
            self.student.seed_numpy(self.seed)
            self.states[name] = self.student.net_state(self.student.net_create(**(kwargs or self.settings[name])))
        return self.states[name]

    def shapes(self, name):
        return self.net.shapes(self.settings[name])

    # ------------------------------------------------ the parts (each returns its problems)
    def matching(self, name):
        """The ``Matching`` of setting ``name``'s parameters to the contract's, or a ``Mismatch``."""
        params = self.state(name)['params']
        return match_params(params, self.shapes(name), params)

    def names(self):
        params, shapes = self.state('normalized')['params'], self.shapes('normalized')
        if set(params) == set(shapes):
            return []
        matching = self.matching('normalized')
        if isinstance(matching, Mismatch):
            return ['with %s and two hidden layers, params should hold W1..W3, b1..b3, gamma1, gamma2, beta1 and '
                    'beta2 (%s); %s' % (self.with_layer, describe_keys(set(params), set(shapes)), matching)]
        scheme = 'are numbered from 0' if numbering_offset(matching) == -1 else 'follow another naming scheme'
        return ["your parameters %s (%s). The release numbers the layers from 1: 'W1' "
                "and 'b1' are the first affine layer's, 'gamma1' and 'beta1' scale and shift the first hidden "
                'layer. Only this part charges the names: the other checks find your parameters by their shapes, '
                'initial values and order' % (scheme, renamed(matching))]

    def shapes_of_params(self):
        params, shapes = self.state('normalized')['params'], self.shapes('normalized')
        matching = self.matching('normalized')
        if isinstance(matching, Mismatch):
            matching = {k: k for k in shapes}
        return ['%s has shape %s, expected %s' % (matching[k], np.shape(params[matching[k]]), v)
                for k, v in shapes.items() if matching[k] in params and np.shape(params[matching[k]]) != v]

    def initial_values(self):
        params = self.state('normalized')['params']
        matching = self.matching('normalized')
        if isinstance(matching, Mismatch):
            # The names part charges a structure that cannot be matched; here each parameter the net has is
            # judged by the kind its name says.
            matching = {'%s%d' % (name_kind(k), i): k for i, k in enumerate(params) if name_kind(k) in KINDS}
        problems = []
        for k, mine in sorted(matching.items()):
            value = np.asarray(params[mine], dtype=np.float64)
            if k.startswith('gamma') and not np.all(value == 1):
                problems.append('%s should start as ones' % mine)
            if (k.startswith('beta') or k.startswith('b') and k[1:].isdigit()) and not np.all(value == 0):
                problems.append('%s should start as zeros' % mine)
        return problems

    def weights(self):
        params = self.state('big')['params']
        matching = self.matching('big')
        if isinstance(matching, Mismatch):
            matching = {k: k for k in ('W1', 'W2', 'W3')}   # the names part charges the structure
        problems = []
        for k in ('W1', 'W2', 'W3'):
            w = params.get(matching[k])
            if w is None:
                return ['%s is missing' % k]
            if not (0.085 < np.std(w) < 0.115 and abs(np.mean(w)) < 0.02):
                problems.append('%s does not look drawn from weight_scale * randn (mean 0, standard deviation '
                                'weight_scale)' % matching[k])
        return problems

    def dtypes(self):
        problems = []
        if any(np.asarray(v).dtype != np.float32 for v in self.state('big')['params'].values()):
            problems.append('with the default dtype every parameter should be float32')
        if any(np.asarray(v).dtype != np.float64 for v in self.state('normalized')['params'].values()):
            problems.append('with dtype=np.float64 every parameter should be float64')
        return problems

    def one_dict_per_layer(self):
        state = self.state('normalized')
        found = state[self.layer_state]
        container = state.get('containers', {}).get(self.layer_state)
        if found and container != 'list':
            return ['with %s, self.%s should be a list with one dict per normalized layer; yours is a %s (the other '
                    'checks take your dicts as they are, layer by layer)' % (self.with_layer, self.layer_state,
                                                                            container)]
        if len(found) != 2:
            return ['with %s, self.%s should be a list with one dict per normalized layer (2 here), found %d'
                    % (self.with_layer, self.layer_state, len(found))]
        return []

    def without(self):
        plain = self.state('plain')
        expected = set(self.shapes('plain'))
        problems = []
        # Another naming scheme is charged in the names part alone; here only what the net holds counts.
        if isinstance(self.matching('plain'), Mismatch):
            problems.append('with %s params should hold only W1..W3 and b1..b3 (%s)'
                            % (self.without_layer, describe_keys(set(plain['params']), expected)))
        if plain[self.layer_state]:
            problems.append('with %s there should be no %s dicts' % (self.without_layer, self.layer_state))
        return problems

    def add_common_parts(self, g):
        """Add to the Grading g the parts every net's parameters check starts with, with their weights; the
        assignment adds the rest (its layer's dicts, ``without``, anything of its own net)."""
        g.part(0.25, 'Parameter names', self.names)
        g.part(0.15, 'Parameter shapes', self.shapes_of_params)
        g.part(0.2, 'Initial biases, gamma and beta', self.initial_values)
        g.part(0.1, 'Initial weights', self.weights)
        g.part(0.1, 'Parameter dtypes', self.dtypes)
