"""drt2d: a differentiable 2D radio ray tracer (C11 + OpenCL), from Python.

    import drt2d
    scene = drt2d.Scene.builtin("square-obstacle")
    power = scene.map(grid=300, order=(0, 1))          # (300, 300), row 0 south
    p, dpdx, dpdy = scene.eval([[0.3, 0.7]], grad=True)[0]

drt2d.jax.received_power is the same computation under jax.jit, jax.grad
and jax.vmap, its backward pass drt2d's hand-derived gradient.
"""

from ._lib import lib as _libdrt2d
from .context import Context
from .errors import (BuildError, Cancelled, Error, FileError,
                     InvalidArgument, NoDevice, NoDoublePrecision,
                     OpenCLError, OutOfMemory, ParseError, SchemaError,
                     TooBig, Unsupported)
from .network import delay_spread, network_metrics, noise_power
from .runs import optimize, study
from .scene import GridArray, Scene

__version__ = _libdrt2d.drt_version().decode()
P0 = 100.0  # 1 / h^2 with h = 0.1: the paper's reference power

__all__ = ["Scene", "Context", "GridArray", "optimize", "study", "P0",
           "network_metrics", "noise_power", "delay_spread",
           "Error", "InvalidArgument", "OutOfMemory", "FileError",
           "ParseError", "SchemaError", "NoDevice", "NoDoublePrecision",
           "OpenCLError", "BuildError", "Unsupported", "TooBig",
           "Cancelled"]
