#!/usr/bin/env python3
"""The paper's transmitter placement in a few lines of JAX over drt2d.

Computes the objective map min_i P_i / P0 over transmitter positions for
two receivers of the square-obstacle scene, runs Adam (optax) on the
smoothed objective through drt2d.jax with alpha rising from 1 to 100, and
draws both with matplotlib:

    build/venv/bin/python examples/python/descent_figure.py out.png
"""

import sys

import jax
import jax.numpy as jnp
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import optax  # noqa: E402

import drt2d  # noqa: E402
import drt2d.jax as dj  # noqa: E402
import drt2d.plot  # noqa: E402

jax.config.update("jax_enable_x64", True)

# %% The scene: the room and its obstacle, two receivers to serve.
scene = drt2d.Scene.builtin("square-obstacle")
receivers = jnp.array([[0.3, 0.1], [0.5, 0.1]])
room = scene.copy(transmitters=[], receivers=receivers)

# %% The exact objective as a transmitter map: the worse receiver's power.
powers = [room.copy(receivers=[rx]).map(grid=200, vary="tx", order=0)
          for rx in np.asarray(receivers)]
worst = np.minimum(*powers).view(drt2d.GridArray)
worst.x, worst.y, worst.bbox = powers[0].x, powers[0].y, powers[0].bbox


# %% The smoothed objective and its descent with optax.
def loss(tx, alpha):
    p = dj.received_power(tx, receivers, room, order=0,
                          smoothing="hard-sigmoid", alpha=alpha,
                          precision="double")
    return -jnp.min(p / drt2d.P0)


steps, grad = 100, jax.grad(loss)
optimiser = optax.adam(0.01)
tx = jnp.array([0.5, 0.7])
state, track = optimiser.init(tx), [tx]
for t in range(steps):
    updates, state = optimiser.update(grad(tx, 100.0 ** (t / (steps - 1))),
                                      state)
    tx = optax.apply_updates(tx, updates)
    track.append(tx)
track = np.array(track)

# %% The figure.
fig, ax = plt.subplots(figsize=(6, 5), layout="constrained")
drt2d.plot.map(ax, worst, scene=room, db_range=(-40, 0),
               title="min_i P_i/P0 (exact) and the smoothed descent")
ax.plot(track[:, 0], track[:, 1], color="white", lw=1.5)
ax.plot(*track[0], "o", color="white", mec="black")
ax.plot(*track[-1], "^", color="white", mec="black", ms=10)
fig.savefig(sys.argv[1] if len(sys.argv) > 1 else "descent.png", dpi=120)
print(f"end {track[-1]}, F = {-float(loss(track[-1], 100.0)):.4f}")
