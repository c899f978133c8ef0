#!/usr/bin/env bash
# build.sh — configures and builds drt2d (Release) into build/, extra CMake
# arguments passed through.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build build -j "$(nproc)"
