"""ctypes declarations of libdrt2d.so's public API (include/drt2d.h).

The structures mirror the header field by field; tests/test_abi.py checks
them against the library's own initialisers. ctypes releases the GIL
around every foreign call, so computations run while other Python threads
go on.
"""

import ctypes
import ctypes.util
import os

c_double_p = ctypes.POINTER(ctypes.c_double)


class Object(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("ax", ctypes.c_double),
                ("ay", ctypes.c_double), ("bx", ctypes.c_double),
                ("by", ctypes.c_double), ("phi", ctypes.c_double),
                ("material", ctypes.c_int), ("eps_r", ctypes.c_double),
                ("sigma", ctypes.c_double), ("amplitude", ctypes.c_double)]


class NetworkOptions(ctypes.Structure):
    _fields_ = [("bandwidth", ctypes.c_double),
                ("noise_figure_db", ctypes.c_double),
                ("threshold_db", ctypes.c_double)]


class Antenna(ctypes.Structure):
    _fields_ = [("pattern", ctypes.c_int), ("azimuth", ctypes.c_double),
                ("has_power", ctypes.c_int), ("power_dbm", ctypes.c_double)]


class Point(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char * 32), ("x", ctypes.c_double),
                ("y", ctypes.c_double), ("antenna", Antenna)]


class TraceOptions(ctypes.Structure):
    _fields_ = [("order_min", ctypes.c_int), ("order_max", ctypes.c_int),
                ("method", ctypes.c_int), ("smoothing", ctypes.c_int),
                ("alpha", ctypes.c_double), ("vary", ctypes.c_int),
                ("only", ctypes.c_uint), ("seed", ctypes.c_uint64),
                ("first_key", ctypes.c_uint64), ("candidates", ctypes.c_int),
                ("model", ctypes.c_int), ("frequency", ctypes.c_double),
                ("tx_power_dbm", ctypes.c_double), ("sum", ctypes.c_int),
                ("polarization", ctypes.c_int),
                ("default_material", ctypes.c_int),
                ("quantity", ctypes.c_int)]


class Path(ctypes.Structure):
    _fields_ = [("transmitter", ctypes.c_int), ("order", ctypes.c_int),
                ("objects", ctypes.c_int * 8),
                ("points", ctypes.c_double * 20),
                ("length", ctypes.c_double), ("validity", ctypes.c_double),
                ("amplitude_re", ctypes.c_double),
                ("amplitude_im", ctypes.c_double),
                ("power", ctypes.c_double), ("delay", ctypes.c_double),
                ("departure_deg", ctypes.c_double),
                ("arrival_deg", ctypes.c_double),
                ("iterations", ctypes.c_double)]


class ContextOptions(ctypes.Structure):
    _fields_ = [("device", ctypes.c_int), ("index", ctypes.c_int),
                ("precision", ctypes.c_int)]


class Grid(ctypes.Structure):
    _fields_ = [("nx", ctypes.c_int), ("ny", ctypes.c_int),
                ("bbox", ctypes.c_double * 4)]


class EvalStats(ctypes.Structure):
    _fields_ = [("paths", ctypes.c_double),
                ("solver_iterations", ctypes.c_double)]


class OptimizeStep(ctypes.Structure):
    _fields_ = [("step", ctypes.c_int), ("alpha", ctypes.c_double),
                ("tx", ctypes.c_double * 2), ("f_exact", ctypes.c_double),
                ("f_smoothed", ctypes.c_double), ("grad", ctypes.c_double * 2),
                ("grad_norm", ctypes.c_double)]


OptimizeCallback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p,
                                    ctypes.POINTER(OptimizeStep))


class OptimizeOptions(ctypes.Structure):
    _fields_ = [("steps", ctypes.c_int), ("lr", ctypes.c_double),
                ("alpha_start", ctypes.c_double),
                ("alpha_end", ctypes.c_double), ("smoothing", ctypes.c_int),
                ("objective", ctypes.c_int), ("temperature", ctypes.c_double),
                ("start", ctypes.c_double * 2), ("on_step", OptimizeCallback),
                ("user", ctypes.c_void_p)]


class OptimizeResult(ctypes.Structure):
    _fields_ = [("steps", ctypes.c_int), ("start", ctypes.c_double * 2),
                ("tx", ctypes.c_double * 2), ("f_start", ctypes.c_double),
                ("f_exact", ctypes.c_double), ("nan_gradients", ctypes.c_int)]


