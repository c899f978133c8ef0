#!/usr/bin/env bash
# test_mpi.sh — drt2d across MPI ranks gives what one process gives.
# Runs DRT2D (built with MPI) under MPIRUN at 2 and 3 ranks, oversubscribed
# on a small machine, and compares with the same command run alone:
# - study (double): the JSON identical but for its wall_seconds line, the
#   CSV identical byte for byte;
# - map: the .npy identical, float and double, the image method and
#   min-path tracing (whose random starts are keyed by the cell);
# - eval --wrt scene (double) read from standard input: the CSV identical;
# - a rank that finds no device (DRT_TEST_FAIL_RANK): every rank exits
#   non-zero, one message names the rank, and no output file is written;
# - a usage error is printed once.
#
# usage: test_mpi.sh DRT2D MPIRUN
set -euo pipefail
[ $# -eq 2 ] || { sed -n 's/^# usage: //p' "$0" >&2; exit 2; }
drt2d=$1 mpirun=$2

scratch=$(mktemp -d "${TMPDIR:-/tmp}/drt2d-mpi.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"
fail() {
  echo "test_mpi: $*" >&2
  exit 1
}
# Open MPI refuses to start as root unless told it may (CI runs as root).
if [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
# The sanitizers' settings, when set, reach every rank (mpirun passes on
# only what -x names).
forwarded=()
for v in ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS POCL_CACHE_DIR DRT_CACHE_DIR; do
  [ -z "${!v:-}" ] || forwarded+=(-x "$v")
done
ranks() { # ranks N COMMAND...: COMMAND under N ranks
  local n=$1
  shift
  "$mpirun" --oversubscribe -np "$n" "${forwarded[@]}" "$@"
}

python3 - > points.txt <<'EOF'
import random
random.seed(7)
for _ in range(301):
    print(repr(random.uniform(-0.1, 1.1)), repr(random.uniform(-0.1, 1.1)))
EOF

# One process, then 2 and 3 ranks, of each case.
"$drt2d" study --trials 12 --receivers 2,3 --order 1 --steps 30 \
  --precision double --json study-1.json --csv study-1.csv > /dev/null
"$drt2d" map --scene random:3:12 --order 0:2 --grid 61x47 \
  --npy map-f-1.npy 2> /dev/null
"$drt2d" map --scene random:3:12 --order 0:1 --grid 37 --method mpt \
  --precision double --grad --npy map-mpt-1.npy 2> /dev/null
"$drt2d" eval --scene basic --order 0:2 --wrt scene --precision double \
  --points - < points.txt > eval-1.csv
for n in 2 3; do
  ranks "$n" "$drt2d" study --trials 12 --receivers 2,3 --order 1 \
    --steps 30 --precision double --json "study-$n.json" \
    --csv "study-$n.csv" > /dev/null
  diff <(grep -v '"wall_seconds"' study-1.json) \
       <(grep -v '"wall_seconds"' "study-$n.json") > /dev/null ||
    fail "study JSON differs at $n ranks"
  cmp -s study-1.csv "study-$n.csv" || fail "study CSV differs at $n ranks"
  ranks "$n" "$drt2d" map --scene random:3:12 --order 0:2 --grid 61x47 \
    --npy "map-f-$n.npy" 2> /dev/null
  cmp -s map-f-1.npy "map-f-$n.npy" || fail "float map differs at $n ranks"
  ranks "$n" "$drt2d" map --scene random:3:12 --order 0:1 --grid 37 \
    --method mpt --precision double --grad --npy "map-mpt-$n.npy" 2> /dev/null
  cmp -s map-mpt-1.npy "map-mpt-$n.npy" ||
    fail "MPT gradient map differs at $n ranks"
  ranks "$n" "$drt2d" eval --scene basic --order 0:2 --wrt scene \
    --precision double --points - < points.txt > "eval-$n.csv"
  cmp -s eval-1.csv "eval-$n.csv" || fail "eval CSV differs at $n ranks"
done
[ "$(wc -l < eval-3.csv)" -eq 302 ] || fail "eval printed the wrong rows"

# A rank without a device: all fail, one message names it, no file.
for failing in 1 2; do
  set +e
  ranks 3 -x DRT_TEST_FAIL_RANK=$failing "$drt2d" map --grid 20 \
    --npy failed.npy 2> failed.txt
  rc=$?
  set -e
  [ "$rc" -ne 0 ] || fail "map with rank $failing failing exited 0"
  [ ! -e failed.npy ] || fail "map with rank $failing failing wrote its file"
  [ "$(grep -c '^drt2d' failed.txt)" -eq 1 ] ||
    fail "not one message: $(cat failed.txt)"
  grep -q "^drt2d: rank $failing of 3: device: no OpenCL device" failed.txt ||
    fail "the message does not name rank $failing: $(cat failed.txt)"
done
set +e
ranks 2 -x DRT_TEST_FAIL_RANK=1 "$drt2d" study --trials 4 \
  --json failed.json > /dev/null 2> failed.txt
rc=$?
set -e
[ "$rc" -ne 0 ] && [ ! -e failed.json ] ||
  fail "study with a failing rank: exit $rc, or its file written"

# A usage error: exit 2, printed once.
set +e
ranks 3 "$drt2d" map --grid 0 --npy bad.npy 2> usage.txt
rc=$?
set -e
[ "$rc" -ne 0 ] || fail "a usage error exited 0"
[ "$(grep -c '^drt2d' usage.txt)" -eq 1 ] ||
  fail "a usage error printed other than once: $(cat usage.txt)"
echo "test_mpi: 2 and 3 ranks agree with one process"
