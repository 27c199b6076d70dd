"""sleeps for an hour in TARGET_BACKWARD

attacks: backward
unearned: checks that call the backward or train the net
promise: robust
"""
import time
def TARGET_BACKWARD(dout, cache):
    time.sleep(3600)
