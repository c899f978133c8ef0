#!/usr/bin/env bash
# test.sh — fresh machine to a tested build: installs what is missing,
# builds, runs every Check suite through ctest (on POCL when no GPU), then
# installs the Python package into a virtual environment it creates
# (build/venv, with the test extras from PyPI) and runs its pytest suite
# against the same build's drt2d tool.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh -DDRT_BUILD_TESTS=ON
(cd build && ctest --verbose --output-on-failure --timeout 1800)
scripts/python-venv.sh build/venv
DRT2D_CLI="$PWD/build/drt2d" build/venv/bin/python -m pytest -v python/tests
