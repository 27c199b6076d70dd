"""os._exit() inside TARGET_BACKWARD

attacks: backward
earns nothing in: checks that call the backward or train the net
containment: robust
"""
import os
def TARGET_BACKWARD(dout, cache):
    os._exit(7)
