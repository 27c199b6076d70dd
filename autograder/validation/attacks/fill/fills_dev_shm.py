"""fills /dev/shm (at most 512 MiB) and leaves the files

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
        fill(['/dev/shm'], 512, 0)
    raise NotImplementedError
