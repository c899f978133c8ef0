"""drt2d under JAX: received_power(tx, rx, scene) usable in jax.jit,
jax.grad and jax.vmap.

The forward pass calls the C library through jax.pure_callback: the
power alone when no gradient is taken, else with its hand-derived
derivatives by both endpoints; the backward pass (jax.custom_vjp) only
multiplies them by the cotangent. JAX never traces through C, and no finite differences are
taken. Needs JAX (pip install 'drt2d[jax]').
"""

import jax
import jax.numpy as jnp
import numpy as np

from . import _lib, _options
from .context import resolve
from .errors import InvalidArgument, check
from .scene import Scene

lib = _lib.lib


def _distinct_rows(points):
    """How many distinct points: 1 without sorting in the common case of
    one endpoint shared by every pair."""
    if len(points) == 0 or np.all(points == points[0]):
        return min(len(points), 1)
    return len(np.unique(points, axis=0))


def _groups(points):
    """(point, indices of the rows equal to it) for each distinct point."""
    if len(points) and np.all(points == points[0]):
        yield points[0], np.arange(len(points))
        return
    keys, group = np.unique(points, axis=0, return_inverse=True)
    group = group.reshape(-1)
    for k, point in enumerate(keys):
        yield point, np.flatnonzero(group == k)


class _PairEvaluator:
    """P(tx, rx), and with grads=True its derivatives by both endpoints,
    for arrays of pairs, on the host.

    Pairs are grouped by their distinct transmitters (or receivers, when
    those are fewer). In a group the shared endpoint is the scene's only
    fixed one and the others move: one launch gives the power and its
    derivatives by the moving endpoints; a second, with the roles swapped
    (the shared endpoint moving, the others all fixed, each pair apart),
    gives the derivatives by the shared one. In the radio model the
    shared endpoint is always the transmitter: its swapped launch is then
    a transmitter map's pairs, the ones the radio model evaluates apart."""

    def __init__(self, scene, trace, context):
        self.objects = scene._object_tuples()
        self.trace = trace
        self.context = context
        self.radio = trace.model != 0

    def __call__(self, tx, rx, grads):
        tx, rx = np.broadcast_arrays(np.asarray(tx, np.float64),
                                     np.asarray(rx, np.float64))
        shape = tx.shape[:-1]
        tx, rx = tx.reshape(-1, 2), rx.reshape(-1, 2)
        if not (np.all(np.isfinite(tx)) and np.all(np.isfinite(rx))):
            raise InvalidArgument("received_power: tx and rx must be finite")
        p = np.empty(len(tx))
        d_tx, d_rx = np.empty((len(tx), 2)), np.empty((len(tx), 2))
        n_tx = _distinct_rows(tx)
        by_tx = self.radio or n_tx == 1 or n_tx <= _distinct_rows(rx)
        shared, moving = (tx, rx) if by_tx else (rx, tx)
        d_shared, d_moving = (d_tx, d_rx) if by_tx else (d_rx, d_tx)
        for point, rows in _groups(shared):
            others = np.ascontiguousarray(moving[rows])
            if not grads:
                p[rows] = self._launch(lib.drt_eval_points, point, others,
                                       by_tx, 1)[:, 0]
                continue
            out = self._launch(lib.drt_eval_points_grad, point, others,
                               by_tx, 3)
            p[rows], d_moving[rows] = out[:, 0], out[:, 1:3]
            swapped = self._launch(lib.drt_eval_pairs_grad, others,
                                   point[None, :], not by_tx, 3)
            d_shared[rows] = swapped.reshape(-1, 3)[:, 1:3]
        return p.reshape(shape), d_tx.reshape(shape + (2,)), \
            d_rx.reshape(shape + (2,))

    def _launch(self, function, fixed, moving, fixed_are_tx, width):
        """function over the moving points, with `fixed` ((2,) or (m, 2))
        as the scene's transmitters (fixed_are_tx) or receivers; writes
        len(moving) x len(fixed) rows of `width`."""
        fixed = np.ascontiguousarray(fixed, dtype=np.float64).reshape(-1, 2)
        handle = Scene._build(self.objects, fixed if fixed_are_tx else [],
                              [] if fixed_are_tx else fixed)
        try:
            trace = _lib.TraceOptions.from_buffer_copy(self.trace)
            trace.vary = 0 if fixed_are_tx else 1
            xy = np.ascontiguousarray(moving, dtype=np.float64)
            rows = len(xy) * (len(fixed) if function is
                              lib.drt_eval_pairs_grad else 1)
            out = np.empty((rows, width))
            self.context.call(function, handle, trace, _lib.as_double_p(xy),
                              len(xy), _lib.as_double_p(out))
        finally:
            lib.drt_scene_destroy(handle)
        return out


