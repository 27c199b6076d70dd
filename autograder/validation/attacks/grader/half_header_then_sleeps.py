"""writes half of a reply header on every channel to the grader, then sleeps for an hour

attacks: backward
earns nothing in: checks that call the backward or train the net
containment: robust
"""
import os, time  # noqa: E401
from autograder.validation.attacks.shared.reply_channels import reply_channels
def TARGET_BACKWARD(dout, cache):

    for fd in reply_channels():
        try:
            os.write(fd, b'\0\0')
        except OSError:
            pass
    time.sleep(3600)
