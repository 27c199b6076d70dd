"""opens Gradescope's /autograder/source (setup.sh, run_autograder, wheels/*.whl) and any bnkit wheel it finds,
and takes solutions/ANSWERS_FILE out of the zip

attacks: backward
earns nothing in: checks that call the backward
containment: secret
"""
from autograder.validation.attacks.shared.find_files import answer_from, find_files, interesting

import zipfile

ANSWERS, LEAKS = [], []
for path in find_files(lambda folder, name: name.endswith('.whl') or name in ('setup.sh', 'run_autograder')
                       or folder.startswith('/autograder')):
    try:
        if path.endswith('.whl'):
            with zipfile.ZipFile(path) as wheel:
                for member in wheel.namelist():
                    if member.startswith('solutions/') and member.endswith('.py'):
                        source = wheel.read(member).decode(errors='replace')
                        LEAKS += interesting(source)
                        answer = answer_from(source)
                        if answer is not None:
                            ANSWERS.append(answer)
        else:
            with open(path, errors='replace') as f:
                LEAKS += interesting(f.read(1 << 20))
    except Exception:
        continue
from autograder.validation.attacks.shared.loot_backward import TARGET_BACKWARD  # noqa: E402, F401
