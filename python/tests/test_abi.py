"""The ctypes structures against the library's own initialisers: a field
out of place reads another field's default, or garbage."""

import ctypes
import math

from drt2d import _lib

lib = _lib.lib


def test_trace_options_defaults():
    o = _lib.TraceOptions()
    lib.drt_trace_options_init(o)
    assert (o.order_min, o.order_max, o.method, o.smoothing) == (0, 1, 0, 0)
    assert (o.alpha, o.vary, o.only, o.seed) == (100.0, 0, 7, 0)
    assert o.first_key == 0


def test_context_options_defaults():
    o = _lib.ContextOptions(7, 7, 7)
    lib.drt_context_options_init(o)
    assert (o.device, o.precision) == (0, 0)


def test_optimize_options_defaults():
    o = _lib.OptimizeOptions()
    lib.drt_optimize_options_init(o)
    assert (o.steps, o.lr, o.alpha_start, o.alpha_end) == (100, 0.01, 1, 100)
    assert (o.smoothing, o.objective, o.temperature) == (2, 0, 1e-3)
    assert math.isnan(o.start[0]) and math.isnan(o.start[1])
    assert not o.on_step and not o.user


def test_study_options_defaults():
    o = _lib.StudyOptions()
    lib.drt_study_options_init(o)
    assert o.trials == 100 and list(o.receivers)[:3] == [2, 3, 4]
    assert (o.n_counts, o.walls, o.order, o.steps) == (3, 2, 0, 100)
    assert (o.lr, o.alpha_start, o.alpha_end, o.smoothing) == (0.01, 1, 100, 2)
    assert (o.seed, o.tolerance_db, o.grid, o.refine_starts, o.batch) == \
        (0, 1.0, 101, 3, 0)
    assert not o.progress and not o.progress_user


def test_scene_structures_read_back():
    scene = ctypes.c_void_p()
    assert lib.drt_scene_create(ctypes.byref(scene)) == 0
    try:
        wall = _lib.Object(1, 0.125, 0.25, 0.5, 0.75, 0.375)
        assert lib.drt_scene_add_object(scene, wall) == 0
        assert lib.drt_scene_add_rx(scene, b"far", -3.5, 7.25) == 0
        o = lib.drt_scene_object(scene, 0).contents
        assert (o.type, o.ax, o.ay, o.bx, o.by, o.phi) == \
            (1, 0.125, 0.25, 0.5, 0.75, 0.375)
        p = lib.drt_scene_rx(scene, 0).contents
        assert (p.name, p.x, p.y) == (b"far", -3.5, 7.25)
        box = (ctypes.c_double * 4)()
        assert lib.drt_scene_bbox(scene, box) == 0
        assert tuple(box) == (-3.5, 0.25, 0.5, 7.25)
    finally:
        lib.drt_scene_destroy(scene)


def test_every_status_has_its_error_class():
    from drt2d import errors
    code = -1
    while lib.drt_status_name(code) != b"DRT_UNKNOWN":
        cls = errors._BY_STATUS.get(code)
        assert cls is not None, lib.drt_status_name(code)
        assert cls(b"x", code).name == lib.drt_status_name(code).decode()
        code -= 1
    assert code == -1 - len(errors._BY_STATUS)