Progress = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_double,
                            ctypes.c_double)

STUDY_MAX_COUNTS = 8
StudyProgress = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_double,
                                 ctypes.c_double)


class StudyOptions(ctypes.Structure):
    _fields_ = [("trials", ctypes.c_int),
                ("receivers", ctypes.c_int * STUDY_MAX_COUNTS),
                ("n_counts", ctypes.c_int), ("walls", ctypes.c_int),
                ("order", ctypes.c_int), ("steps", ctypes.c_int),
                ("lr", ctypes.c_double), ("alpha_start", ctypes.c_double),
                ("alpha_end", ctypes.c_double), ("smoothing", ctypes.c_int),
                ("seed", ctypes.c_uint64), ("tolerance_db", ctypes.c_double),
                ("grid", ctypes.c_int), ("refine_starts", ctypes.c_int),
                ("batch", ctypes.c_int), ("progress", StudyProgress),
                ("progress_user", ctypes.c_void_p)]


class StudyTrial(ctypes.Structure):
    _fields_ = [("receivers", ctypes.c_int), ("index", ctypes.c_int),
                ("start", ctypes.c_double * 2), ("f_start", ctypes.c_double),
                ("optimum", ctypes.c_double * 2),
                ("f_optimum", ctypes.c_double),
                ("end_exact", ctypes.c_double * 2),
                ("end_smoothed", ctypes.c_double * 2),
                ("f_exact", ctypes.c_double), ("f_smoothed", ctypes.c_double),
                ("success_exact", ctypes.c_int),
                ("success_smoothed", ctypes.c_int)]


class StudyInterval(ctypes.Structure):
    _fields_ = [("value", ctypes.c_double), ("lo", ctypes.c_double),
                ("hi", ctypes.c_double)]


class StudySummary(ctypes.Structure):
    _fields_ = [("receivers", ctypes.c_int), ("trials", ctypes.c_int),
                ("solvable", ctypes.c_int), ("exact", ctypes.c_int),
                ("smoothed", ctypes.c_int), ("both", ctypes.c_int),
                ("rate_exact", StudyInterval), ("rate_smoothed", StudyInterval),
                ("ratio", StudyInterval), ("kept", StudyInterval)]


_P = ctypes.POINTER
_vp = ctypes.c_void_p
_int = ctypes.c_int
_size = ctypes.c_size_t
_str = ctypes.c_char_p

