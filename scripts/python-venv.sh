#!/usr/bin/env bash
# python-venv.sh DIR — creates (or reuses) a virtual environment in DIR
# and installs this checkout's Python package into it with its test
# extras (NumPy, JAX, optax, matplotlib, tqdm, pytest and DiffeRT2d 0.4.x
# from PyPI); pip builds the C library through scikit-build-core.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${1:?usage: scripts/python-venv.sh DIR}"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet ".[test]"
