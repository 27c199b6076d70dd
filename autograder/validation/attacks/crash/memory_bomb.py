"""allocates memory until something gives

attacks: backward
earns nothing in: checks that call the backward or train the net
containment: robust
"""
def TARGET_BACKWARD(dout, cache):
    hoard = []
    while True:
        hoard.append(bytearray(10 ** 8))
