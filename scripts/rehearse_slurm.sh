#!/usr/bin/env bash
# Rehearse grading on Slurm for real, on this machine: Debian's slurm-wlm and munge, a single-node
# slurmctld + slurmd in a network namespace of their own (so they listen on its loopback and nowhere else),
# a class graded by cluster/slurm/submit.sh (a job array of 3 shards, then the merge after them), its
# grades.csv compared with one `bnkit grade` run of the same class; then again with one array task cancelled
# mid-run (scancel) and requeued (scontrol requeue), checking that no student is graded twice or lost.
#
#   sudo bash scripts/rehearse_slurm.sh [CLASS_SIZE]      (default 15; root: it installs packages)
#
# Exit status 0 passed, 1 failed, 77 cannot run here (not root, no apt-get, no unshare). Every daemon it
# starts is stopped when it ends. The namespace has no way out: its loopback is its only interface, with no
# link to the host, so nothing outside it can reach the daemons. Work folder: $BNKIT_SLURM_WORK (default /tmp/bnkit-slurm-rehearsal).
set -uo pipefail
cd "$(dirname "$0")/.."
kit=$(pwd)
size="${1:-15}"
work="${BNKIT_SLURM_WORK:-/tmp/bnkit-slurm-rehearsal}"

if [ -z "${BNKIT_SLURM_NETNS:-}" ]; then
    [ "$(id -u)" = 0 ] || { echo "cannot run here: the Slurm rehearsal installs packages and starts daemons as root"; exit 77; }
    command -v apt-get >/dev/null && command -v unshare >/dev/null \
        || { echo "cannot run here: it needs apt-get and unshare (Debian)"; exit 77; }
    if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
        echo "== installing slurm-wlm and munge"
        apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q slurm-wlm munge \
            || { echo "rehearsal FAILED: apt-get could not install slurm-wlm and munge"; exit 1; }
    fi
    # Everything below runs in a new network namespace whose only interface is its loopback.
    BNKIT_SLURM_NETNS=1 exec unshare --net bash "$0" "$@"
fi

ip link set lo up
# glibc resolves the daemons' wildcard address only when some address other than 127.0.0.1 is configured
# (AI_ADDRCONFIG): a second loopback address, still on the loopback.
ip addr add 127.0.0.2/8 dev lo || { echo "rehearsal FAILED: cannot add 127.0.0.2 to the loopback"; exit 1; }
export PATH="$kit/.venv/bin:$PATH" MPLBACKEND=Agg
rm -rf "$work"
mkdir -p "$work"/{state,spool,log,munge}
chmod 755 "$work"
started_munge=
stop_daemons() {
    for pidfile in "$work/slurmd.pid" "$work/slurmctld.pid" $started_munge; do
        [ -s "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null
    done
    sleep 1
    for pidfile in "$work/slurmd.pid" "$work/slurmctld.pid" $started_munge; do
        [ -s "$pidfile" ] && kill -9 "$(cat "$pidfile")" 2>/dev/null
    done
    return 0
}
trap stop_daemons EXIT
fail() { echo "rehearsal FAILED: $*"; exit 1; }

# munge: its own daemon, socket and key in the work folder (a key made for this rehearsal), run as munge.
chown munge:munge "$work/munge"
runuser -u munge -- mungekey --create --keyfile="$work/munge/munge.key" || fail "mungekey"
runuser -u munge -- munged --socket="$work/munge/munge.socket" --key-file="$work/munge/munge.key" \
    --pid-file="$work/munge/munged.pid" --log-file="$work/munge/munged.log" --seed-file="$work/munge/seed" \
    || fail "munged did not start: $(tail -n 3 "$work/munge/munged.log")"
started_munge="$work/munge/munged.pid"

cpus=$(nproc)
memory=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 512 ))
export SLURM_CONF="$work/slurm.conf"
cat > "$SLURM_CONF" <<CONF
ClusterName=bnkit-rehearsal
SlurmctldHost=localhost(127.0.0.1)
SlurmUser=root
SlurmctldPort=6817
SlurmdPort=6818
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$work/munge/munge.socket
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
SchedulerParameters=defer_batch=0
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=rehearsal Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -f "$SLURM_CONF" || fail "slurmctld did not start: $(tail -n 5 "$work/log/slurmctld.log")"
slurmd -f "$SLURM_CONF" -N localhost || fail "slurmd did not start: $(tail -n 5 "$work/log/slurmd.log")"
for _ in $(seq 60); do
    timeout 5 sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)' && break
    sleep 1
done
timeout 5 sinfo -h -o '%T' | grep -qE '^(idle|mixed|allocated)' \
    || fail "the node did not come up: $(tail -n 5 "$work/log/slurmctld.log" "$work/log/slurmd.log")"
echo "== slurm $(sinfo -V | cut -d' ' -f2) up: one node, $cpus CPUs, in a namespace whose interfaces are" \
     "$(ip -o link | awk -F': ' '{print $2}' | tr '\n' ' ')and whose routes are:"
ip route show table all | grep -v '^local\|^broadcast' | sed 's/^/   /'
ip -o link | awk -F': ' '{print $2}' | grep -vqxE 'lo' && fail "the namespace has an interface to the outside"
ss -ltnpH | awk '{print "   listening " $4 "  " $6}'


