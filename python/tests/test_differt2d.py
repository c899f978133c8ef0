"""Parity with the reference toolbox itself, DiffeRT2d 0.4.x, on every
built-in scene: values and gradients by the receiver at random points."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from differt2d.logic import hard_sigmoid, sigmoid
from differt2d.scene import Scene as RefScene
from differt2d.utils import received_power

import drt2d

SCENES = {"square": RefScene.square_scene,
          "square-wall": RefScene.square_scene_with_wall,
          "square-obstacle": RefScene.square_scene_with_obstacle,
          "basic": RefScene.basic_scene}
MODES = [("none", {"approx": False}),
         ("sigmoid", {"approx": True, "function": sigmoid, "alpha": 50.0}),
         ("hard-sigmoid", {"approx": True, "function": hard_sigmoid,
                           "alpha": 50.0})]


def reference(scene, pts, orders, kw):
    def total(x, y):
        z = scene.accumulate_on_receivers_grid_over_paths(
            x[None], y[None], fun=received_power, min_order=orders[0],
            max_order=orders[1], reduce_all=True, **kw)
        return jnp.sum(z), z
    x, y = jnp.asarray(pts[:, 0]), jnp.asarray(pts[:, 1])
    (_, z), (gx, gy) = jax.value_and_grad(total, argnums=(0, 1),
                                          has_aux=True)(x, y)
    grad = np.stack([gx, gy], axis=-1)
    bad = ~np.all(np.isfinite(grad), axis=1)
    if bad.any():
        # DiffeRT2d 0.4.1's autodiff gives NaN at most points of the basic
        # scene with smoothing at order 2; there its values' central
        # differences stand for its gradient.
        h = 1e-7
        steps = np.array([[h, 0], [-h, 0], [0, h], [0, -h]])
        shifted = (pts[bad][None, :, :] + steps[:, None, :]).reshape(-1, 2)
        z4 = np.asarray(total(*map(jnp.asarray, shifted.T))[1]).reshape(4, -1)
        grad[bad, 0] = (z4[0] - z4[1]) / (2 * h)
        grad[bad, 1] = (z4[2] - z4[3]) / (2 * h)
    return np.asarray(z).reshape(-1), grad, int(bad.sum())


@pytest.mark.parametrize("name", SCENES)
@pytest.mark.parametrize("orders", [(0, 1), (0, 2)])
@pytest.mark.parametrize("mode, kw", MODES, ids=[m[0] for m in MODES])
def test_values_and_gradients_equal_differt2d(name, orders, mode, kw):
    pts = np.random.default_rng(7).uniform(0.0, 1.0, size=(64, 2))
    want_p, want_g, n_differenced = reference(SCENES[name](), pts, orders, kw)
    got = drt2d.Scene.builtin(name).eval(
        pts, order=orders, smoothing=mode, alpha=kw.get("alpha", 100.0),
        precision="double", grad=True)
    np.testing.assert_allclose(got[:, 0], want_p, rtol=1e-10, atol=1e-300)
    scale = np.abs(want_g).max()
    exact = 1e-7 if n_differenced == 0 else 1e-5  # differences: ~1e-7 h^2
    np.testing.assert_allclose(got[:, 1:], want_g, rtol=exact,
                               atol=1e-9 * scale if n_differenced == 0
                               else 1e-6 * scale)
