"""Filling shared places and leaving the files: in each place, 48 MiB files up to ``megabytes`` (until it is
full), then ``files`` empty files in a folder of their own (the place's inodes). 'CWD' is the working folder.
"""
import os, signal  # noqa: E401

CHUNK = b'\0' * (16 << 20)


def fill(places, megabytes, files):
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)    # a file too large is an error, not my death
    for place in places:
        place = place.replace('CWD', os.getcwd())
        for i in range(megabytes // 48):
            try:
                with open(os.path.join(place, 'bnkit-hostile-NAME-%d' % i), 'wb') as f:
                    for _ in range(3):
                        f.write(CHUNK)
            except OSError:
                break
        inodes = os.path.join(place, 'bnkit-hostile-NAME-inodes')
        try:
            os.makedirs(inodes, exist_ok=True)
            for i in range(files):
                open(os.path.join(inodes, str(i)), 'w').close()
        except OSError:
            pass
