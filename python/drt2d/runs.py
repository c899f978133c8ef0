"""The transmitter descent and the convergence study, returning plain
dicts of NumPy arrays; progress comes from the C library's callbacks."""

import math

import numpy as np

from . import _lib, _options
from ._progress import progress_bar as _progress_bar
from .context import resolve
from .errors import InvalidArgument, check
from .scene import Scene, _point_array

lib = _lib.lib


def optimize(scene, rx=None, tx=None, steps=100, lr=0.01, alpha_start=1.0,
             alpha_end=100.0, smoothing="hard-sigmoid", objective="min",
             temperature=1e-3, order=(0, 1), method="im", only=None, seed=0,
             precision=None, device=None, context=None, model=None,
             progress=None, callback=None):
    """Adam on one transmitter maximising the objective of the receivers'
    f_i, alpha raised geometrically (as `drt2d optimize`): P_i / P0 with
    model "paper" (default), P_i / 1 mW with "radio" (so 10 log10 F is in
    dBm; the moving transmitter is isotropic at 20 dBm, 3.5 GHz).

    rx: receivers (n, 2) replacing the scene's; tx: the start (default the
    scene's first transmitter). callback(step_dict) is called after each
    step and may return True to stop; progress: True (tqdm) or a callable
    progress(done_steps, total_steps). Returns {"steps": dict of arrays
    (step, alpha, tx (n, 2), f_exact, f_smoothed, grad (n, 2), grad_norm),
    "start", "tx", "f_start", "f_exact", "nan_gradients", "n_steps"}."""
    if not isinstance(scene, Scene):
        raise InvalidArgument("scene: expected a drt2d.Scene")
    code = _options.model(model)
    if rx is not None:
        scene = scene.copy(receivers=rx)
    trace = _options.trace_options(order=order, method=method, only=only,
                                   seed=seed, vary="tx")
    trace.model = code
    o = _lib.OptimizeOptions()
    lib.drt_optimize_options_init(o)
    o.steps = _options.integer("steps", steps, 1, 1_000_000)
    o.lr = _options.positive("lr", lr)
    o.alpha_start = _options.positive("alpha_start", alpha_start)
    o.alpha_end = _options.positive("alpha_end", alpha_end)
    o.smoothing = _options.choice("smoothing", smoothing, _options.SMOOTHINGS)
    o.objective = _options.choice("objective", objective, _options.OBJECTIVES)
    o.temperature = _options.positive("temperature", temperature)
    if tx is not None:
        o.start[0], o.start[1] = _point_array("tx", tx)[0]
    check(lib.drt_optimize_options_check(o))
    check(lib.drt_trace_options_check(trace, scene._handle))
    ctx = resolve(context, device, precision)
    report, close = _progress_bar(progress, o.steps + 1, "step")
    failure = []

    def on_step(_user, step_p):
        s = step_p.contents
        record = {"step": s.step, "alpha": s.alpha, "tx": tuple(s.tx),
                  "f_exact": s.f_exact, "f_smoothed": s.f_smoothed,
                  "grad": tuple(s.grad), "grad_norm": s.grad_norm}
        try:
            if report:
                report(s.step + 1, o.steps + 1)
            return 1 if callback and callback(record) else 0
        except BaseException as e:  # raised again once the C call returns
            failure.append(e)
            return 1

    o.on_step = _lib.OptimizeCallback(on_step)
    trajectory = (_lib.OptimizeStep * (o.steps + 1))()
    result = _lib.OptimizeResult()
    try:
        ctx.call(lib.drt_optimize_run, scene._handle, trace, o, trajectory,
                 result)
    finally:
        close()
    if failure:
        raise failure[0]
    return _descent_dict(trajectory, result)


def _descent_dict(trajectory, result):
    records = trajectory[: result.steps + 1]
    steps = {
        "step": np.array([r.step for r in records]),
        "alpha": np.array([r.alpha for r in records]),
        "tx": np.array([tuple(r.tx) for r in records]).reshape(-1, 2),
        "f_exact": np.array([r.f_exact for r in records]),
        "f_smoothed": np.array([r.f_smoothed for r in records]),
        "grad": np.array([tuple(r.grad) for r in records]).reshape(-1, 2),
        "grad_norm": np.array([r.grad_norm for r in records]),
    }
    return {"steps": steps, "n_steps": result.steps,
            "start": np.array(result.start), "tx": np.array(result.tx),
            "f_start": result.f_start, "f_exact": result.f_exact,
            "nan_gradients": result.nan_gradients}


