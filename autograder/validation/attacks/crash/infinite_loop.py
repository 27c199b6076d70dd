"""an infinite loop in TARGET_BACKWARD

attacks: backward
unearned: checks that call the backward or train the net
promise: robust
"""
def TARGET_BACKWARD(dout, cache):
    while True:
        pass
