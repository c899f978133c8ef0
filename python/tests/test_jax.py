"""drt2d.jax.received_power under jit, grad and vmap; its gradient against
central finite differences; the paper's descent written in optax."""

import json

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import drt2d
import drt2d.jax as dj


@pytest.fixture(scope="module")
def scene():
    return drt2d.Scene.builtin("square-obstacle")


def test_value_is_the_scene_evaluation(scene):
    rx = np.random.default_rng(1).uniform(0, 1, size=(20, 2))
    want = scene.eval(rx, order=(0, 2), precision="double")  # its tx0
    got = dj.received_power(jnp.array([0.2, 0.2]), jnp.array(rx), scene,
                            order=(0, 2), precision="double")
    assert got.shape == (20,) and got.dtype == jnp.float64
    np.testing.assert_allclose(got, want, rtol=1e-12)


def objective(tx, rxs, scene, alpha):
    """A scalar of both endpoints: the softmin of the receivers' dB."""
    p = dj.received_power(tx, rxs, scene, order=(0, 1), smoothing="sigmoid",
                          alpha=alpha, precision="double")
    db = 10 * jnp.log10(p / drt2d.P0)
    return -jax.nn.logsumexp(-db)


def test_gradient_against_finite_differences(scene):
    rng = np.random.default_rng(2)
    rxs = jnp.array(rng.uniform(0.05, 0.95, size=(4, 2)))
    for trial in range(8):
        tx = jnp.array(rng.uniform(0.05, 0.95, size=2))
        g_tx, g_rx = jax.grad(objective, argnums=(0, 1))(tx, rxs, scene, 20.0)
        h = 1e-6
        for which, point, grad in ((0, tx, g_tx), (1, rxs, g_rx)):
            flat = np.asarray(point).reshape(-1)
            for i in range(flat.size):
                step = np.zeros_like(flat)
                step[i] = h
                args = [tx, rxs]
                args[which] = jnp.array((flat + step).reshape(point.shape))
                up = objective(*args, scene, 20.0)
                args[which] = jnp.array((flat - step).reshape(point.shape))
                down = objective(*args, scene, 20.0)
                fd = (up - down) / (2 * h)
                assert abs(np.asarray(grad).reshape(-1)[i] - fd) <= \
                    1e-6 * (1 + abs(fd)), (trial, which, i)


def test_jit_vmap_and_broadcasting(scene):
    txs = jnp.array([[0.2, 0.2], [0.7, 0.3], [0.4, 0.9]])
    rxs = jnp.array([[0.3, 0.7], [0.8, 0.5]])
    f = lambda tx, rx: dj.received_power(tx, rx, scene, precision="double")
    table = jax.jit(jax.vmap(jax.vmap(f, in_axes=(None, 0)),
                             in_axes=(0, None)))(txs, rxs)
    broadcast = f(txs[:, None, :], rxs[None, :, :])
    assert table.shape == broadcast.shape == (3, 2)
    np.testing.assert_allclose(table, broadcast, rtol=1e-14)
    for i, tx in enumerate(txs):
        want = scene.copy(transmitters=[tx]).eval(rxs, precision="double")
        np.testing.assert_allclose(table[i], want, rtol=1e-12)
    # gradients of a broadcast sum reach each input's own shape
    g_tx, g_rx = jax.jit(jax.grad(lambda a, b: f(a[:, None], b[None]).sum(),
                                  argnums=(0, 1)))(txs, rxs)
    assert g_tx.shape == txs.shape and g_rx.shape == rxs.shape
    per_pair = jax.vmap(jax.vmap(jax.grad(f, argnums=1), in_axes=(0, None)),
                        in_axes=(None, 0))(txs, rxs)
    np.testing.assert_allclose(g_rx, per_pair.sum(axis=1), rtol=1e-12)


def test_float32_stays_float32(scene):
    p = dj.received_power(jnp.array([0.2, 0.2], jnp.float32),
                          jnp.array([0.3, 0.7], jnp.float32), scene)
    assert p.dtype == jnp.float32
    np.testing.assert_allclose(p, scene.eval([[0.3, 0.7]])[0], rtol=1e-5)


def test_bad_arguments(scene):
    with pytest.raises(drt2d.InvalidArgument, match="shape"):
        dj.received_power(jnp.zeros(3), jnp.zeros(2), scene)
    with pytest.raises(drt2d.InvalidArgument, match="floating"):
        dj.received_power(jnp.zeros(2, jnp.int32), jnp.zeros(2), scene)
    with pytest.raises(drt2d.InvalidArgument, match="smoothing"):
        dj.received_power(jnp.zeros(2), jnp.zeros(2), scene, smoothing="x")
    with pytest.raises(drt2d.InvalidArgument, match="Scene"):
        dj.received_power(jnp.zeros(2), jnp.zeros(2), "square")


