#!/usr/bin/env bash
# demo.sh — fresh machine to a power map: installs what is missing, builds,
# and renders the paper's Fig. 3 scene (square-obstacle, orders 0:1) as
# square-obstacle.png, computed by the OpenCL kernels (POCL on a CPU).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
build/drt2d devices
build/drt2d map --scene square-obstacle --order 0:1 --grid 600 \
  --png square-obstacle.png --npy square-obstacle.npy
echo "wrote $(pwd)/square-obstacle.png and square-obstacle.npy"
