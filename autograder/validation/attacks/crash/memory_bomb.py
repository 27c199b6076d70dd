"""allocates memory until something gives

attacks: backward
unearned: checks that call the backward or train the net
promise: robust
"""
def TARGET_BACKWARD(dout, cache):
    hoard = []
    while True:
        hoard.append(bytearray(10 ** 8))
