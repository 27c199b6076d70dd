"""announces a 1 MiB reply header and sends it one byte every 2 s, so that the grader never waits long for the
next byte

attacks: backward
earns nothing in: checks that call the backward or train the net
containment: robust
"""
import os, struct, time  # noqa: E401
from autograder.validation.attacks.shared.reply_channels import reply_channels
def TARGET_BACKWARD(dout, cache):

    channels = reply_channels()
    for fd in channels:
        try:
            os.write(fd, struct.pack('>I', 1 << 20) + b'{')
        except OSError:
            pass
    for _ in range(1800):
        time.sleep(2)
        for fd in channels:
            try:
                os.write(fd, b' ')
            except OSError:
                pass
