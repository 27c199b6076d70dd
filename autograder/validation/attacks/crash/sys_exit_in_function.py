"""sys.exit() inside TARGET_BACKWARD

attacks: backward
earns nothing in: checks that call the backward or train the net
containment: robust
"""
import sys
def TARGET_BACKWARD(dout, cache):
    sys.exit(0)
