"""creates 30,000 empty files each in /var/tmp and /tmp, and 256 MiB in /var/tmp

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
        fill(['/var/tmp', '/tmp'], 256, 30000)
    raise NotImplementedError
