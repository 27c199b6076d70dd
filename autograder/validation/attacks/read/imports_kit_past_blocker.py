"""drops the worker's import hooks, finds the kit through the virtualenv's records (editable-install finder,
direct_url.json) and imports solutions from there

attacks: backward
earns nothing in: checks that call the backward
containment: secret
"""
import glob, importlib.util, json, os, re, sys  # noqa: E401, F401

sys.meta_path[:] = [f for f in sys.meta_path if getattr(f, '__module__', '') in ('_frozen_importlib',
                                                                               '_frozen_importlib_external')]
CLUES, ANSWERS = [], []
places = set()
for site in glob.glob(os.path.join(sys.prefix, 'lib', 'python*', 'site-packages')) + sys.path:
    for record in glob.glob(os.path.join(site, '__editable__*finder.py')) + \
            glob.glob(os.path.join(site, 'bnkit*', 'direct_url.json')) + glob.glob(os.path.join(site, '*.pth')):
        try:
            with open(record) as f:
                text = f.read()
        except OSError:
            continue
        places.update(re.findall(r"'(/[^']+?)/solutions'", text))
        places.update(p[len('file://'):] for p in re.findall(r'file://[^"]+', text))
    places.add(site)
places.add(os.path.dirname(os.path.realpath(sys.prefix)))
for place in sorted(places):
    path = os.path.join(place, 'solutions', 'ANSWERS_FILE')
    CLUES.append(place)
    try:
        spec = importlib.util.spec_from_file_location('loot_layers', path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        ANSWERS.append(module.TARGET_BACKWARD)
    except Exception:
        pass
try:
    sys.path.extend(sorted(places))
    from ANSWERS_MODULE import TARGET_BACKWARD as imported
    ANSWERS.append(imported)
except Exception:
    pass

def TARGET_BACKWARD(dout, cache):

    for answer in ANSWERS:
        try:
            return answer(dout, cache)
        except Exception:
            continue
    raise RuntimeError('found: ' + ' | '.join(CLUES)[:480] if CLUES else 'nothing found')
