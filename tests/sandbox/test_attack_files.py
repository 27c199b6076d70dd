"""The attack catalogue as files: every attack under ``autograder/validation/attacks/<group>/`` is valid Python
with its header, and the loader makes each into the cell the validation set grades."""
import pytest

from autograder.assignments.BatchNormalization import ASSIGNMENT
from autograder.validation.attack_files import FOLDER, SHARED, SHARED_IMPORT, read_header
from autograder.validation.hostile import GROUPS, CONTAINMENTS, ROLES, RULES, attack_files, hostile_variants
from autograder.validation.kernel_cheats import ATTACKS as IN_KERNEL
from autograder.validation.tampering import TAMPERINGS

ATTACK_PATHS = [path for group in GROUPS for path in sorted((FOLDER / group).glob('*.py'))]
EVERY_FILE = sorted(FOLDER.rglob('*.py'))


def test_every_folder_is_a_group_the_shared_pieces_the_in_kernel_cheats_or_the_tamperings():
    folders = {path.name for path in FOLDER.iterdir() if path.is_dir() and path.name != '__pycache__'}
    assert folders == set(GROUPS) | {SHARED.name, IN_KERNEL.name, TAMPERINGS.name}
    assert all(any((FOLDER / group).glob('*.py')) for group in GROUPS)


@pytest.mark.parametrize('path', EVERY_FILE, ids=lambda p: str(p.relative_to(FOLDER)))
def test_every_file_compiles(path):
    compile(path.read_text(), str(path), 'exec')


@pytest.mark.parametrize('path', ATTACK_PATHS, ids=lambda p: p.stem)
def test_every_attack_declares_what_it_attacks_may_earn_and_promises(path):
    description, header, code = read_header(path, ('attacks', 'earns nothing in', 'containment'))
    assert description and code.strip()
    assert header['attacks'] in ROLES and header['earns nothing in'] in RULES and header['containment'] in CONTAINMENTS


def test_every_shared_piece_is_used():
    imported = {found[1] for path in EVERY_FILE for found in SHARED_IMPORT.finditer(path.read_text())}
    assert imported == {path.stem for path in SHARED.glob('*.py')}


def test_the_loader_gives_each_attack_its_cell():
    attacks = attack_files()
    assert [a.name for a in attacks] == [p.stem for p in ATTACK_PATHS]
    variants = {v.name: v for v in hostile_variants(ASSIGNMENT)}
    assert list(variants) == [a.name for a in attacks]
    for attack in attacks:
        source, = variants[attack.name].cells.values()
        # What only the files say is gone: shared imports, the linter's notes, the names the files use.
        for spelling in ('autograder.validation.attacks.shared', '# noqa', 'TARGET_', 'ANSWERS_MODULE',
                         'ANSWERS_FILE', 'NAME'):
            assert spelling not in source, (attack.name, spelling)
        assert '@' not in source
        # Written out, a cell is Python; one written as CELL = ... may be past what the parser takes.
        if not read_header(FOLDER / attack.group / (attack.name + '.py'), ())[2].startswith('CELL = '):
            compile(source, attack.name, 'exec')
