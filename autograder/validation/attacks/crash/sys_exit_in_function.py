"""sys.exit() inside TARGET_BACKWARD

attacks: backward
unearned: checks that call the backward or train the net
promise: robust
"""
import sys
def TARGET_BACKWARD(dout, cache):
    sys.exit(0)
