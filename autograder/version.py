"""The kit's version, written once: ``version`` in pyproject.toml.

A source checkout reads pyproject.toml itself, so an edited version counts at once (an editable install's
metadata keeps the version it was installed with); an installed kit reads its package metadata.
"""
import tomllib
from importlib import metadata

from autograder import ROOT

PYPROJECT = ROOT / 'pyproject.toml'


def kit_version():
    """The version in the checkout's pyproject.toml, else the installed bnkit's, else ``'unknown'``."""
    try:
        project = tomllib.loads(PYPROJECT.read_text(encoding='utf-8')).get('project', {})
        if project.get('name') == 'bnkit' and project.get('version'):
            return str(project['version'])
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        pass
    try:
        return metadata.version('bnkit')
    except metadata.PackageNotFoundError:
        return 'unknown'


KIT_VERSION = kit_version()
