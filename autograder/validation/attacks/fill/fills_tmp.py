"""writes 48 MiB files into /tmp until it is full (at most 512 MiB) and leaves them

attacks: backward
earns nothing in: checks that call the backward or train the net
containment: isolated
"""
from autograder.validation.attacks.shared.fill_places import fill

FILLED = False


def TARGET_BACKWARD(dout, cache):
    global FILLED
    if not FILLED:
        FILLED = True
        fill(['/tmp'], 512, 0)
    raise NotImplementedError
