"""Contexts: where the work runs. A context is created once and reused
by every call given it; calls without one share a default context per
(device, precision), created on first use."""

import ctypes
import threading

from . import _lib, _options
from .errors import InvalidArgument, check

lib = _lib.lib


class Context:
    """An OpenCL device (POCL on a CPU, or a GPU) or the serial reference
    evaluator, in float or double precision.

    device: "auto" (a GPU if any, else a CPU), "cpu", "gpu", "ref" or the
    number of a device as `drt2d devices` lists it. precision: "float" or
    "double"; None means float, or double on "ref" (its only precision).
    """

    def __init__(self, device="auto", precision=None):
        self._handle = None
        options = _lib.ContextOptions()
        lib.drt_context_options_init(options)
        if isinstance(device, int) and not isinstance(device, bool):
            options.device = 4
            options.index = _options.integer("device", device, 0, 2**31 - 1)
        else:
            options.device = _options.choice("device", device,
                                             _options.DEVICES)
        if precision is None:
            precision = "double" if device == "ref" else "float"
        options.precision = _options.choice("precision", precision,
                                            _options.PRECISIONS)
        handle = ctypes.c_void_p()
        check(lib.drt_context_create(options, ctypes.byref(handle)))
        self._handle = handle
        self._lock = threading.Lock()  # one thread at a time, as the C API asks
        self.device = device
        self.precision = precision

    @property
    def device_name(self):
        return lib.drt_context_device_name(self._handle).decode()

    def last_stats(self):
        """Paths traced and solver iterations of the last evaluation."""
        stats = _lib.EvalStats()
        lib.drt_context_last_stats(self._handle, stats)
        return {"paths": stats.paths,
                "solver_iterations": stats.solver_iterations}

    def call(self, function, *args, progress=None):
        """Calls a library function with this context first, one thread at
        a time, and raises its error. progress: None, or a callable
        progress(done, total) for the C library's progress reports, whose
        True return cancels the call (drt2d.Cancelled)."""
        with self._lock:
            if progress is None:
                check(function(self._handle, *args))
                return

            def report(_user, done, total):
                return 1 if progress(done, total) is True else 0
            callback = _lib.Progress(report)  # alive for the whole call
            lib.drt_context_set_progress(self._handle, callback, None)
            try:
                check(function(self._handle, *args))
            finally:
                lib.drt_context_set_progress(self._handle, _lib.Progress(),
                                             None)

    def close(self):
        if getattr(self, "_handle", None):
            lib.drt_context_destroy(self._handle)
            self._handle = None

    def __del__(self):
        self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return f"drt2d.Context({self.device_name!r})"


_defaults = {}
_defaults_lock = threading.Lock()


def resolve(context, device, precision):
    """The context to use: the one given (then device and precision must
    be left unset), else the shared default for device and precision."""
    if context is not None:
        if not isinstance(context, Context):
            raise InvalidArgument(f"context: expected a drt2d.Context, got "
                                  f"{type(context).__name__}")
        if device is not None or precision is not None:
            raise InvalidArgument("give either context= or device=/"
                                  "precision=, not both")
        return context
    device = "auto" if device is None else device
    key = (device, precision)
    with _defaults_lock:
        if key not in _defaults:
            _defaults[key] = Context(device, precision)
        return _defaults[key]
