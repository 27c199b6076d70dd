"""os._exit() inside TARGET_BACKWARD

attacks: backward
unearned: checks that call the backward or train the net
promise: robust
"""
import os
def TARGET_BACKWARD(dout, cache):
    os._exit(7)
