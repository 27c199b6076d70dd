"""sleeps for an hour in TARGET_BACKWARD

attacks: backward
earns nothing in: checks that call the backward or train the net
containment: robust
"""
import time
def TARGET_BACKWARD(dout, cache):
    time.sleep(3600)
