#!/usr/bin/env bash
# bench_mpi.sh — drt2d across MPI ranks: wall time and parallel efficiency
# of a 2,000-trial study and a 4096^2 map at 1, 2, ... ranks, and the fixed
# cost of a rank (start, MPI, OpenCL context, kernels from the cache),
# medians of RUNS runs. Prints a Markdown table.
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

# The median wall time of a job at n ranks (1: no launcher at all).
timed() {
  local n=$1
  shift
  local launcher=()
  [ "$n" -eq 1 ] || launcher=("$mpirun" --oversubscribe -np "$n")
  for _ in $(seq "$runs"); do seconds "${launcher[@]}" "$drt2d" "$@"; done |
    median
}

study=(study --trials 1000 --receivers 2,3 --quiet --json "$scratch/s.json")
map=(map --grid 4096 --npy "$scratch/m.npy")
fixed=(map --grid 1 --npy "$scratch/f.npy")
# Warm the kernel cache once, so every rank's build is a cache hit.
"$drt2d" "${study[@]}" --trials 1 > /dev/null 2>&1
"$drt2d" "${map[@]}" --grid 2 > /dev/null 2>&1

echo "| job | ranks | wall s (median of $runs) | speed-up | efficiency |"
echo "|---|---|---|---|---|"
for job in study map fixed; do
  declare -n args=$job
  base=""
  for n in "${rank_counts[@]}"; do
    t=$(timed "$n" "${args[@]}")
    [ -n "$base" ] || base=$t
    awk -v job="$job" -v n="$n" -v t="$t" -v base="$base" 'BEGIN {
      printf "| %s | %d | %.2f | %.2f | %.0f %% |\n", job, n, t, base / t,
             100 * base / t / n }'
  done
done
