#!/usr/bin/env bash
# test.sh — fresh machine to a tested build: installs what is missing,
# builds, and runs every Check suite through ctest (on POCL when no GPU).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh -DDRT_BUILD_TESTS=ON
cd build
ctest --verbose --output-on-failure --timeout 1800
