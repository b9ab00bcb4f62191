#!/usr/bin/env bash
# A throwaway one-node Slurm cluster for the sharding tests (Debian's slurm-wlm and munge), as root.
#   start: writes slurm.conf (this machine as the only node, its CPUs, memory as Slurm sees it)
#          and a munge key in a new temporary directory, starts munged (as munge), slurmctld and
#          slurmd, waits until the node is idle; prints "CONF DIR" (SLURM_CONF for sbatch, squeue
#          and sacct; DIR for stop). Exits non-zero, with the daemons' logs, when a daemon does
#          not come up.
#   stop DIR: stops those daemons and removes DIR.
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "slurm-test-cluster: run as root (the daemons switch users)" >&2; exit 1; }
for b in munged slurmctld slurmd sbatch scontrol; do
  command -v "$b" >/dev/null || [ -x "/usr/sbin/$b" ] || { echo "slurm-test-cluster: $b missing (apt install slurm-wlm munge)" >&2; exit 1; }
done
PATH="$PATH:/usr/sbin"
case "${1:-}" in
  start)
    dir=$(mktemp -d /tmp/tokenplan-slurm.XXXXXX)
    chmod 755 "$dir"
    mkdir -p "$dir/munge" "$dir/state" "$dir/spool" "$dir/log"
    chown munge: "$dir/munge"; chmod 700 "$dir/munge"
    chown slurm: "$dir/state" "$dir/log"
    dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
    chown munge: "$dir/munge/munge.key"; chmod 400 "$dir/munge/munge.key"
    # munged's default socket is /run/munge/munge.socket.2, where the Slurm plugins look for it.
    # A munged already serving that socket (Debian's munge service) is used as it is: both Slurm
    # daemons talk to the same one, so credentials match.
    if ! (munge -n 2>/dev/null | unmunge >/dev/null 2>&1); then
      mkdir -p /run/munge; chown munge: /run/munge; chmod 755 /run/munge
      runuser -u munge -- munged --key-file="$dir/munge/munge.key" --pid-file="$dir/munge/munged.pid" \
        --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/munge.seed" --force ||
        { cat "$dir/munge/munged.log" >&2; exit 1; }
    fi
    host=$(hostname -s)
    cpus=$(nproc)
    # RealMemory as slurmd measures it (slurmd -C), so the node is not drained for "low memory".
    mem=$(slurmd -C | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p')
    cat >"$dir/slurm.conf" <<CONF
ClusterName=tokenplan-test
SlurmctldHost=$host
SlurmUser=slurm
AuthType=auth/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldPort=$((6817 + RANDOM % 1000))
SlurmdPort=$((7900 + RANDOM % 1000))
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
    export SLURM_CONF="$dir/slurm.conf"
    slurmctld -f "$SLURM_CONF" || { cat "$dir/log/slurmctld.log" >&2; exit 1; }
    slurmd -f "$SLURM_CONF" || { cat "$dir/log/slurmd.log" >&2; exit 1; }
    for _ in $(seq 1 60); do
      state=$(sinfo -h -N -o '%T' 2>/dev/null | head -1 || true)
      case "$state" in idle|mixed|allocated) echo "$SLURM_CONF $dir"; exit 0 ;; esac
      sleep 1
    done
    echo "slurm-test-cluster: the node did not become idle in 60 s (state: ${state:-none})" >&2
    tail -20 "$dir/log/slurmctld.log" "$dir/log/slurmd.log" >&2 || true
    exit 1
    ;;
  stop)
    dir=${2:?usage: slurm-test-cluster.sh stop DIR}
    for pid in "$dir/slurmd.pid" "$dir/slurmctld.pid" "$dir/munge/munged.pid"; do
      [ -f "$pid" ] && kill "$(cat "$pid")" 2>/dev/null || true
    done
    sleep 1
    rm -rf "$dir"
    ;;
  *) echo "usage: slurm-test-cluster.sh start | stop DIR" >&2; exit 2 ;;
esac
