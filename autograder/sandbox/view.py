"""What a worker may see: an allowlist built from the Python installation the grader runs on.

The worker runs the grader's interpreter with ``-I -S`` and an explicit ``sys.path``, and sees only:

- the interpreter and the shared libraries the grader's process has mapped (the C library, libpython,
  the libraries numpy and matplotlib link to) with the system folders they live in;
- the standard library, without its ``site-packages``;
- from the environment's site-packages, only the distributions in ``PACKAGES`` and what they require;
- its own read-only folder (the worker's code and the students' ``cs231n``) and a private scratch space.

Nothing else of the host exists for it: no home folders, no checkout of the kit, no other students, no
results. The full sandbox binds exactly these paths into an empty root; the container level hands the same
list to Landlock.
"""
import functools
import importlib
import os
import re
import sys
import sysconfig
from dataclasses import dataclass
from importlib import metadata

PACKAGES = ('numpy', 'matplotlib')           # what students' cells may import besides the standard library
SITE_NAMES = ('site-packages', 'dist-packages')


@dataclass(frozen=True)
class View:
    interpreter: str           # the real interpreter binary
    readable: tuple            # files and folders the worker may read, each at its own path
    listable: tuple            # folders whose entries' names it may list (sys.path folders)
    sys_path: tuple            # the worker's sys.path after its own folder
    root_symlinks: tuple       # (target, link) for /lib -> usr/lib and the like, so the loader's paths resolve
    stdlib: tuple = ()         # the standard library's folders, which ``readable`` lists entry by entry
    masked: tuple = ()         # their site-packages, left out of ``readable``

    def binds(self):
        """``readable`` folded for a file system of binds: each standard-library folder whole (one mount
        instead of hundreds, which costs a fifth of a second per worker), with ``masked`` to cover."""
        rest = [p for p in self.readable if not any(p.startswith(d + '/') for d in self.stdlib)]
        return sorted(set(rest) | set(self.stdlib))


def _import_name(distribution):
    """The module a distribution is imported as (pyzmq is zmq; most are their own name)."""
    try:
        top = metadata.distribution(distribution).read_text('top_level.txt')
    except metadata.PackageNotFoundError:
        top = None
    return (top or distribution).split()[0].replace('-', '_')


def _requirements(dist):
    names = []
    for req in dist.requires or ():
        marker = req.partition(';')[2]
        if 'extra' in marker:
            continue  # needed only for an optional feature
        match = re.match(r'[A-Za-z0-9._-]+', req)
        if match:
            names.append(match.group(0))
    return names


def _distribution_closure(names):
    seen, todo, dists = set(), list(names), []
    while todo:
        key = re.sub(r'[-_.]+', '-', todo.pop()).lower()
        if key in seen:
            continue
        seen.add(key)
        try:
            dist = metadata.distribution(key)
        except metadata.PackageNotFoundError:
            continue
        dists.append(dist)
        todo.extend(_requirements(dist))
    return dists


def _site_entries(dists):
    """{site-packages folder: set of top-level entries} for the files of the given distributions."""
    entries = {}
    for dist in dists:
        for top in {file.parts[0] for file in dist.files or ()} - {'..', '__pycache__'}:
            path = os.path.realpath(dist.locate_file(top))
            if os.path.exists(path):
                entries.setdefault(os.path.dirname(path), set()).add(path)
    return entries


def _mapped_libraries():
    """Files mapped into this process that are shared libraries (this process has imported numpy)."""
    libs = set()
    with open('/proc/self/maps') as f:
        for line in f:
            parts = line.split(None, 5)
            if len(parts) == 6 and parts[5].startswith('/') and '.so' in parts[5]:
                libs.add(os.path.realpath(parts[5].strip()))
    return libs


def _inside(path, folders):
    return any(path == f or path.startswith(f.rstrip('/') + '/') for f in folders)


@functools.lru_cache(maxsize=4)
def build(packages=PACKAGES):
    """The view of a sandbox that may import ``packages`` (a tuple of distribution names) and what they require."""
    # Imported, so that the shared libraries they link to are mapped and found below. The worker's own view
    # (PACKAGES) needs only numpy's: matplotlib links to nothing numpy does not, and costs a grader process
    # a quarter of a second to import.
    for name in ('numpy', *(p for p in packages if p not in PACKAGES)):
        try:
            importlib.import_module(_import_name(name))
        except ImportError:
            pass
    base = os.path.realpath(sys.base_prefix)
    stdlib = os.path.realpath(sysconfig.get_path('stdlib', vars={'installed_base': base, 'base': base}))
    platstdlib = os.path.realpath(sysconfig.get_path('platstdlib', vars={'platbase': base, 'base': base}))
    readable, masked = set(), set()
    for folder in {stdlib, platstdlib}:
        for name in os.listdir(folder):
            (masked if name in SITE_NAMES else readable).add(os.path.join(folder, name))
    sites = _site_entries(_distribution_closure(packages))
    for entries in sites.values():
        readable.update(entries)
    python_dirs = {stdlib, platstdlib, *sites}
    for lib in _mapped_libraries():
        if _inside(lib, readable):
            continue
        folder = os.path.dirname(lib)
        if any(_inside(d, [folder]) for d in python_dirs):
            # A folder that also holds the standard library or site-packages (pyenv's lib/ with libpython):
            # the library alone, with the links the loader looks it up by (libz.so.1 -> libz.so.1.2.13).
            readable.add(lib)
            readable.update(os.path.join(folder, name) for name in os.listdir(folder)
                            if os.path.islink(os.path.join(folder, name))
                            and os.path.realpath(os.path.join(folder, name)) == lib)
        else:
            readable.add(folder)             # a system library folder, e.g. /usr/lib/x86_64-linux-gnu
    for extra in ('/usr/lib64', '/lib64', '/etc/ld.so.cache'):
        if os.path.exists(extra) and not os.path.islink(extra):
            readable.add(extra)
    interpreter = os.path.realpath(sys.executable)
    readable.add(interpreter)
    root_symlinks = tuple((os.readlink('/' + name), '/' + name) for name in ('bin', 'lib', 'lib32', 'lib64', 'sbin')
                          if os.path.islink('/' + name))
    lib_dynload = os.path.join(platstdlib, 'lib-dynload')
    sys_path = tuple(p for p in (stdlib, lib_dynload, *sorted(sites)) if os.path.isdir(p))
    return View(interpreter=interpreter, readable=tuple(sorted(readable)),
                listable=tuple(dict.fromkeys((stdlib, platstdlib, *sorted(sites)))), sys_path=sys_path,
                root_symlinks=root_symlinks, stdlib=tuple(sorted({stdlib, platstdlib})), masked=tuple(sorted(masked)))
