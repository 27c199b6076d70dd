#!/usr/bin/env bash
# The heavy rehearsals of whole environments, which the test command leaves out: `bnkit validate` at each
# isolation level, the whole class through nbgrader at each level (the test command runs its in-kernel cheats
# at the full level), two grading runs at once (four run in the test command, where a run that hurt another
# shows), runs in PID namespaces of their own, and, where podman is installed, the grading image and each
# assignment's Gradescope bundle under a real container engine; grading on Slurm for real (a single-node
# cluster on this machine: a job array of shards and its merge, a task cancelled and requeued), and the
# Kubernetes manifests checked offline.
#
#   bash scripts/rehearse.sh [SECONDS]
#
# SECONDS (default: no limit) is the time they may take: a rehearsal that would start with less than its
# expected time left is skipped and says so (CI gives what is left of its own limit); one that exits 77
# could not run here and has said why. Exit status: non-zero when a rehearsal that ran failed.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$(pwd)/.venv/bin:$PATH"
export MPLBACKEND="${MPLBACKEND:-Agg}"
limit="${1:-none}"
start=$(date +%s)
status=0

left() { if [ "$limit" = none ]; then echo 999999; else echo $(( limit - ($(date +%s) - start) )); fi; }

# name, expected seconds (measured on a 2-core machine, see docs/validation.md and docs/containers.md), command...
# A rehearsal starts only with half as much time again as it is expected to take, and may run twice its
# expected time: one that is still running then has hung and FAILED. One stopped earlier because the time
# given to this script ran out did not finish, which says nothing of the kit: it is reported, not counted.
rehearse() {
    local name="$1" expected="$2"; shift 2
    if [ "$(left)" -lt $(( expected * 3 / 2 )) ]; then
        echo "rehearsal skipped, not enough time left ($(left) s, it takes about $expected s): $name"
        return
    fi
    local allowed=$(( 2 * expected )) cut_by_limit=0
    if [ "$(left)" -lt "$allowed" ]; then allowed="$(left)"; cut_by_limit=1; fi
    echo "== rehearsal: $name"
    timeout "$allowed" "$@"
    case $? in
        0) ;;
        77) echo "rehearsal skipped, it cannot run here (see above): $name" ;;
        124) if [ "$cut_by_limit" = 1 ]; then
                 echo "rehearsal not finished when the time given ran out ($allowed s), not counted: $name"
             else
                 echo "rehearsal FAILED, still running after twice its expected time: $name"; status=1
             fi ;;
        *) echo "rehearsal FAILED: $name"; status=1 ;;
    esac
}

# Expected seconds measured on this project's 2-core machine (the slowest first run, rounded up).
rehearse 'the validation set at the full level' 400 \
    python -m pytest -m rehearsal -p no:cacheprovider -q tests/sandbox/test_isolation_levels.py -k full
rehearse 'the whole class through nbgrader, full level' 360 \
    python -m pytest -m rehearsal -p no:cacheprovider -q 'tests/course/test_course_cheats.py::test_in_kernel_cheats_through_nbgrader[full]'
rehearse 'in-kernel cheats through nbgrader, container level' 360 \
    python -m pytest -m rehearsal -p no:cacheprovider -q tests/course/test_course_cheats.py -k container
rehearse 'in-kernel cheats through nbgrader, process level' 300 \
    python -m pytest -m rehearsal -p no:cacheprovider -q tests/course/test_course_cheats.py -k process
rehearse 'two grading runs at once' 150 \
    python -m pytest -m rehearsal -p no:cacheprovider -q tests/sandbox/test_side_by_side.py -k 'once and 2'
rehearse 'runs in PID namespaces of their own' 200 \
    python -m pytest -m rehearsal -p no:cacheprovider -q tests/sandbox/test_side_by_side.py -k namespaces
rehearse 'the validation set at the container level' 400 \
    python -m pytest -m rehearsal -p no:cacheprovider -q tests/sandbox/test_isolation_levels.py -k container
rehearse 'the validation set at the process level' 400 \
    python -m pytest -m rehearsal -p no:cacheprovider -q tests/sandbox/test_isolation_levels.py -k process
rehearse 'grading on Slurm: a job array, its merge, a task cancelled and requeued' 180 bash scripts/rehearse_slurm.sh
rehearse 'the Kubernetes manifests, checked offline' 60 python scripts/check_kubernetes.py
if command -v podman >/dev/null 2>&1; then
    rehearse 'the grading image under podman' 600 bash scripts/rehearse_podman.sh
    rehearse 'the Gradescope bundles under podman' 600 bash scripts/rehearse_gradescope.sh
else
    echo "rehearsal skipped, podman is not installed: the grading image and the Gradescope bundles under" \
         "podman (apt-get install podman)"
fi
exit $status
