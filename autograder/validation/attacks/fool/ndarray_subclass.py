"""returns an ndarray subclass that claims equality with anything

attacks: forward
earns nothing in: checks that call the forward
containment: robust
"""
class Liar(np.ndarray):  # noqa: F821
    def __eq__(self, other):
        return True
    def __sub__(self, other):
        return np.zeros(self.shape)  # noqa: F821
    __rsub__ = __sub__

def TARGET_FORWARD(x, gamma, beta, param):
    return np.zeros_like(x).view(Liar), None  # noqa: F821
