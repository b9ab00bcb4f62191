#!/usr/bin/env bash
# A sharded quarterly run on Slurm: an array of N forecast shards (at most P at once), then the
# merge job, which starts only when every shard succeeded (--dependency=afterok).
#   deploy/slurm/submit.sh PLAN SHARD_DIR OUT N [P] [-- run options…]
# Run options (e.g. --seed 7 --paths 1000 --no-store) go to both phases: the merge refuses shards
# made with another seed or path count. Logs: SHARD_DIR/logs/. TOKENPLAN names the binary
# (default: tokenplan on PATH); the jobs run in the directory submit.sh was called from.
# Prints the array's and the merge's job ids.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
plan=${1:?usage: submit.sh PLAN SHARD_DIR OUT N [P] [-- run options]}
shard_dir=${2:?shard directory}
out=${3:?output directory}
shards=${4:?shard count}
parallel=${5:-$shards}
shift $(( $# >= 5 ? 5 : 4 ))
[ "${1:-}" = "--" ] && shift
mkdir -p "$shard_dir/logs"
array=$(sbatch --parsable --chdir="$PWD" --array="1-$shards%$parallel" \
  --output="$shard_dir/logs/shard-%a.out" "$here/forecast-shard.sbatch" "$plan" "$shard_dir" "$shards" "$@")
array=${array%%;*}
merge=$(sbatch --parsable --chdir="$PWD" --dependency="afterok:$array" --kill-on-invalid-dep=yes \
  --output="$shard_dir/logs/merge.out" "$here/merge.sbatch" "$plan" "$shard_dir" "$out" "$@")
echo "${array} ${merge%%;*}"