def _check_points(name, value):
    if value.ndim < 1 or value.shape[-1] != 2:
        raise InvalidArgument(f"received_power: {name} must have shape "
                              f"(..., 2), got {value.shape}")
    if not jnp.issubdtype(value.dtype, jnp.floating):
        raise InvalidArgument(f"received_power: {name} must be floating "
                              f"point, got {value.dtype}")


def _check_trace(scene, trace):
    """The options against the scene's objects (e.g. the image method on a
    RIS), with a stand-in transmitter: the scene's own endpoints are not
    used."""
    handle = Scene._build(scene._object_tuples(), np.zeros((1, 2)), [])
    try:
        check(lib.drt_trace_options_check(trace, handle))
    finally:
        lib.drt_scene_destroy(handle)


def _sum_to_shape(x, shape):
    """Sums a broadcast cotangent back to an input's shape."""
    extra = x.ndim - len(shape)
    x = x.sum(axis=tuple(range(extra))) if extra else x
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and x.shape[i] != 1)
    return x.sum(axis=axes, keepdims=True) if axes else x


def _power_function(evaluator):
    def host(tx, rx, grads):
        dtype = np.result_type(tx.dtype, rx.dtype)
        p, d_tx, d_rx = evaluator(tx, rx, grads)
        if not grads:
            return p.astype(dtype)
        return p.astype(dtype), d_tx.astype(dtype), d_rx.astype(dtype)

    def call(tx, rx, grads):
        shape = jnp.broadcast_shapes(tx.shape[:-1], rx.shape[:-1])
        dtype = jnp.result_type(tx.dtype, rx.dtype)
        value = jax.ShapeDtypeStruct(shape, dtype)
        point = jax.ShapeDtypeStruct(shape + (2,), dtype)
        types = (value, point, point) if grads else value
        return jax.pure_callback(lambda a, b: host(a, b, grads), types, tx,
                                 rx, vmap_method="broadcast_all")

    @jax.custom_vjp
    def power(tx, rx):
        return call(tx, rx, grads=False)

    def forward(tx, rx):
        p, d_tx, d_rx = call(tx, rx, grads=True)
        return p, (d_tx, d_rx, tx, rx)

    def backward(residuals, g):
        d_tx, d_rx, tx, rx = residuals
        return (_sum_to_shape(g[..., None] * d_tx, tx.shape),
                _sum_to_shape(g[..., None] * d_rx, rx.shape))

    power.defvjp(forward, backward)
    return power


def received_power(tx, rx, scene, *, order=(0, 1), method="im",
                   smoothing="none", alpha=100.0, only=None, seed=0,
                   precision=None, device=None, context=None, model=None):
    """Power received at rx from a transmitter at tx through the scene's
    objects (its own transmitters and receivers are not used): tx and rx
    of shape (..., 2), broadcast against each other; the result has their
    broadcast shape without the last axis, in their floating dtype.

    Options as Scene.map; precision "double" (or a double Context) gives
    values and gradients to about 1e-12, "float" to about 1e-5. With
    model="radio" the power is in watts (3.5 GHz, 20 dBm from an isotropic
    antenna, coherent sum, vertical polarisation, walls of the scene's
    materials or concrete)."""
    if not isinstance(scene, Scene):
        raise InvalidArgument("received_power: scene must be a drt2d.Scene")
    trace = _options.trace_options(order=order, method=method,
                                   smoothing=smoothing, alpha=alpha, only=only,
                                   seed=seed)
    trace.model = _options.model(model)
    _check_trace(scene, trace)
    tx = jnp.asarray(tx)
    rx = jnp.asarray(rx)
    _check_points("tx", tx)
    _check_points("rx", rx)
    evaluator = _PairEvaluator(scene, trace, resolve(context, device,
                                                     precision))
    return _power_function(evaluator)(tx, rx)
