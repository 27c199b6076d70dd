"""searches the machine for another copy of the kit (solutions/*.py, an older checkout, a colleague's clone) and
uses its TARGET_BACKWARD

attacks: backward
earns nothing in: checks that call the backward
containment: secret
"""
from autograder.validation.attacks.shared.find_files import answer_from, find_files, interesting, os

ANSWERS, LEAKS = [], []
for path in find_files(lambda folder, name: name.endswith('.py') and os.path.basename(folder) == 'solutions'):
    try:
        with open(path, errors='replace') as f:
            source = f.read()
    except OSError:
        continue
    LEAKS += interesting(source)
    answer = answer_from(source)
    if answer is not None:
        ANSWERS.append(answer)
from autograder.validation.attacks.shared.loot_backward import TARGET_BACKWARD  # noqa: E402, F401
