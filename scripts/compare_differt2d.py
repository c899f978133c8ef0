#!/usr/bin/env python3
"""Compare drt2d's received power with the reference toolbox DiffeRT2d.

Developer tool, not part of CI. It needs a Python environment with the
reference installed (CPU JAX is enough):

    python3 -m venv /tmp/dvenv
    /tmp/dvenv/bin/pip install differt2d==0.4.1
    /tmp/dvenv/bin/python scripts/compare_differt2d.py [options]

For every built-in scene, order range and smoothing mode it draws random
receivers in the unit square (seeded), evaluates the reference in float64
(image method, the scene's own tx) and runs

    drt2d eval --scene NAME --order KMIN:KMAX --smoothing MODE --alpha A
               --points FILE  {--device ref | --precision double}

on the same points, then prints the largest relative difference and the
number of points whose relative difference exceeds --rtol.

Options:
    --drt2d PATH   drt2d binary (default: build/drt2d of this checkout)
    -n N           receivers per case (default 400)
    --seed S       numpy seed for the receivers (default 0)
    --grid M       use an M x M linspace grid over [0, 1]^2 (ends included,
                   as in drt2d maps) instead of random receivers
    --rtol R       relative threshold for counting a point as different (1e-6)
    --scenes A,B   subset of scenes (default: all four)
    --worst K      also list the K worst points of each failing case

Exit status 1 when some point differs. Expect agreement to ~1e-13 on random
points. Grids can put a receiver exactly where a 2-wall image path runs
through the corner joining its two walls (zero-length middle segment); there
the smoothed validity depends on rounding in both tools (DiffeRT2d even
changes with batch shape and jit), so a few such grid points may differ.
"""

import argparse
import os
import subprocess
import sys
import tempfile

import jax

jax.config.update("jax_enable_x64", True)  # before importing differt2d

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from differt2d.logic import hard_sigmoid, sigmoid  # noqa: E402
from differt2d.scene import Scene  # noqa: E402
from differt2d.utils import received_power  # noqa: E402

SCENES = {
    "square": Scene.square_scene,
    "square-wall": Scene.square_scene_with_wall,
    "square-obstacle": Scene.square_scene_with_obstacle,
    "basic": Scene.basic_scene,
}
ORDERS = [(0, 1), (0, 2)]
# (drt2d --smoothing, alpha, reference keyword arguments for Path.is_valid)
MODES = [
    ("none", 100.0, dict(approx=False)),
    ("sigmoid", 100.0, dict(approx=True, function=sigmoid, alpha=100.0)),
    ("hard-sigmoid", 100.0, dict(approx=True, function=hard_sigmoid, alpha=100.0)),
    ("sigmoid", 50.0, dict(approx=True, function=sigmoid, alpha=50.0)),
    ("hard-sigmoid", 50.0, dict(approx=True, function=hard_sigmoid, alpha=50.0)),
]


def reference(scene, pts, kmin, kmax, kw):
    X = jnp.asarray(pts[None, :, 0])
    Y = jnp.asarray(pts[None, :, 1])
    Z = scene.accumulate_on_receivers_grid_over_paths(
        X, Y, fun=received_power, min_order=kmin, max_order=kmax,
        reduce_all=True, **kw)
    return np.asarray(Z).reshape(-1)


def drt2d(binary, name, pts_file, kmin, kmax, mode, alpha, device_args):
    cmd = [binary, "eval", "--scene", name, "--order", f"{kmin}:{kmax}",
           "--smoothing", mode, "--alpha", repr(alpha), "--points", pts_file,
           *device_args]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    rows = [line.split(",") for line in out.splitlines()[1:] if line.strip()]
    return np.array([float(r[2]) for r in rows])


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(usage=__doc__)
    ap.add_argument("--drt2d", default=os.path.join(here, "..", "build", "drt2d"))
    ap.add_argument("-n", type=int, default=400)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--grid", type=int, default=0)
    ap.add_argument("--rtol", type=float, default=1e-6)
    ap.add_argument("--scenes", default=",".join(SCENES))
    ap.add_argument("--worst", type=int, default=0)
    args = ap.parse_args()

    if args.grid:
        g = np.linspace(0.0, 1.0, args.grid)
        pts = np.stack(np.meshgrid(g, g), axis=-1).reshape(-1, 2)
    else:
        pts = np.random.default_rng(args.seed).uniform(0.0, 1.0, size=(args.n, 2))
    fd, pts_file = tempfile.mkstemp(suffix=".txt")
    with os.fdopen(fd, "w") as f:
        f.writelines(f"{float(x)!r} {float(y)!r}\n" for x, y in pts)

    engines = [("ref", ["--device", "ref"]), ("ocl", ["--precision", "double"])]
    print(f"{'scene':16} {'orders':6} {'mode':18} {'engine':6} "
          f"{'max rel diff':>12} {'n > ' + format(args.rtol, 'g'):>8}")
    bad = False
    try:
        for name in args.scenes.split(","):
            scene = SCENES[name]()
            for kmin, kmax in ORDERS:
                for mode, alpha, kw in MODES:
                    want = reference(scene, pts, kmin, kmax, kw)
                    label = mode if mode == "none" else f"{mode} a={alpha:g}"
                    for engine, dev in engines:
                        got = drt2d(args.drt2d, name, pts_file, kmin, kmax,
                                    mode, alpha, dev)
                        rel = np.abs(got - want) / np.maximum(np.abs(want), 1e-300)
                        n_bad = int(np.sum(rel > args.rtol))
                        bad |= n_bad > 0
                        print(f"{name:16} {kmin}:{kmax:<4} {label:18} {engine:6} "
                              f"{rel.max():12.3e} {n_bad:8d}", flush=True)
                        for i in np.argsort(-rel)[: args.worst if n_bad else 0]:
                            if rel[i] > args.rtol:
                                print(f"    ({float(pts[i, 0])!r}, {float(pts[i, 1])!r}): "
                                      f"differt2d {float(want[i])!r}  drt2d {float(got[i])!r}")
    finally:
        os.unlink(pts_file)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
