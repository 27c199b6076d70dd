"""Check the Kubernetes manifests under cluster/kubernetes/ as far as can be done without a cluster.

    python scripts/check_kubernetes.py [MANIFEST...]

kubectl's own client-side dry run (``kubectl apply --dry-run=client``) asks an API server for its schema,
so it is tried first and, without a server, said to be unavailable. What works offline is then done:

1. kubectl decodes each manifest into its typed objects (``kubectl set env --local``): a field of the wrong
   type is refused, naming the field;
2. the decoded object is compared with the manifest as written (``kubectl label --local``, which keeps the
   file's fields as they are): a field kubectl's types do not know (a misspelling, a field of a newer
   Kubernetes) is dropped by the decoding, and named here;
3. the grading Job's own rules: an Indexed Job whose completions equal its SHARDS, a pod that reads
   JOB_COMPLETION_INDEX and never restarts in place, a backoffLimit, the class mounted read-only.

Exit status 0 when every manifest passes, 1 otherwise, 77 without kubectl.
"""
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANIFESTS = sorted((ROOT / 'cluster' / 'kubernetes').glob('*.yaml'))
PROBE = 'BNKIT_MANIFEST_CHECK'


def kubectl(*args):
    return subprocess.run(['kubectl', *args], capture_output=True, text=True, timeout=120)


def dropped(written, decoded, path=''):
    """The paths of the fields in ``written`` that ``decoded`` does not hold as written."""
    if isinstance(written, dict) and isinstance(decoded, dict):
        return [p for key, value in written.items()
                for p in (dropped(value, decoded[key], '%s.%s' % (path, key)) if key in decoded else [path + '.' + key])]
    if isinstance(written, list) and isinstance(decoded, list) and len(written) == len(decoded):
        return [p for i, (w, d) in enumerate(zip(written, decoded)) for p in dropped(w, d, '%s[%d]' % (path, i))]
    return [] if written == decoded or str(written) == str(decoded) else [path or '.']


def without_probe(obj):
    for container in obj['spec']['template']['spec'].get('containers', []):
        container['env'] = [e for e in container.get('env', []) if e['name'] != PROBE]
        if not container['env']:
            del container['env']
    return obj


def job_rules(job):
    spec, pod = job['spec'], job['spec']['template']['spec']
    problems = []
    if job['metadata']['name'] != 'bnkit-grade':
        return problems
    if spec.get('completionMode') != 'Indexed':
        problems.append('spec.completionMode: must be Indexed, so that each pod has its shard index')
    if 'backoffLimit' not in spec:
        problems.append('spec.backoffLimit: missing (how many failed pods the Job allows)')
    if pod.get('restartPolicy') != 'Never':
        problems.append('restartPolicy: must be Never (a failed pod is replaced, not restarted in place)')
    for container in pod['containers']:
        env = {e['name']: e.get('value') for e in container.get('env', [])}
        if str(spec.get('completions')) != str(env.get('SHARDS')):
            problems.append('container %s: SHARDS (%s) must equal spec.completions (%s)'
                            % (container['name'], env.get('SHARDS'), spec.get('completions')))
        if 'JOB_COMPLETION_INDEX' not in ' '.join(container.get('command', []) + container.get('args', [])):
            problems.append('container %s: its command must read JOB_COMPLETION_INDEX' % container['name'])
        mounts = {m['mountPath']: m for m in container.get('volumeMounts', [])}
        if not mounts.get('/class', {}).get('readOnly'):
            problems.append('container %s: the class must be mounted read-only on /class' % container['name'])
    return problems


def check(manifest, version):
    problems = []
    written = kubectl('label', '--local', '-f', str(manifest), '-o', 'json', '%s=1' % PROBE.lower().replace('_', '-'))
    if written.returncode:
        return ['kubectl cannot read it: %s' % written.stderr.strip()]
    decoded = kubectl('set', 'env', '--local', '-f', str(manifest), '-o', 'json', '%s=1' % PROBE)
    if decoded.returncode:
        return ['kubectl refuses its types: %s' % decoded.stderr.strip()]
    as_written = json.loads(written.stdout)
    as_written['metadata']['labels'].pop(PROBE.lower().replace('_', '-'), None)
    as_decoded = without_probe(json.loads(decoded.stdout))
    problems += ['%s: not a field kubectl %s knows (dropped when decoded)' % (p.lstrip('.'), version)
                 for p in dropped(as_written, as_decoded)]
    return problems + job_rules(as_decoded)


def main(argv=None):
    if not shutil.which('kubectl'):
        print('cannot run here: kubectl is not installed')
        return 77
    version = json.loads(kubectl('version', '--client', '-o', 'json').stdout)['clientVersion']['gitVersion']
    manifests = [Path(m) for m in (argv if argv is not None else sys.argv[1:])] or MANIFESTS
    server = kubectl('apply', '--dry-run=client', '-f', str(manifests[0]))
    if server.returncode:
        print('kubectl apply --dry-run=client needs an API server for its schema; here: %s'
              % (server.stderr.strip().splitlines() or ['no message'])[-1][:300])
        print('checking offline instead (kubectl %s decoding the manifests, and the grading Job\'s rules)' % version)
    failed = 0
    for manifest in manifests:
        problems = check(manifest, version)
        print('%s: %s' % (manifest.relative_to(ROOT) if manifest.is_relative_to(ROOT) else manifest,
                          'ok' if not problems else 'FAILED'))
        for problem in problems:
            print('  ' + problem)
        failed += bool(problems)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
