"""Keyword options to the C library's option structures, checked before
any work: an unknown name or value raises InvalidArgument naming it."""

import math
import numbers

from . import _lib
from .errors import InvalidArgument

MAX_ORDER = 8
METHODS = {"im": 0, "fpt": 1, "mpt": 2}
SMOOTHINGS = {"none": 0, "sigmoid": 1, "hard-sigmoid": 2}
VARY = {"rx": 0, "tx": 1}
CANDIDATES = {"visible": 0, "all": 1}
ONLY = {"wall": 1, "ris": 2, "vertex": 4}
DEVICES = {"auto": 0, "cpu": 1, "gpu": 2, "ref": 3}
PRECISIONS = {"float": 0, "double": 1}
OBJECTIVES = {"min": 0, "sum": 1, "softmin": 2}
MODELS = ("paper",)


def choice(option, value, table):
    if isinstance(value, str) and value in table:
        return table[value]
    raise InvalidArgument(f"{option}: invalid value {value!r} (expected "
                          f"{', '.join(map(repr, table))})")


def integer(option, value, lo, hi):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) \
            or not lo <= value <= hi:
        raise InvalidArgument(f"{option}: invalid value {value!r} (expected "
                              f"an integer from {lo} to {hi})")
    return int(value)


def positive(option, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) \
            or not math.isfinite(value) or value <= 0:
        raise InvalidArgument(f"{option}: invalid value {value!r} (expected "
                              "a finite number > 0)")
    return float(value)


def orders(value):
    """An order k (orders k..k) or a pair (kmin, kmax), as --order."""
    pair = (value, value) if isinstance(value, numbers.Integral) else value
    try:
        lo, hi = pair
    except (TypeError, ValueError):
        raise InvalidArgument(f"order: invalid value {value!r} (expected K "
                              "or (KMIN, KMAX))") from None
    lo = integer("order", lo, 0, MAX_ORDER)
    hi = integer("order", hi, 0, MAX_ORDER)
    if lo > hi:
        raise InvalidArgument(f"order: {value!r} has KMIN > KMAX")
    return lo, hi


def only_bits(value):
    if value is None:
        return 7
    names = [value] if isinstance(value, str) else list(value)
    bits = 0
    for name in names:
        bits |= choice("only", name, ONLY)
    if not bits:
        raise InvalidArgument("only: give at least one object type")
    return bits


MODELS = {"paper": 0, "radio": 1}


def model(value):
    """The model's code: "paper" (default) or "radio" at the library's
    defaults: 3.5 GHz, 20 dBm, coherent sum, vertical polarisation,
    concrete walls."""
    if value is None or value == "paper":
        return 0
    if value == "radio":
        return 1
    raise InvalidArgument(f"model: invalid value {value!r} (expected "
                          f"'paper' or 'radio')")


def trace_options(order=(0, 1), method="im", smoothing="none", alpha=100.0,
                  vary="rx", only=None, seed=0, candidates="visible"):
    options = _lib.TraceOptions()
    _lib.lib.drt_trace_options_init(options)
    options.order_min, options.order_max = orders(order)
    options.method = choice("method", method, METHODS)
    options.smoothing = choice("smoothing", smoothing, SMOOTHINGS)
    options.alpha = positive("alpha", alpha)
    options.vary = choice("vary", vary, VARY)
    options.only = only_bits(only)
    options.seed = integer("seed", seed, 0, 2**64 - 1)
    options.candidates = choice("candidates", candidates, CANDIDATES)
    return options


def check_unknown(kwargs, where):
    if kwargs:
        raise InvalidArgument(f"{where}: unknown option(s) "
                              f"{', '.join(sorted(kwargs))}")
