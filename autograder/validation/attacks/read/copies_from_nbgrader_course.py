"""finds an nbgrader course folder, dumps gradebook.db and copies TARGET_BACKWARD out of other students'
autograded notebooks or the source notebook

attacks: backward
earns nothing in: checks that call the backward
containment: secret
"""
from autograder.validation.attacks.shared.find_files import answer_from, find_files, interesting

import json, sqlite3  # noqa: E401

ANSWERS, LEAKS = [], []
for path in find_files(lambda folder, name: name == 'gradebook.db' or name.endswith('.ipynb')):
    try:
        if path.endswith('.db'):
            db = sqlite3.connect('file:%s?mode=ro' % path, uri=True)
            for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'"):
                for row in db.execute('SELECT * FROM "%s"' % table):
                    LEAKS += interesting(' '.join(map(str, row)))
            continue
        with open(path, errors='replace') as f:
            notebook = json.load(f)
        for cell in notebook.get('cells', []):
            source = ''.join(cell.get('source', ''))
            LEAKS += interesting(source)
            if 'def TARGET_BACKWARD' in source and 'NotImplementedError' not in source:
                answer = answer_from(source)
                if answer is not None:
                    ANSWERS.append(answer)
    except Exception:
        continue
from autograder.validation.attacks.shared.loot_backward import TARGET_BACKWARD  # noqa: E402, F401
