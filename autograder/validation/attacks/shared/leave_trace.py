"""Proof that an attack got out: a file named after it in every shared place it can write to.
"""

def shared_places():
    import os
    places = ['/tmp', '/var/tmp', '/dev/shm']
    try:
        places.append(os.path.dirname(os.getcwd()))     # beside my own folder
    except OSError:
        pass
    return places


TRACE_PLACES = shared_places()      # noted while my folder still exists


def leave_trace(what):
    """Proof that this got out: a file in every shared place this process can write to."""
    import os
    for folder in TRACE_PLACES:
        try:
            with open(os.path.join(folder, 'bnkit-hostile-NAME-' + what), 'w') as f:
                f.write('%d\n' % os.getpid())
        except OSError:
            pass

