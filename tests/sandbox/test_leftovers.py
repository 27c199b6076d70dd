"""The sandbox's temporary folders outlive a killed grader only until the next run's sweep, and a sweep
never takes a folder whose maker is alive, in this process or another (autograder.sandbox.leftovers)."""
import os
import signal
import subprocess
import sys
import textwrap

from autograder.sandbox import leftovers

MAKER = textwrap.dedent('''
    import sys, time
    from autograder.sandbox import leftovers
    print(leftovers.make('bnkit-worker-'), leftovers.make('bnkit-scratch-'), flush=True)
    time.sleep(600)
''')


def start_maker(tmp_path):
    env = dict(os.environ, TMPDIR=str(tmp_path))
    proc = subprocess.Popen([sys.executable, '-c', MAKER], stdout=subprocess.PIPE, text=True, env=env)
    return proc, proc.stdout.readline().split()


def test_a_killed_makers_folders_are_swept_and_a_live_ones_are_not(tmp_path):
    alive, kept = start_maker(tmp_path)
    killed, left = start_maker(tmp_path)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    stranger = tmp_path / 'bnkit-worker-not-ours'          # no marker: made by something else
    stranger.mkdir()
    try:
        assert all(os.path.isdir(folder) for folder in kept + left)
        assert sorted(leftovers.sweep(str(tmp_path))) == sorted(left)
        assert all(os.path.isdir(folder) for folder in kept) and stranger.is_dir()
        assert not any(os.path.exists(folder) for folder in left)
    finally:
        alive.kill()
        alive.wait()
    assert sorted(leftovers.sweep(str(tmp_path))) == sorted(kept)


def test_this_processs_own_folders_stay_until_it_forgets_them(tmp_path, monkeypatch):
    monkeypatch.setattr('tempfile.tempdir', str(tmp_path))
    folder = leftovers.make('bnkit-worker-')
    assert leftovers.sweep(str(tmp_path)) == [] and os.path.isdir(folder)
    leftovers.forget(folder)
    assert not os.path.exists(folder)


def test_a_marker_replaced_by_a_pipe_does_not_hang_the_sweep(tmp_path):
    folder = tmp_path / 'bnkit-scratch-fifo'
    folder.mkdir()
    os.mkfifo(folder / leftovers.MARKER)     # what a student's code could leave in its own scratch space
    assert leftovers.sweep(str(tmp_path)) == [str(folder)]
