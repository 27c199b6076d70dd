#!/bin/bash
# Grade a shard again after its task was cancelled or failed, and let the merge still run after it.
#
#   bash cluster/slurm/requeue.sh ARRAY_ID TASK_ID MERGE_ID
#
# (the ids submit.sh printed; TASK_ID is the shard's index.) The task is requeued (scontrol requeue) and
# grades only the students its shard had not finished. Slurm (22.05) marks the merge's dependency on a
# cancelled or failed task as failed for good, even once the requeued task succeeds, so the merge's
# dependency is set again, on every task of the array. A task Slurm requeues itself (a node that died, with
# --requeue) never ends in such a state and needs none of this.
set -euo pipefail
if [ $# -ne 3 ]; then sed -n '2,10p' "$0"; exit 2; fi
array=$1 task=$2 merge=$3
scontrol requeue "${array}_${task}"
count=$(scontrol show job "$array" | grep -c '^JobId=')
tasks=$(seq -s: -f "${array}_%g" 0 $((count - 1)))
scontrol update jobid="$merge" dependency="afterok:$tasks"
echo "requeued ${array}_${task}; merge $merge now waits for: $(scontrol show job "$merge" | grep -o 'Dependency=[^ ]*')"
