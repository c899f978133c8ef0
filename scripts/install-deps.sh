#!/usr/bin/env bash
# install-deps.sh — installs the Debian packages drt2d needs, only those missing.
set -euo pipefail

# libcairo2-dev and fonts-dejavu-core draw the figures; poppler-utils
# (pdftoppm) and libexpat1-dev let the tests read the PDF and SVG back;
# python3-venv holds the Python package's test environment; Open MPI
# lets map, eval and study run across processes (optional in the build).
packages=(build-essential cmake pkg-config ocl-icd-opencl-dev opencl-headers
          pocl-opencl-icd libpng-dev libcjson-dev check clinfo
          libcairo2-dev fonts-dejavu-core poppler-utils libexpat1-dev
          python3 python3-venv libopenmpi-dev openmpi-bin)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = installed ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null; then
  sudo=(sudo)
else
  echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
