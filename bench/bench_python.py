#!/usr/bin/env python3
"""bench_python.py — the Python package's cost over the C library, and
drt2d.jax against DiffeRT2d inside one JAX program.

    scripts/python-venv.sh build/venv        # package + test extras
    build/venv/bin/python bench/bench_python.py [--runs 5] [--drt2d build/drt2d]

1. A 600 x 600 receiver map of square-obstacle, orders 0:1, POCL float:
   the time drt2d map reports for its map (in-process, after its context
   exists) against Scene.map(grid=600) with a warm default context.
2. The received power at N random receivers of square-obstacle, orders
   0:1, no smoothing, double precision, both tools jitted in the same JAX
   program: value, and value with the gradient by every receiver.
Medians of --runs after a warm-up run.
"""

import argparse
import os
import re
import statistics
import subprocess
import time

import jax

jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from differt2d.scene import Scene as RefScene  # noqa: E402
from differt2d.utils import received_power as ref_power  # noqa: E402

import drt2d  # noqa: E402
import drt2d.jax as dj  # noqa: E402


def median_time(fn, runs):
    fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def cli_map_seconds(binary, runs):
    times = []
    for _ in range(runs + 1):
        err = subprocess.run([binary, "map", "--scene", "square-obstacle",
                              "--grid", "600", "--npy", "/dev/null"],
                             capture_output=True, text=True, check=True).stderr
        times.append(float(re.search(r" in ([0-9.]+) s", err).group(1)))
    return statistics.median(times[1:])


def map_overhead(binary, runs):
    scene = drt2d.Scene.builtin("square-obstacle")
    python = median_time(lambda: scene.map(grid=600), runs)
    cli = cli_map_seconds(binary, runs)
    print("| 600x600 map, POCL float | drt2d map (in-process) s | "
          "Scene.map s | ratio |\n|---|---|---|---|")
    print(f"| square-obstacle 0:1 | {cli:.4f} | {python:.4f} | "
          f"{python / cli:.3f} |")


def jax_comparison(runs, n):
    pts = np.random.default_rng(0).uniform(0, 1, size=(n, 2))
    ours = drt2d.Scene.builtin("square-obstacle")
    ref = RefScene.square_scene_with_obstacle()
    tx = jnp.asarray(ours.transmitters[0])
    rx = jnp.asarray(pts)

    def drt_total(rx):
        return dj.received_power(tx, rx, ours, order=(0, 1),
                                 precision="double").sum()

    def ref_total(rx):
        z = ref.accumulate_on_receivers_grid_over_paths(
            rx[None, :, 0], rx[None, :, 1], fun=ref_power, min_order=0,
            max_order=1, reduce_all=True, approx=False)
        return jnp.sum(z)

    print(f"\n| {n} receivers, CPU, double | DiffeRT2d s | drt2d.jax s | "
          "speed-up |\n|---|---|---|---|")
    for label, make in (("value", lambda f: jax.jit(f)),
                        ("value + gradient",
                         lambda f: jax.jit(jax.value_and_grad(f)))):
        d, r = make(drt_total), make(ref_total)
        np.testing.assert_allclose(jax.tree.leaves(d(rx))[0],
                                   jax.tree.leaves(r(rx))[0], rtol=1e-10)
        td = median_time(lambda: jax.block_until_ready(d(rx)), runs)
        tr = median_time(lambda: jax.block_until_ready(r(rx)), runs)
        print(f"| {label} | {tr:.4f} | {td:.4f} | {tr / td:.1f}x |")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--drt2d", default=os.path.join(here, "..", "build",
                                                    "drt2d"))
    args = ap.parse_args()
    map_overhead(args.drt2d, args.runs)
    jax_comparison(args.runs, args.n)


if __name__ == "__main__":
    main()