python -m autograder.notebook.samples "$work/class" --size "$size" || fail "writing the class"
echo "== one bnkit grade run of the class, as a baseline"
SECONDS=0
bnkit grade "$work/class" --out "$work/one" --jobs 2 --quiet --assignment BatchNormalization >/dev/null \
    || fail "the one-machine run"
echo "   $SECONDS s"

# wait_for JOB: until the job (every task of an array) has left the queue; fails after TIMEOUT s.
wait_for() {
    local job="$1" limit="${2:-900}"
    for _ in $(seq "$limit"); do
        [ -z "$(squeue -h -j "$job" 2>/dev/null)" ] && return 0
        sleep 1
    done
    fail "job $job still queued after $limit s: $(squeue -j "$job")"
}
export BNKIT="$kit/.venv/bin/bnkit" BNKIT_GRADE_ARGS="--assignment BatchNormalization"

echo "== the class on Slurm: an array of 3 shards, then the merge (afterok)"
SECONDS=0
read -r array merge < <(bash cluster/slurm/submit.sh "$work/class" "$work/slurm" 3 --cpus-per-task=1) \
    || fail "submitting"
echo "   array $array, merge $merge"
wait_for "$array"; wait_for "$merge"
echo "   $SECONDS s, array and merge done"
sacct_state() { scontrol show job "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | sort | uniq -c | tr '\n' ' '; }
cmp -s "$work/one/grades.csv" "$work/slurm/grades.csv" \
    || fail "the merged grades.csv differs from the one-machine run's: $(diff "$work/one/grades.csv" "$work/slurm/grades.csv" | head)"
echo "   the merged grades.csv is the one-machine run's ($size students)"

echo "== again, with one array task cancelled mid-run and requeued"
read -r array merge < <(bash cluster/slurm/submit.sh "$work/class" "$work/requeued" 3 --cpus-per-task=1) \
    || fail "submitting"
echo "   array $array, merge $merge"
# the task of shard 1, cancelled once its shard has graded some but not all of its students
victim="${array}_1"
graded_of_shard() { python - "$work/requeued" "$@" <<'PY'
import json, sys
from pathlib import Path
out = Path(sys.argv[1])
record = out / 'shards' / '1-of-3.json'
if not record.is_file():
    sys.exit(0)
data = json.loads(record.read_text())
folders = dict(map(tuple, data['roster']))
for student in data['students']:
    path = out / folders[student] / 'results.json'
    if path.is_file():
        print('%s %d' % (student, path.stat().st_mtime_ns))
PY
}
cancelled=
for _ in $(seq 900); do
    done_now=$(graded_of_shard | wc -l)
    shard_size=$(python -c "import json, sys; print(len(json.load(open(sys.argv[1]))['students']))" \
                 "$work/requeued/shards/1-of-3.json" 2>/dev/null || echo 0)
    if [ "$done_now" -ge 1 ] && [ "$done_now" -lt "$shard_size" ]; then
        scancel "$victim" && cancelled=1
        break
    fi
    [ "$shard_size" -gt 0 ] && [ "$done_now" -ge "$shard_size" ] && break
    sleep 0.2
done
[ -n "$cancelled" ] || fail "shard 1 ($shard_size students) was not caught mid-run; try a larger class"
graded_of_shard > "$work/before-requeue.txt"
sleep 2
echo "   cancelled $victim with $(wc -l < "$work/before-requeue.txt") of its $shard_size students graded; $(sacct_state "$victim")"
bash cluster/slurm/requeue.sh "$array" 1 "$merge" | sed 's/^/   /' || fail "requeueing $victim"
# A requeued job waits about two minutes before it is eligible again (Slurm's BeginTime after a requeue):
# the rehearsal lets it start now.
scontrol update jobid="$victim" StartTime=now

wait_for "$array"
sleep 5
reason=$(squeue -h -j "$merge" -o %r)
[ "$reason" = DependencyNeverSatisfied ] && fail "the merge will never run: $(scontrol show job "$merge" | grep -o 'Dependency=[^ ]*')"
wait_for "$merge"
echo "   array: $(sacct_state "$array")"
echo "   merge: $(sacct_state "$merge")"
[ -s "$work/requeued/grades.csv" ] || fail "the merge did not publish after the requeue: $(cat "$work"/requeued/slurm-logs/report-*.out 2>/dev/null | tail -5)"
graded_of_shard > "$work/after-requeue.txt"
while read -r student mtime; do
    grep -qx "$student $mtime" "$work/after-requeue.txt" || fail "$student was graded again after the requeue"
done < "$work/before-requeue.txt"
cmp -s "$work/one/grades.csv" "$work/requeued/grades.csv" \
    || fail "after the requeue, grades.csv differs from the one-machine run's: $(diff "$work/one/grades.csv" "$work/requeued/grades.csv" | head)"
[ "$(grep -c 'shard 1/3' "$work"/requeued/slurm-logs/grade-*_1.out)" -ge 2 ] \
    || fail "the log of task 1 does not show it ran twice"
echo "   the students graded before the cancel ($(wc -l < "$work/before-requeue.txt")) kept their results;" \
     "grades.csv is the one-machine run's: no student lost or graded twice"
echo "rehearsal passed: Slurm job array + merge, and a cancelled, requeued task"
