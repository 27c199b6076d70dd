"""Crashes lose nothing: a class run killed with SIGKILL ten times at random points, and a run whose output
disk fills, each finish on a rerun with a grades.csv identical to an uninterrupted run's; no results.json is
ever half written and no student's recorded result ever changes (tests/sandbox/crash_safety.py, contained)."""
import json
import sys
from pathlib import Path

import pytest

from tests.containment import require_containment, run_contained

pytestmark = pytest.mark.slow
DRIVER = str(Path(__file__).resolve().parent / 'crash_safety.py')


def test_kills_and_a_full_disk_lose_nothing(tmp_path):
    require_containment()
    out = tmp_path / 'seen.json'
    proc = run_contained([sys.executable, DRIVER, str(tmp_path / 'work'), str(out)], timeout=1500)
    assert out.exists(), proc.stdout[-2000:] + proc.stderr[-3000:]
    r = json.loads(out.read_text())
    assert r['baseline_exit'] == 0, r['baseline_stderr']
    assert len(r['kills']) == 10 and sum(not k['had_finished'] for k in r['kills']) >= 5, r['kills']
    assert any(0 < k['graded_when_killed'] for k in r['kills'] if not k['had_finished']), r['kills']
    for kill in r['kills']:
        assert kill['rerun_exit'] == 0, kill['rerun_stderr']
        assert kill['same_as_baseline'], kill
    assert r['broken_results'] == [] and r['changed_results'] == []
    assert r['partial_files_after_rerun'] == []
    assert r['sandbox_folders_left'] == []
    # The full disk stops the run as the grader's failure, with nothing half written and no zero recorded.
    assert r['full_disk_exit'] == 3, r['full_disk_stderr']
    assert 'cannot write the results' in r['full_disk_stderr'] and 'no student was charged' in r['full_disk_stderr']
    assert r['full_disk_broken'] == []
    assert r['full_disk_rerun_exit'] == 0, r['full_disk_rerun_stderr']
    assert r['full_disk_rerun_same_as_baseline'] and r['full_disk_kept_its_results']
