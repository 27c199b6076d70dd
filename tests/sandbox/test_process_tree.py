"""A fork bomb below a subreaper (its processes fork as fast as they can, some exit and are reparented) is
ended whole by the frozen kill the sandbox and the run use. It runs inside ``run_contained``: a PID namespace
of its own, private tmpfs, outer limits."""
import json
import sys
from pathlib import Path

import pytest

from tests.containment import require_containment, run_contained

DRIVER = str(Path(__file__).resolve().parent / 'runaway_tree.py')


@pytest.mark.hostile
@pytest.mark.parametrize('attempt', range(3))
def test_a_fork_bomb_is_ended_whole(attempt, tmp_path):
    require_containment()
    out = tmp_path / 'seen.json'
    proc = run_contained([sys.executable, DRIVER, str(out)], timeout=120, memory_gb=2)
    assert out.exists(), proc.stdout[-2000:] + proc.stderr[-2000:]
    seen = json.loads(out.read_text())
    assert seen['alive_before'] > 0, seen
    assert seen['alive_after'] == 0, seen
