"""Runs side by side share nothing mutable: two and four `bnkit grade` runs at once in one PID namespace (in
each case one with a /run of its own, so its uid lock files are not the others'), and two runs in PID
namespaces of their own, each class with hostile neighbours. Every run finishes and every honest notebook
keeps full credit."""
import json
import sys
import threading
from pathlib import Path

import pytest

from autograder.assignment import get
from tests.containment import require_containment, run_contained
from tests.sandbox.side_by_side import HONEST, NEIGHBOURS

pytestmark = [pytest.mark.hostile, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
DRIVER = str(ROOT / 'tests' / 'sandbox' / 'side_by_side.py')
FULL = get('BatchNormalization').max_automatic_points


def runs_of(out):
    assert out.exists(), 'the driver wrote no result'
    return json.loads(out.read_text())


def assert_all_finished_with_full_credit(runs):
    for name, run in runs.items():
        assert run['exit'] == 0, '%s: exit %s\n%s' % (name, run['exit'], run['stderr_tail'])
        honest = {s: v for s, v in run['grades'].items() if s.startswith('honest')}
        assert honest == {'honest%d' % i: FULL for i in range(HONEST)}, (name, run['grades'])
        assert len(run['grades']) == HONEST + len(NEIGHBOURS), (name, run['grades'])


@pytest.mark.parametrize('count', [pytest.param(2, marks=pytest.mark.rehearsal), 4])
def test_runs_at_once_in_one_pid_namespace(count, tmp_path):
    require_containment()
    out = tmp_path / 'runs.json'
    proc = run_contained([sys.executable, DRIVER, str(count), str(tmp_path / 'work'), str(out), '--own-run', '1'],
                         timeout=1500)
    assert proc.returncode == 0, proc.stderr[-3000:]
    runs = runs_of(out)
    assert len(runs) == count
    assert_all_finished_with_full_credit(runs)


@pytest.mark.rehearsal
def test_runs_in_pid_namespaces_of_their_own(tmp_path):
    """Each namespace sees only its own processes and starts its pids from 1, so both runs are likely to
    try the same sandbox uids first; one has a /run of its own, so only the leases' abstract names keep them
    from taking the same one."""
    require_containment()
    results, threads = {}, []

    def contained(i, private):
        out = tmp_path / ('runs%d.json' % i)
        proc = run_contained([sys.executable, DRIVER, '1', str(tmp_path / ('work%d' % i)), str(out)],
                             timeout=1500, private=private)
        results[i] = (proc, out)

    for i, private in enumerate([None, {'/run': '64m'}]):
        threads.append(threading.Thread(target=contained, args=(i, private)))
        threads[-1].start()
    for thread in threads:
        thread.join()
    for i, (proc, out) in results.items():
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert_all_finished_with_full_credit(runs_of(out))
