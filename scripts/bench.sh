#!/usr/bin/env bash
# bench.sh — builds drt2d and runs every benchmark program, tables to stdout;
# with a directory as $1, also writes bench_map.json, bench_scaling.json and
# bench_study.txt there.
set -euo pipefail
cd "$(dirname "$0")/.."
out_dir="${1:-}"
if [[ -n "$out_dir" ]]; then
  mkdir -p "$out_dir"
  out_dir="$(cd "$out_dir" && pwd)"
fi
scripts/build.sh >&2
echo "## bench_map"
if [[ -n "$out_dir" ]]; then
  build/bench_map --runs 5 --methods im,fpt,mpt --json "$out_dir/bench_map.json"
  echo
  build/bench_scaling --json "$out_dir/bench_scaling.json"
else
  build/bench_map --runs 5 --methods im,fpt,mpt
  echo
  build/bench_scaling
fi
echo
build/bench_figure
echo
echo "## bench_study"
if [[ -n "$out_dir" ]]; then
  build/bench_study --trials 100 --runs 3 | tee "$out_dir/bench_study.txt"
else
  build/bench_study --trials 100 --runs 3
fi
