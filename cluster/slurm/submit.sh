#!/bin/bash
# Grade a class on Slurm: a job array of SHARDS tasks (each grades one shard), then the merge.
#
#   bash cluster/slurm/submit.sh CLASS OUT SHARDS [sbatch options for both jobs...]
#
# CLASS and OUT must be on a file system every node sees. Prints the two job ids (array, merge).
# Options for bnkit grade go in BNKIT_GRADE_ARGS, for bnkit report in BNKIT_REPORT_ARGS; BNKIT names the
# command when bnkit is not on the PATH. Slurm's MaxArraySize (1001 by default) bounds SHARDS.
set -euo pipefail
if [ $# -lt 3 ]; then sed -n '2,9p' "$0"; exit 2; fi
class=$(realpath "$1") out=$(realpath -m "$2") shards=$3; shift 3
case "$shards" in ''|*[!0-9]*|0) echo "error: SHARDS must be a whole number above 0, got '$shards'" >&2; exit 2;; esac
[ -e "$class" ] || { echo "error: $class: no such class folder" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out/slurm-logs"
export BNKIT_CLASS="$class" BNKIT_OUT="$out"
array=$(sbatch --parsable --array="0-$((shards - 1))" --export=ALL \
        --output="$out/slurm-logs/grade-%A_%a.out" "$@" "$here/grade_shard.sbatch")
array=${array%%;*}
# afterok on each task, not on the array as a whole: Slurm (22.05) keeps an array's dependency failed for
# good once one of its tasks was cancelled, even after that task is requeued and succeeds; each task's own
# dependency follows the task. And never killed for a failed dependency: a task requeued after it failed
# (scontrol requeue) still lets the merge run once it succeeds.
tasks=$(seq -s: -f "${array}_%g" 0 $((shards - 1)))
merge=$(sbatch --parsable --dependency="afterok:$tasks" --kill-on-invalid-dep=no --export=ALL \
        --output="$out/slurm-logs/report-%j.out" "$@" "$here/merge.sbatch")
merge=${merge%%;*}
echo "$array $merge"
