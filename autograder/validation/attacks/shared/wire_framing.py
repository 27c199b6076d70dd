"""The wire format's framing, as wire.py (copied next to the worker) documents it.
"""

import struct


def frame_header(obj):
    import json
    body = json.dumps(obj).encode()
    return struct.pack('>I', len(body)) + body

