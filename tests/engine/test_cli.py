"""The command line imports only the subcommand that runs, and still lists them all."""
import json
import subprocess
import sys
from pathlib import Path

from autograder.cli import SUBCOMMANDS

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ('numpy', 'pytest', 'nbgrader', 'nbformat', 'matplotlib', 'copydetect', 'autograder.validation',
         'autograder.assignments', 'autograder.grading.runner', 'autograder.sandbox')

PROBE = '''
import contextlib, io, json, sys
import autograder.cli
out = io.StringIO()
code = None
if %(argv)r is not None:
    with contextlib.redirect_stdout(out):
        try:
            autograder.cli.main(%(argv)r)
        except SystemExit as exc:
            code = exc.code
print(json.dumps({"modules": sorted(sys.modules), "help": out.getvalue(), "code": code}))
'''


def probe(argv):
    """The modules loaded, the help printed and the exit code of ``bnkit ARGV`` in a fresh interpreter."""
    proc = subprocess.run([sys.executable, '-c', PROBE % {'argv': argv}], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    return json.loads(proc.stdout)


def loaded(modules, name):
    return any(m == name or m.startswith(name + '.') for m in modules)


def test_importing_the_cli_loads_nothing_heavy():
    modules = probe(None)['modules']
    assert [name for name in HEAVY if loaded(modules, name)] == []
    assert not any(m.startswith('autograder.cli.') for m in modules)


def test_help_lists_every_subcommand_without_importing_any():
    result = probe(['--help'])
    assert result['code'] == 0
    for name, (_, help_text) in SUBCOMMANDS.items():
        assert name in result['help'] and help_text.split()[0] in result['help']
    assert [name for name in HEAVY if loaded(result['modules'], name)] == []
    assert not any(m.startswith('autograder.cli.') for m in result['modules'])


def test_a_subcommands_help_imports_that_subcommand_only():
    result = probe(['similarity', '--help'])
    assert result['code'] == 0 and '--' in result['help']
    subcommands = {module for module, _ in SUBCOMMANDS.values()}
    assert {m for m in result['modules'] if m in subcommands} == {'autograder.cli.similarity'}


def test_grade_help_lists_its_options():
    result = probe(['grade', '--help'])
    assert result['code'] == 0
    for option in ('--out', '--jobs', '--isolation', '--budget', '--assignment'):
        assert option in result['help']
    assert not loaded(result['modules'], 'autograder.validation')
