"""an infinite loop in TARGET_BACKWARD

attacks: backward
earns nothing in: checks that call the backward or train the net
containment: robust
"""
def TARGET_BACKWARD(dout, cache):
    while True:
        pass
