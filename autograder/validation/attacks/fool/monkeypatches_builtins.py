"""returns zeros and replaces builtins

attacks: forward
earns nothing in: checks that call the forward
containment: robust
"""
import builtins
def TARGET_FORWARD(x, gamma, beta, param):
    builtins.isinstance = lambda *a: True
    builtins.abs = lambda x: 0
    builtins.max = lambda *a, **k: 0
    return np.zeros_like(x), None  # noqa: F821
