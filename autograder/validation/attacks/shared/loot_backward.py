"""The backward of an attack that looted answers: the first of its ANSWERS that runs, or the LEAKS it found,
raised (both are the importing attack's names).
"""

def TARGET_BACKWARD(dout, cache):
    for answer in ANSWERS:  # noqa: F821
        try:
            return answer(dout, cache)
        except Exception:
            continue
    raise RuntimeError('found: ' + ' | '.join(LEAKS)[:480] if LEAKS else 'nothing found')  # noqa: F821