def test_optax_descent_matches_drt2d_optimize(scene):
    """The paper's Fig. 4/5 scenario: Adam on -min_i P_i / P0 with a hard
    sigmoid whose alpha rises geometrically from 1 to 100, in optax over
    drt2d.jax, ends where `drt2d optimize` ends."""
    rxs = jnp.array([[0.3, 0.1], [0.5, 0.1]])
    steps, lr = 100, 0.01
    room = scene.copy(transmitters=[], receivers=[])

    def loss(tx, alpha):
        p = dj.received_power(tx, rxs, room, order=0,
                              smoothing="hard-sigmoid", alpha=alpha,
                              precision="double")
        return -jnp.min(p / drt2d.P0)

    grad = jax.grad(loss)
    optimiser = optax.adam(lr)
    tx = jnp.array([0.5, 0.7])
    state = optimiser.init(tx)
    for t in range(steps):
        alpha = 1.0 * (100.0 / 1.0) ** (t / (steps - 1))
        updates, state = optimiser.update(grad(tx, alpha), state)
        tx = optax.apply_updates(tx, updates)
    run = drt2d.optimize(scene, rx=rxs, tx=(0.5, 0.7), steps=steps, lr=lr,
                         order=0, precision="double")
    np.testing.assert_allclose(tx, run["tx"], rtol=1e-9, atol=1e-12)
    assert np.hypot(*(run["tx"] - run["start"])) > 0.5  # it went somewhere


RADIO_STREET = {
    "units": "m",
    "transmitters": [{"name": "cell", "position": [5, 4]}],
    "receivers": [],
    "objects": [
        {"type": "wall", "a": [0, 0], "b": [40, 0], "material": "metal"},
        {"type": "wall", "a": [0, 10], "b": [40, 10.5], "material": "glass"},
        {"type": "wall", "a": [18, 3], "b": [20, 6],
         "material": {"eps_r": 4, "sigma": 0.02}},
    ],
}


def test_radio_model_in_watts_with_its_gradients(tmp_path):
    """The radio model through JAX: the scene's materials are kept, the
    power is the scene's own evaluation, and its gradients by both
    endpoints match central differences."""
    path = tmp_path / "street.json"
    path.write_text(json.dumps(RADIO_STREET))
    scene = drt2d.Scene.load(path)
    rng = np.random.default_rng(3)
    rxs = rng.uniform([2, 1], [38, 9], size=(6, 2))
    options = dict(order=(0, 2), smoothing="sigmoid", alpha=5.0,
                   precision="double", model="radio")
    want = scene.eval(rxs, **options)
    got = dj.received_power(jnp.array([5.0, 4.0]), jnp.array(rxs), scene,
                            **options)
    np.testing.assert_allclose(got, want, rtol=1e-12)
    concrete = dict(RADIO_STREET, objects=[
        dict(o, material="concrete") for o in RADIO_STREET["objects"]])
    path.write_text(json.dumps(concrete))
    other = drt2d.Scene.load(path).eval(rxs, **options)
    assert np.all(np.abs(other - want) > 1e-6 * want)  # materials count

    def objective(tx, rx):
        return jnp.sum(jnp.log10(dj.received_power(tx, rx, scene,
                                                   **options)))
    tx = jnp.array([5.0, 4.0])
    g_tx, g_rx = jax.grad(objective, argnums=(0, 1))(tx, jnp.array(rxs))
    h = 1e-5
    for which, point, grad in ((0, tx, g_tx), (1, jnp.array(rxs), g_rx)):
        flat = np.asarray(point).reshape(-1)
        for i in range(flat.size):
            step = np.zeros_like(flat)
            step[i] = h
            args = [tx, jnp.array(rxs)]
            args[which] = jnp.array((flat + step).reshape(point.shape))
            up = objective(*args)
            args[which] = jnp.array((flat - step).reshape(point.shape))
            down = objective(*args)
            fd = (up - down) / (2 * h)
            assert abs(np.asarray(grad).reshape(-1)[i] - fd) <= \
                1e-5 * (1 + abs(fd)), (which, i, fd)
    # Several transmitters to one receiver: each its own link, the same
    # gradient as alone.
    txs = jnp.array(rng.uniform([2, 1], [38, 9], size=(3, 2)))
    rx = jnp.array(rxs[0])
    g = jax.grad(lambda t: jnp.sum(dj.received_power(t, rx, scene,
                                                     **options)))(txs)
    for i in range(3):
        alone = jax.grad(lambda t: dj.received_power(t, rx, scene,
                                                     **options))(txs[i])
        np.testing.assert_allclose(g[i], alone, rtol=1e-9, atol=1e-30)
