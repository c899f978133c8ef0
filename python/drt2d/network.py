"""Network metrics of several transmitters (docs/method.md 15) from
Scene.eval_per_tx: the noise floor, the serving transmitter, the SINR and
the delay spread, computed by the C library."""

import ctypes

import numpy as np

from . import _lib
from .errors import InvalidArgument, check

lib = _lib.lib


def _network_options(bandwidth, noise_figure_db):
    options = _lib.NetworkOptions()
    lib.drt_network_options_init(options)
    options.bandwidth = float(bandwidth)
    options.noise_figure_db = float(noise_figure_db)
    check(lib.drt_network_options_check(options))
    return options


def noise_power(bandwidth=20e6, noise_figure_db=7.0):
    """k_B T B F in watts, T = 290 K."""
    return lib.drt_noise_power(_network_options(bandwidth, noise_figure_db))


def network_metrics(power, bandwidth=20e6, noise_figure_db=7.0):
    """From powers (..., t) in watts, one column a transmitter: the serving
    transmitter's index (the first of equals; -1 where nothing arrives)
    and the SINR S / (I + N), linear (0 there), both of shape (...)."""
    power = np.ascontiguousarray(power, dtype=np.float64)
    if power.ndim < 1 or power.shape[-1] < 1:
        raise InvalidArgument("network_metrics: power must have shape "
                              f"(..., t) with t >= 1, got {power.shape}")
    noise = noise_power(bandwidth, noise_figure_db)
    t = power.shape[-1]
    n = power.size // t
    server = np.empty(n, dtype=np.intc)
    sinr = np.empty(n)
    lib.drt_network_metrics(_lib.as_double_p(power), n, t, noise,
                            server.ctypes.data_as(ctypes.POINTER(ctypes.c_int)),
                            _lib.as_double_p(sinr))
    shape = power.shape[:-1]
    return server.reshape(shape).astype(int), sinr.reshape(shape)


def delay_spread(moments):
    """The RMS delay spread in seconds from delay moments (..., 3) as
    Scene.eval_per_tx(..., delays=True) gives them: shape (...); 0 where
    no path arrives."""
    moments = np.ascontiguousarray(moments, dtype=np.float64)
    if moments.ndim < 1 or moments.shape[-1] != 3:
        raise InvalidArgument("delay_spread: moments must have shape "
                              f"(..., 3), got {moments.shape}")
    flat = moments.reshape(-1, 3)
    out = np.array([lib.drt_delay_spread(_lib.as_double_p(
        np.ascontiguousarray(row))) for row in flat])
    return out.reshape(moments.shape[:-1])
