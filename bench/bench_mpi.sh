#!/usr/bin/env bash
# bench_mpi.sh — drt2d across MPI ranks: wall time and parallel efficiency
# of a 2,000-trial study and a 4096^2 map (square-obstacle, orders 0:2, hard
# sigmoid) at 1, 2, ... ranks, and the fixed
# cost of a rank (start, MPI, OpenCL context, kernels from the cache),
# medians of RUNS runs. Prints a Markdown table. On POCL each rank's device
# uses every core of the machine by default, so ranks on one machine
# compete; the "split" rows give each rank its share of the cores
# (POCL_MAX_PTHREAD_COUNT), as ranks on separate nodes or GPUs would have.
#
# usage: bench/bench_mpi.sh DRT2D [RANKS...]   (default ranks: 1 2)
#   RUNS=5 for more runs (default 3); MPIRUN to choose the launcher.
set -euo pipefail
[ $# -ge 1 ] || { sed -n 's/^# usage: //p' "$0" >&2; exit 2; }
drt2d=$(realpath "$1")
shift
rank_counts=(1 2)
[ $# -eq 0 ] || rank_counts=("$@")
runs=${RUNS:-3}
mpirun=${MPIRUN:-mpirun}
if [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
scratch=$(mktemp -d "${TMPDIR:-/tmp}/drt2d-bench-mpi.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# Seconds one command takes, wall clock.
seconds() {
  local start end
  start=$(date +%s.%N)
  "$@" > /dev/null 2>&1
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { print b - a }'
}

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

cores=$(nproc)

# The median wall time of a job at n ranks (1: no launcher at all); with
# split, each rank's POCL runs cores / n threads.
timed() {
  local n=$1 split=$2
  shift 2
  local launcher=() threads=$((cores / n > 0 ? cores / n : 1))
  if [ "$split" = split ]; then
    export POCL_MAX_PTHREAD_COUNT=$threads
  else
    unset POCL_MAX_PTHREAD_COUNT
  fi
  [ "$n" -eq 1 ] || launcher=("$mpirun" --oversubscribe -np "$n"
                              -x POCL_MAX_PTHREAD_COUNT)
  [ "$split" = split ] || [ "$n" -eq 1 ] || launcher=("$mpirun" \
    --oversubscribe -np "$n")
  for _ in $(seq "$runs"); do seconds "${launcher[@]}" "$drt2d" "$@"; done |
    median
}

study=(study --trials 1000 --receivers 2,3 --quiet --json "$scratch/s.json")
map=(map --grid 4096 --order 0:2 --smoothing hard-sigmoid --npy "$scratch/m.npy")
fixed=(map --grid 1 --npy "$scratch/f.npy")
# Warm the kernel cache once, so every rank's build is a cache hit.
"$drt2d" "${study[@]}" --trials 1 > /dev/null 2>&1
"$drt2d" "${map[@]}" --grid 2 > /dev/null 2>&1

echo "| job | ranks | POCL threads a rank | wall s (median of $runs) | speed-up | efficiency |"
echo "|---|---|---|---|---|---|"
for job in study map fixed; do
  declare -n args=$job
  base=$(timed 1 all "${args[@]}")
  for split in all split; do
    for n in "${rank_counts[@]}"; do
      [ "$split" = all ] || [ "$n" -gt 1 ] || continue
      t=$base
      [ "$n" -eq 1 ] || t=$(timed "$n" "$split" "${args[@]}")
      threads=$cores
      [ "$split" = all ] || threads=$((cores / n > 0 ? cores / n : 1))
      awk -v job="$job" -v n="$n" -v th="$threads" -v t="$t" -v base="$base" \
        'BEGIN { printf "| %s | %d | %d | %.2f | %.2f | %.0f %% |\n", job, n,
                 th, t, base / t, 100 * base / t / n }'
    done
  done
done
