#!/usr/bin/env bash
# bench.sh — builds drt2d and runs every benchmark program, tables to stdout;
# with a directory as $1, also writes bench_scaling.json (and bench_map.md,
# bench_map having no JSON output) there.
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
  build/bench_map --runs 5 --methods im,fpt,mpt | tee "$out_dir/bench_map.md"
  echo
  build/bench_scaling --json "$out_dir/bench_scaling.json"
else
  build/bench_map --runs 5 --methods im,fpt,mpt
  echo
  build/bench_scaling
fi
