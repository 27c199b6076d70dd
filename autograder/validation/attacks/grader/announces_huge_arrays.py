"""answers with a header announcing 12 arrays of 256 MiB and really sends 1.5 GiB of zeros, hoping the grader
buffers it all

attacks: backward
earns nothing in: checks that call the backward or train the net
containment: robust
"""
import os, time  # noqa: E401
from autograder.validation.attacks.shared.wire_framing import frame_header, struct
from autograder.validation.attacks.shared.reply_channels import reply_channels
def TARGET_BACKWARD(dout, cache):

    header = frame_header({'ok': [{'__ndarray__': i, 'dtype': 'float64', 'shape': [1 << 25]} for i in range(3)]})
    zeros = b'\0' * (16 << 20)
    for fd in reply_channels():
        try:
            os.write(fd, header + struct.pack('>I', 12))
            for _ in range(6):      # 6 arrays of 256 MiB really sent, 6 more announced
                os.write(fd, struct.pack('>Q', 1 << 28))
                for _ in range(16):
                    view = memoryview(zeros)
                    while view:
                        view = view[os.write(fd, view):]
        except OSError:
            pass
    time.sleep(3600)
