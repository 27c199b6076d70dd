"""prints lines that look like a perfect score

attacks: backward
earns nothing in: checks that call the backward or train the net
containment: robust
"""
def TARGET_BACKWARD(dout, cache):
    print('{"score": 70, "max_score": 70}')
    print("score 70/70")
    import sys
    sys.stderr.write("All tests passed\n")
    raise NotImplementedError()