# name: (restype, argtypes); every drt_status is returned as an int.
_PROTOTYPES = {
    "drt_version": (_str, []),
    "drt_version_number": (_int, []),
    "drt_strerror": (_str, [_int]),
    "drt_status_name": (_str, [_int]),
    "drt_last_error": (_str, []),
    "drt_scene_create": (_int, [_P(_vp)]),
    "drt_scene_destroy": (None, [_vp]),
    "drt_scene_builtin": (_int, [_str, _P(_vp)]),
    "drt_scene_load": (_int, [_str, _P(_vp)]),
    "drt_scene_save_json": (_int, [_vp, _str]),
    "drt_scene_add_object": (_int, [_vp, _P(Object)]),
    "drt_scene_add_tx": (_int, [_vp, _str, ctypes.c_double, ctypes.c_double]),
    "drt_scene_add_rx": (_int, [_vp, _str, ctypes.c_double, ctypes.c_double]),
    "drt_scene_add_tx_points": (_int, [_vp, c_double_p, _size]),
    "drt_scene_set_tx_antenna": (_int, [_vp, _size, _P(Antenna)]),
    "drt_scene_add_rx_points": (_int, [_vp, c_double_p, _size]),
    "drt_scene_clear_tx": (None, [_vp]),
    "drt_scene_clear_rx": (None, [_vp]),
    "drt_scene_object_count": (_size, [_vp]),
    "drt_scene_object": (_P(Object), [_vp, _size]),
    "drt_scene_tx_count": (_size, [_vp]),
    "drt_scene_tx": (_P(Point), [_vp, _size]),
    "drt_scene_rx_count": (_size, [_vp]),
    "drt_scene_rx": (_P(Point), [_vp, _size]),
    "drt_scene_bbox": (_int, [_vp, c_double_p]),
    "drt_candidate_count": (_size, [_size, _int]),
    "drt_trace_options_init": (None, [_P(TraceOptions)]),
    "drt_trace_options_check": (_int, [_P(TraceOptions), _vp]),
    "drt_context_options_init": (None, [_P(ContextOptions)]),
    "drt_context_create": (_int, [_P(ContextOptions), _P(_vp)]),
    "drt_context_destroy": (None, [_vp]),
    "drt_context_device_name": (_str, [_vp]),
    "drt_context_precision": (_int, [_vp]),
    "drt_context_last_stats": (None, [_vp, _P(EvalStats)]),
    "drt_context_set_progress": (None, [_vp, Progress, _vp]),
    "drt_eval_points": (_int, [_vp, _vp, _P(TraceOptions), c_double_p, _size,
                               c_double_p]),
    "drt_eval_points_grad": (_int, [_vp, _vp, _P(TraceOptions), c_double_p,
                                    _size, c_double_p]),
    "drt_eval_points_scene_grad": (_int, [_vp, _vp, _P(TraceOptions),
                                          c_double_p, _size, c_double_p]),
    "drt_eval_pairs_grad": (_int, [_vp, _vp, _P(TraceOptions), c_double_p,
                                   _size, c_double_p]),
    "drt_eval_points_per_tx": (_int, [_vp, _vp, _P(TraceOptions), c_double_p,
                                      _size, c_double_p]),
    "drt_eval_points_delay_moments": (_int, [_vp, _vp, _P(TraceOptions),
                                             c_double_p, _size, c_double_p]),
    "drt_network_options_init": (None, [_P(NetworkOptions)]),
    "drt_network_options_check": (_int, [_P(NetworkOptions)]),
    "drt_noise_power": (ctypes.c_double, [_P(NetworkOptions)]),
    "drt_network_metrics": (None, [c_double_p, _size, _size, ctypes.c_double,
                                   _P(ctypes.c_int), c_double_p]),
    "drt_delay_spread": (ctypes.c_double, [c_double_p]),
    "drt_map_compute": (_int, [_vp, _vp, _P(TraceOptions), _P(Grid),
                               c_double_p]),
    "drt_map_compute_grad": (_int, [_vp, _vp, _P(TraceOptions), _P(Grid),
                                    c_double_p]),
    "drt_map_objective": (_int, [_vp, _vp, _P(TraceOptions), _int,
                                 ctypes.c_double, _P(Grid), c_double_p]),
    "drt_trace_paths": (_int, [_vp, _vp, _P(TraceOptions), ctypes.c_double,
                               ctypes.c_double, _P(_P(Path)), _P(_size)]),
    "drt_paths_free": (None, [_P(Path)]),
    "drt_scene_param_count": (_size, [_vp, _P(TraceOptions)]),
    "drt_scene_param_name": (_int, [_vp, _P(TraceOptions), _size, _str,
                                    _size]),
    "drt_optimize_options_init": (None, [_P(OptimizeOptions)]),
    "drt_optimize_options_check": (_int, [_P(OptimizeOptions)]),
    "drt_optimize_run": (_int, [_vp, _vp, _P(TraceOptions),
                                _P(OptimizeOptions), _P(OptimizeStep),
                                _P(OptimizeResult)]),
    "drt_study_options_init": (None, [_P(StudyOptions)]),
    "drt_study_options_check": (_int, [_P(StudyOptions)]),
    "drt_study_trial_count": (_size, [_P(StudyOptions)]),
    "drt_study_run": (_int, [_vp, _P(StudyOptions), _P(StudyTrial)]),
    "drt_study_summarize": (_int, [_P(StudyOptions), _P(StudyTrial),
                                   _P(StudySummary)]),
}


def _library_path():
    """DRT2D_LIBRARY if set, else the copy installed with the package,
    else the system's (e.g. after cmake --install)."""
    explicit = os.environ.get("DRT2D_LIBRARY")
    if explicit:
        return explicit
    bundled = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           "libdrt2d.so")
    if os.path.exists(bundled):
        return bundled
    found = ctypes.util.find_library("drt2d")
    if found:
        return found
    raise ImportError(
        "drt2d: libdrt2d.so not found: install the package with pip (which "
        "builds it), install the C library (cmake --install), or set "
        "DRT2D_LIBRARY to its path")


def _load():
    lib = ctypes.CDLL(_library_path())
    for name, (restype, argtypes) in _PROTOTYPES.items():
        function = getattr(lib, name)
        function.restype = restype
        function.argtypes = argtypes
    return lib


lib = _load()


def as_double_p(array):
    """A C double pointer into a C-contiguous float64 NumPy array."""
    return array.ctypes.data_as(c_double_p)
