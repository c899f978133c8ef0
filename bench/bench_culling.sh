#!/bin/bash
# bench_culling.sh — visible candidates against the whole enumeration
# (docs/method.md §13): the city map, the headline map, and growth with
# the walls of street-like scenes. Prints tables of medians.
#
#   bench/bench_culling.sh [BUILD_DIR] [RUNS]    (default build, 3)
#
# Whole-process times (what a user waits for: set-up, culling, kernels,
# writing the .npy) unless a row says "in-process" (the map's own timing
# line). POCL, float, as the command line runs by default.
set -euo pipefail
build=${1:-build}
runs=${2:-3}
here=$(cd "$(dirname "$0")/.." && pwd)
drt2d="$build/drt2d"
mumbai="$here/tests/data/mumbai-osm.geojson"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

# Whole-process seconds of one run of drt2d with the given arguments.
wall() {
  local t0 t1
  t0=$(date +%s.%N)
  "$drt2d" "$@" --npy "$work/out.npy" --quiet --yes 2> "$work/err" ||
    { cat "$work/err" >&2; exit 1; }
  t1=$(date +%s.%N)
  printf "%.3f\n" "$(echo "$t1 - $t0" | bc -l)"
}

# The map's own timing ("... in X s") of one run.
inproc() {
  "$drt2d" "$@" --npy "$work/out.npy" --quiet --yes 2>&1 |
    sed -n 's/.* in \([0-9.]*\) s .*/\1/p'
}

median_of() { local f=$1; shift; for _ in $(seq "$runs"); do "$f" "$@"; done | median; }

echo "## Mumbai (1,194 walls), tx (0, 0), orders 0:2, POCL float"
echo
echo "| case | median of $runs (s) |"
echo "|---|---|"
exact=$(median_of wall map --scene "$mumbai" --tx 0,0 --order 0:2 --grid 1000)
echo "| 1000² visible, exact | $exact |"
hard=$(median_of wall map --scene "$mumbai" --tx 0,0 --order 0:2 --grid 1000 \
  --smoothing hard-sigmoid --alpha 100)
echo "| 1000² visible, hard sigmoid α = 100 | $hard |"
small=$(median_of inproc map --scene "$mumbai" --tx 0,0 --order 0:2 --grid 40 \
  --candidates all)
scaled=$(echo "$small * 1000000 / 1600" | bc -l)
printf "| 40² all, in-process | %s |\n" "$small"
printf "| 1000² all, scaled from 40² (× 625) | %.0f |\n" "$scaled"
printf "| ratio all / visible (exact) | %.0f× |\n" "$(echo "$scaled / $exact" | bc -l)"
echo

echo "## square-obstacle, 600², orders 0:1, in-process (small scenes trace all)"
echo
echo "| candidates | median of $((runs * 2)) (s) |"
echo "|---|---|"
for c in all visible; do
  t=$(for _ in $(seq $((runs * 2))); do
        inproc map --scene square-obstacle --grid 600 --candidates "$c"; done | median)
  echo "| $c | $t |"
done
echo

# Street-like scenes: a jittered grid of rectangular buildings (4 walls
# each) with streets between them, the transmitter on the middle street.
city() {
  python3 - "$1" "$2" <<'EOF'
import json, math, random, sys
walls, path = int(sys.argv[1]), sys.argv[2]
rng = random.Random(walls)
n = max(1, walls // 4)
side = math.ceil(math.sqrt(n))
block = 40.0
objects = []
for i in range(n):
    cx, cy = (i % side) * block, (i // side) * block
    w, h = rng.uniform(15, 30), rng.uniform(15, 30)
    x0, y0 = cx + rng.uniform(2, block - 2 - w), cy + rng.uniform(2, block - 2 - h)
    c = [(x0, y0), (x0 + w, y0), (x0 + w, y0 + h), (x0, y0 + h)]
    for a, b in zip(c, c[1:] + c[:1]):
        objects.append({"type": "wall", "a": list(a), "b": list(b)})
mid = (side // 2) * block - 1.0
scene = {"transmitters": [{"name": "tx0", "position": [mid, mid]}],
         "objects": objects}
json.dump(scene, open(path, "w"))
EOF
}

echo "## Growth: street-like scenes, 300² map, visible, whole process"
echo
echo "| walls | order 0:1 (s) | order 0:2 (s) | visible order 2 (of all) |"
echo "|---|---|---|---|"
: > "$work/fit1"
: > "$work/fit2"
for walls in 16 64 256 1024 4096; do
  city "$walls" "$work/city.json"
  t1=$(median_of wall map --scene "$work/city.json" --order 0:1 --grid 300)
  t2=$(median_of wall map --scene "$work/city.json" --order 0:2 --grid 300)
  kept=$("$drt2d" info --scene "$work/city.json" --order 2 |
    sed -n 's/^  order 2: \([0-9]*\) (\([^)]*\)).*/\1 (\2)/p' | tail -1)
  echo "| $walls | $t1 | $t2 | $kept |"
  echo "$walls $t1" >> "$work/fit1"
  echo "$walls $t2" >> "$work/fit2"
done
echo
for k in 1 2; do
  python3 - "$work/fit$k" "$k" <<'EOF'
import math, sys
pts = [tuple(map(float, l.split())) for l in open(sys.argv[1])]
# From 256 walls on: below, fixed costs (start-up, compile cache) dominate.
pts = [(math.log(w), math.log(t)) for w, t in pts if w >= 256]
n = len(pts)
mx = sum(p[0] for p in pts) / n
my = sum(p[1] for p in pts) / n
slope = sum((x - mx) * (y - my) for x, y in pts) / sum((x - mx) ** 2 for x, _ in pts)
print(f"fitted exponent, orders 0:{sys.argv[2]}, 256..4096 walls: time ~ walls^{slope:.2f}")
EOF
done
