#!/usr/bin/env bash
# bench_cache.sh — whole-process wall time of a first 600x600 map with the
# program cache off, cleared (the run that compiles and stores) and warm
# (the run after it, which loads the stored binary): the median of RUNS
# runs each, with the OpenCL driver's own kernel cache on and warm, on but
# cleared with drt2d's (a fresh machine: POCL_CACHE_DIR emptied before
# every run but the warm one), and off (POCL_KERNEL_CACHE=0,
# CUDA_CACHE_DISABLE=1), since a warm driver cache hides most of the
# compile time on its own.
#
# usage: bench/bench_cache.sh [DRT2D]   (default build/drt2d; RUNS=5)
set -euo pipefail
drt2d=${1:-build/drt2d}
runs=${RUNS:-5}
work=$(mktemp -d /tmp/drt2d-bench-cache-XXXXXX)
trap 'rm -rf "$work"' EXIT
cache=$work/cache

# Wall seconds of one map, environment assignments first.
one_run() {
  local start end
  start=$(date +%s.%N)
  env "$@" "$drt2d" map --scene square-obstacle --grid 600 \
    --png "$work/map.png" >/dev/null 2>&1
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.4f\n", b - a }'
}

median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {
  printf "%.3f", NR % 2 ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2 }'; }

# One run first: it stops a broken build early and warms the file cache.
if ! DRT_CACHE_DIR=0 "$drt2d" map --scene square-obstacle --grid 600 \
  --png "$work/map.png" >/dev/null 2>"$work/err"; then
  cat "$work/err" >&2
  exit 1
fi
device=$("$drt2d" devices 2>/dev/null | sed -n 's/ *<- auto$//p' | head -1)

printf '%s\n' "${device:-device: see drt2d devices}"
printf '%-18s %12s %12s %12s\n' "driver cache" "drt cache off" \
  "cold (1st)" "warm (2nd)"
pocl=$work/pocl
for driver in on cleared off; do
  extra=()
  [ "$driver" = cleared ] && extra=(POCL_CACHE_DIR="$pocl")
  [ "$driver" = off ] && extra=(POCL_KERNEL_CACHE=0 CUDA_CACHE_DISABLE=1)
  off=() cold=() warm=()
  for ((i = 0; i < runs; i++)); do
    rm -rf "$pocl"
    off+=("$(one_run "${extra[@]}" DRT_CACHE_DIR=0)")
    rm -rf "$cache" "$pocl"
    cold+=("$(one_run "${extra[@]}" DRT_CACHE_DIR="$cache")")
    warm+=("$(one_run "${extra[@]}" DRT_CACHE_DIR="$cache")")
  done
  printf '%-18s %11ss %11ss %11ss\n' "$driver" "$(median "${off[@]}")" \
    "$(median "${cold[@]}")" "$(median "${warm[@]}")"
done
echo "median of $runs whole-process runs each: $drt2d map --scene" \
  "square-obstacle --grid 600 --png"