def study(trials=100, receivers=(2, 3, 4), walls=2, order=0, steps=100,
          lr=0.01, alpha_start=1.0, alpha_end=100.0,
          smoothing="hard-sigmoid", seed=0, tolerance_db=1.0, grid=101,
          refine_starts=3, batch=0, precision=None, device=None,
          context=None, progress=None):
    """The random-scene convergence study (as `drt2d study`). Returns
    {"trials": dict of arrays, one entry per trial, "summary": a list of
    one dict per receiver count, with the keys of `drt2d study --json`}. progress: True (tqdm) or a callable
    progress(done_trials, total_trials)."""
    o = _lib.StudyOptions()
    lib.drt_study_options_init(o)
    o.trials = _options.integer("trials", trials, 1, 10**7)
    counts = list(receivers)
    if not 1 <= len(counts) <= _lib.STUDY_MAX_COUNTS:
        raise InvalidArgument(f"receivers: give 1 to {_lib.STUDY_MAX_COUNTS} "
                              "counts")
    for i, count in enumerate(counts):
        o.receivers[i] = _options.integer("receivers", count, 1, 16)
    o.n_counts = len(counts)
    o.walls = _options.integer("walls", walls, 0, 64)
    o.order = _options.integer("order", order, 0, 3)
    o.steps = _options.integer("steps", steps, 1, 1_000_000)
    o.lr = _options.positive("lr", lr)
    o.alpha_start = _options.positive("alpha_start", alpha_start)
    o.alpha_end = _options.positive("alpha_end", alpha_end)
    o.smoothing = _options.choice("smoothing", smoothing, _options.SMOOTHINGS)
    o.seed = _options.integer("seed", seed, 0, 2**64 - 1)
    if not (isinstance(tolerance_db, (int, float)) and
            math.isfinite(tolerance_db) and tolerance_db >= 0):
        raise InvalidArgument(f"tolerance_db: invalid value {tolerance_db!r}")
    o.tolerance_db = float(tolerance_db)
    o.grid = _options.integer("grid", grid, 2, 4096)
    o.refine_starts = _options.integer("refine_starts", refine_starts, 0, 64)
    o.batch = _options.integer("batch", batch, 0, 10**7)
    check(lib.drt_study_options_check(o))
    n = lib.drt_study_trial_count(o)
    report, close = _progress_bar(progress, n, "trial")
    if report:
        o.progress = _lib.StudyProgress(lambda _u, done, total:
                                        report(done, total))
    ctx = resolve(context, device, precision)
    records = (_lib.StudyTrial * n)()
    try:
        ctx.call(lib.drt_study_run, o, records)
    finally:
        close()
    rows = (_lib.StudySummary * o.n_counts)()
    check(lib.drt_study_summarize(o, records, rows))
    return {"trials": _trial_arrays(records), "summary": [_row(r) for r in rows]}


def _trial_arrays(records):
    def column(name):
        return np.array([getattr(r, name) for r in records])

    def pairs(name):
        return np.array([tuple(getattr(r, name)) for r in records]).reshape(-1, 2)

    out = {name: column(name) for name in
           ("receivers", "index", "f_start", "f_optimum", "f_exact",
            "f_smoothed")}
    out.update({name: pairs(name) for name in
                ("start", "optimum", "end_exact", "end_smoothed")})
    out["success_exact"] = column("success_exact").astype(bool)
    out["success_smoothed"] = column("success_smoothed").astype(bool)
    return out


def _row(r):
    def interval(i):
        return {"value": i.value, "lo": i.lo, "hi": i.hi}
    return {"receivers": r.receivers, "trials": r.trials,
            "solvable": r.solvable, "successes_exact": r.exact,
            "successes_smoothed": r.smoothed, "successes_both": r.both,
            "rate_exact": interval(r.rate_exact),
            "rate_smoothed": interval(r.rate_smoothed),
            "ratio": interval(r.ratio), "kept": interval(r.kept)}
