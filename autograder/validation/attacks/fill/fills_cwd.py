"""fills its working folder (at most 512 MiB and 20,000 files)

attacks: backward
earns nothing in: checks that call the backward or train the net
containment: isolated
"""
import os, signal  # noqa: E401

FILLED = False
CHUNK = b'\0' * (16 << 20)


def fill():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)    # a file too large is an error, not my death
    for place in ['CWD']:
        place = place.replace('CWD', os.getcwd())
        for i in range(512 // 48):
            try:
                with open(os.path.join(place, 'bnkit-hostile-NAME-%d' % i), 'wb') as f:
                    for _ in range(3):
                        f.write(CHUNK)
            except OSError:
                break
        inodes = os.path.join(place, 'bnkit-hostile-NAME-inodes')
        try:
            os.makedirs(inodes, exist_ok=True)
            for i in range(20000):
                open(os.path.join(inodes, str(i)), 'w').close()
        except OSError:
            pass

def TARGET_BACKWARD(dout, cache):

    global FILLED
    if not FILLED:
        FILLED = True
        fill()
    raise NotImplementedError
