"""fills its working folder (at most 512 MiB and 20,000 files)

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
        fill(['CWD'], 512, 20000)
    raise NotImplementedError
