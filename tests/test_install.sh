#!/usr/bin/env bash
# test_install.sh — the installed library as an outside program sees it.
# Installs BUILD into a scratch prefix; checks the files, the SONAME and
# that only the header's functions are exported; builds a program against
# the prefix through pkg-config and another through find_package(drt2d);
# runs both on the CPU device and checks that they print the version and
# the same power at a point as `drt2d eval` does.
#
# usage: test_install.sh BUILD CMAKE CC PKG_CONFIG LIBDIR VERSION SOVERSION
set -euo pipefail
[ $# -eq 7 ] || { sed -n 's/^# usage: //p' "$0" >&2; exit 2; }
build=$1 cmake=$2 cc=$3 pkg_config=$4 libdir=$5 version=$6 soversion=$7

scratch=$(mktemp -d "${TMPDIR:-/tmp}/drt2d-install.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
prefix=$scratch/prefix
fail() {
  echo "test_install: $*" >&2
  exit 1
}

"$cmake" --install "$build" --prefix "$prefix" >"$scratch/install.log" 2>&1 ||
  { cat "$scratch/install.log" >&2; fail "cmake --install failed"; }

lib=$prefix/$libdir/libdrt2d.so
for f in "$libdir/libdrt2d.so" "$libdir/libdrt2d.so.$soversion" \
         "$libdir/libdrt2d.so.$version" include/drt2d.h bin/drt2d \
         "$libdir/pkgconfig/drt2d.pc" "$libdir/cmake/drt2d/drt2dConfig.cmake" \
         "$libdir/cmake/drt2d/drt2dConfigVersion.cmake" \
         "$libdir/cmake/drt2d/drt2dTargets.cmake"; do
  [ -e "$prefix/$f" ] || fail "not installed: $f"
done

# The SONAME carries the major version only.
readelf -d "$lib" | grep -q "Library soname: \[libdrt2d.so.$soversion\]" ||
  fail "SONAME is not libdrt2d.so.$soversion: $(readelf -d "$lib" | grep SONAME)"

# Exported: exactly the functions the installed header declares.
nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVWi]$/ {print $3}' |
  sort >"$scratch/exported"
grep -q . "$scratch/exported" || fail "nm -D lists no symbols"
if grep -q '^drt__' "$scratch/exported"; then
  fail "internal symbols exported: $(grep '^drt__' "$scratch/exported" | head -5 | tr '\n' ' ')"
fi
# (A declaration may break after its return type.)
tr '\n' ' ' <"$prefix/include/drt2d.h" | grep -o 'DRT_API [^;(]*(' |
  sed -n 's/.*[ *]\(drt_[a-z0-9_]*\)($/\1/p' | sort >"$scratch/declared"
diff "$scratch/declared" "$scratch/exported" >"$scratch/symbols.diff" ||
  fail "exports differ from the header's DRT_API functions ('<' declared" \
       "only, '>' exported only): $(cat "$scratch/symbols.diff")"

# A program that sees only the installed header and library.
mkdir "$scratch/consumer"
cat >"$scratch/consumer/main.c" <<'EOF'
#include <drt2d.h>
#include <stdio.h>
int main(void) {
  drt_context_options co;
  drt_trace_options to;
  drt_context *ctx = NULL;
  drt_scene *scene = NULL;
  double xy[2] = {0.3, 0.7}, power;
  drt_context_options_init(&co);
  co.device = DRT_DEVICE_CPU;
  co.precision = DRT_PRECISION_DOUBLE;
  drt_trace_options_init(&to);
  if (drt_context_create(&co, &ctx) || drt_scene_builtin("square", &scene) ||
      drt_eval_points(ctx, scene, &to, xy, 1, &power)) {
    fprintf(stderr, "consumer: %s\n", drt_last_error());
    return 1;
  }
  printf("%s %.17g\n", drt_version(), power);
  drt_scene_destroy(scene);
  drt_context_destroy(ctx);
  return 0;
}
EOF
flags=$(PKG_CONFIG_PATH=$prefix/$libdir/pkgconfig "$pkg_config" --cflags --libs drt2d) ||
  fail "pkg-config does not find drt2d"
# No other include directory: the header must stand alone.
"$cc" -std=c11 -Wall -Wextra -Wpedantic -Werror -o "$scratch/consumer/pc" \
  "$scratch/consumer/main.c" $flags || fail "cannot build with: $flags"
LD_LIBRARY_PATH=$prefix/$libdir "$scratch/consumer/pc" >"$scratch/pc.out" ||
  fail "the pkg-config program failed"
ldd_line=$(LD_LIBRARY_PATH=$prefix/$libdir ldd "$scratch/consumer/pc" | grep libdrt2d)
case $ldd_line in
  *"$prefix/"*) ;;
  *) fail "the program does not load the installed library: $ldd_line" ;;
esac

# The CLI's answer at the same point, through its own path (eval computes
# value and gradient).
cli=$(printf '0.3 0.7\n' | "$build/drt2d" eval --scene square --device cpu \
        --precision double --points -) || fail "drt2d eval failed"
cli_power=$(printf '%s\n' "$cli" | awk -F, 'NR == 2 {print $3}')
read -r got_version got_power <"$scratch/pc.out"
[ "$got_version" = "$version" ] ||
  fail "drt_version() is '$got_version', not '$version'"
[ "$("$prefix/bin/drt2d" --version)" = "drt2d $version" ] ||
  fail "installed drt2d --version prints '$("$prefix/bin/drt2d" --version)'"
awk -v a="$got_power" -v b="$cli_power" 'BEGIN {
  d = a - b; if (d < 0) d = -d; s = b < 0 ? -b : b
  exit !(b != "" && d <= 1e-12 * s) }' ||
  fail "power at (0.3, 0.7): library $got_power, drt2d eval $cli_power"

# The same program through find_package(drt2d).
cat >"$scratch/consumer/CMakeLists.txt" <<'EOF'
cmake_minimum_required(VERSION 3.25)
project(drt2d_consumer LANGUAGES C)
find_package(drt2d 0.1 REQUIRED CONFIG)
add_executable(consumer main.c)
target_link_libraries(consumer PRIVATE drt2d::drt2d)
EOF
"$cmake" -S "$scratch/consumer" -B "$scratch/consumer/build" \
  -DCMAKE_C_COMPILER="$cc" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF >"$scratch/cmake.log" 2>&1 &&
  "$cmake" --build "$scratch/consumer/build" >>"$scratch/cmake.log" 2>&1 ||
  { cat "$scratch/cmake.log" >&2; fail "find_package(drt2d) build failed"; }
"$scratch/consumer/build/consumer" >"$scratch/cmake.out" ||
  fail "the find_package program failed"
cmp -s "$scratch/pc.out" "$scratch/cmake.out" ||
  fail "pkg-config program printed '$(cat "$scratch/pc.out")', find_package" \
       "program '$(cat "$scratch/cmake.out")'"

echo "test_install: $prefix: version $got_version, power $got_power" \
     "(drt2d eval: $cli_power)"
