"""Scenes, and the maps and point evaluations computed on them."""

import ctypes
import os
import tempfile

import numpy as np

from . import _lib, _options
from .context import resolve
from ._progress import progress_bar
from .errors import InvalidArgument, check

lib = _lib.lib

WALL, RIS, VERTEX = 0, 1, 2


def _rows(option, value, width):
    """An (n, width) float64 array of finite numbers (None or empty: no
    rows), checked before any work."""
    array = np.asarray([] if value is None else value)
    if array.size == 0:
        return np.zeros((0, width))
    if array.dtype.kind not in "fiu":
        raise InvalidArgument(f"{option}: expected numbers, got dtype "
                              f"{array.dtype}")
    array = np.ascontiguousarray(array, dtype=np.float64)
    if array.shape == (width,):
        array = array[None, :]
    if array.ndim != 2 or array.shape[1] != width:
        raise InvalidArgument(f"{option}: expected shape (n, {width}), got "
                              f"{np.shape(value)}")
    if not np.all(np.isfinite(array)):
        raise InvalidArgument(f"{option}: values must be finite (NaN or "
                              "infinity found)")
    return array


def _point_array(option, value):
    """An (n, 2) float64 array of finite points."""
    return _rows(option, value, 2)


def _named_points(option, value):
    """Points as [(name or None, x, y)] from an (n, 2) array or a dict."""
    if value is None:
        return []
    if isinstance(value, dict):
        names = list(value)
        xy = _point_array(option, [value[k] for k in names])
        return [(str(n), float(p[0]), float(p[1])) for n, p in zip(names, xy)]
    return [(None, float(x), float(y)) for x, y in _point_array(option, value)]


class GridArray(np.ndarray):
    """A map's values with its grid: x (nx,) and y (ny,) coordinates (row 0
    at y[0], the south edge) and bbox (x0, y0, x1, y1)."""

    def __array_finalize__(self, obj):
        self.x = getattr(obj, "x", None)
        self.y = getattr(obj, "y", None)
        self.bbox = getattr(obj, "bbox", None)


def _grid_size(grid):
    if isinstance(grid, (int, np.integer)) and not isinstance(grid, bool):
        grid = (grid, grid)
    try:
        nx, ny = grid
    except (TypeError, ValueError):
        raise InvalidArgument(f"grid: invalid value {grid!r} (expected N or "
                              "(NX, NY))") from None
    return (_options.integer("grid", nx, 1, 65536),
            _options.integer("grid", ny, 1, 65536))


def _axis(lo, hi, n):
    return np.array([lo]) if n == 1 else lo + np.arange(n) * ((hi - lo) / (n - 1))


class Scene:
    """Walls, RIS, vertices, transmitters and receivers in the plane.

    Scene(walls=(n, 4) [ax, ay, bx, by], ris=(n, 5) [ax, ay, bx, by, phi
    in radians], vertices=(n, 2), transmitters=(m, 2) or {name: (x, y)},
    receivers=likewise); or Scene.builtin(name), Scene.load(path)."""

    def __init__(self, walls=None, ris=None, vertices=None,
                 transmitters=None, receivers=None):
        objects = []
        for row in _rows("walls", walls, 4):
            objects.append((WALL, *row, 0.0))
        for row in _rows("ris", ris, 5):
            objects.append((RIS, *row))
        for x, y in _rows("vertices", vertices, 2):
            objects.append((VERTEX, x, y, x, y, 0.0))
        self._handle = self._build(objects,
                                   _named_points("transmitters", transmitters),
                                   _named_points("receivers", receivers))

    # -- construction -----------------------------------------------------

    @staticmethod
    def _build(objects, transmitters, receivers):
        """A new scene handle: objects as (type, ax, ay, bx, by, phi[,
        material, eps_r, sigma, amplitude]),
        endpoints as [(name or None, x, y)] or an (n, 2) float64 array."""
        handle = ctypes.c_void_p()
        check(lib.drt_scene_create(ctypes.byref(handle)))
        try:
            for o in objects:
                check(lib.drt_scene_add_object(handle, _lib.Object(*o)))
            _add_points(handle, transmitters, lib.drt_scene_add_tx,
                        lib.drt_scene_add_tx_points)
            _add_points(handle, receivers, lib.drt_scene_add_rx,
                        lib.drt_scene_add_rx_points)
        except BaseException:
            lib.drt_scene_destroy(handle)
            raise
        return handle

    @classmethod
    def _wrap(cls, handle):
        scene = cls.__new__(cls)
        scene._handle = handle
        return scene

    @classmethod
    def builtin(cls, name):
        """"square", "square-wall", "square-obstacle", "basic" or
        "random:SEED:NWALLS"."""
        handle = ctypes.c_void_p()
        check(lib.drt_scene_builtin(_encode(name), ctypes.byref(handle)))
        return cls._wrap(handle)

    @classmethod
    def load(cls, path):
        """A drt2d JSON scene or a GeoJSON file."""
        handle = ctypes.c_void_p()
        check(lib.drt_scene_load(os.fsencode(path), ctypes.byref(handle)))
        return cls._wrap(handle)

    def __del__(self):
        handle = getattr(self, "_handle", None)
        if handle:
            lib.drt_scene_destroy(handle)
            self._handle = None

    def copy(self, transmitters=None, receivers=None):
        """The same objects (and materials); the transmitters and receivers
        given replace the scene's (None keeps them, with their antennas)."""
        tx = self._points(lib.drt_scene_tx_count, lib.drt_scene_tx) \
            if transmitters is None else _named_points("transmitters",
                                                       transmitters)
        rx = self._points(lib.drt_scene_rx_count, lib.drt_scene_rx) \
            if receivers is None else _named_points("receivers", receivers)
        copy = Scene._wrap(self._build(self._object_tuples(), tx, rx))
        if transmitters is None:
            for i in range(lib.drt_scene_tx_count(self._handle)):
                antenna = lib.drt_scene_tx(self._handle, i).contents.antenna
                check(lib.drt_scene_set_tx_antenna(copy._handle, i,
                                                   ctypes.byref(antenna)))
        return copy

    # -- contents ---------------------------------------------------------

    def _object_tuples(self):
        """Every object's fields in _lib.Object's order: type, ax, ay, bx,
        by, phi, then the radio model's material, eps_r, sigma and
        amplitude (so copies keep the materials)."""
        n = lib.drt_scene_object_count(self._handle)
        out = []
        for i in range(n):
            o = lib.drt_scene_object(self._handle, i).contents
            out.append(tuple(getattr(o, f) for f, _ in _lib.Object._fields_))
        return out

    def _points(self, count, get):
        out = []
        for i in range(count(self._handle)):
            p = get(self._handle, i).contents
            out.append((bytes(p.name).split(b"\0", 1)[0].decode(errors="replace"),
                        p.x, p.y))
        return out

    def _objects_of(self, kind, columns):
        rows = [o[1:6] for o in self._object_tuples() if o[0] == kind]
        return np.array(rows, dtype=np.float64).reshape(-1, 5)[:, columns]

    @property
    def walls(self):
        """(n, 4) wall endpoints ax, ay, bx, by."""
        return self._objects_of(WALL, slice(0, 4))

    @property
    def ris(self):
        """(n, 5) RIS endpoints and angle phi."""
        return self._objects_of(RIS, slice(0, 5))

    @property
    def vertices(self):
        """(n, 2) diffracting vertices."""
        return self._objects_of(VERTEX, slice(0, 2))

    @property
    def n_objects(self):
        return lib.drt_scene_object_count(self._handle)

    @property
    def transmitters(self):
        """(m, 2) transmitter positions (names in transmitter_names)."""
        pts = self._points(lib.drt_scene_tx_count, lib.drt_scene_tx)
        return np.array([p[1:] for p in pts], dtype=np.float64).reshape(-1, 2)

    @property
    def receivers(self):
        pts = self._points(lib.drt_scene_rx_count, lib.drt_scene_rx)
        return np.array([p[1:] for p in pts], dtype=np.float64).reshape(-1, 2)

    @property
    def transmitter_names(self):
        return [p[0] for p in self._points(lib.drt_scene_tx_count,
                                           lib.drt_scene_tx)]

    @property
    def receiver_names(self):
        return [p[0] for p in self._points(lib.drt_scene_rx_count,
                                           lib.drt_scene_rx)]

    def bbox(self):
        """(x0, y0, x1, y1) over every object point and endpoint."""
        box = (ctypes.c_double * 4)()
        check(lib.drt_scene_bbox(self._handle, box))
        return tuple(box)

    def candidate_count(self, order):
        """Path candidates of one order: 1 for 0, n (n - 1)^(k - 1)."""
        n = self.n_objects
        order = _options.integer("order", order, 0, _options.MAX_ORDER)
        return 1 if order == 0 else n * (n - 1) ** (order - 1)

    def to_json(self):
        """The scene in drt2d's JSON scene format, as text."""
        fd, path = tempfile.mkstemp(suffix=".json")
        os.close(fd)
        try:
            check(lib.drt_scene_save_json(self._handle, os.fsencode(path)))
            with open(path, encoding="utf-8") as f:
                return f.read()
        finally:
            os.unlink(path)

    def save(self, path):
        check(lib.drt_scene_save_json(self._handle, os.fsencode(path)))

    def param_names(self, vary="rx", model=None):
        """Names of the scene parameters of eval(..., wrt="scene"), in the
        order of its columns after the first three (the radio model has
        each transmitter's d_<name>_azimuth in place of d_R)."""
        options = _options.trace_options(vary=vary)
        options.model = _options.model(model)
        n = lib.drt_scene_param_count(self._handle, options)
        buf = ctypes.create_string_buffer(64)
        names = []
        for i in range(n):
            check(lib.drt_scene_param_name(self._handle, options, i, buf, 64))
            names.append(buf.value.decode())
        return names

    def __repr__(self):
        return (f"drt2d.Scene({self.n_objects} objects, "
                f"{len(self.transmitter_names)} tx, "
                f"{len(self.receiver_names)} rx)")

    # -- computing --------------------------------------------------------

    def _prepare(self, trace, device, precision, context, model):
        code = _options.model(model)
        options = _options.trace_options(**trace)
        options.model = code
        check(lib.drt_trace_options_check(options, self._handle))
        return options, resolve(context, device, precision)

    def map(self, grid=300, order=(0, 1), vary="rx", method="im",
            smoothing="none", alpha=100.0, precision=None, device=None,
            model=None, grad=False, bbox=None, only=None, seed=0,
            context=None, progress=None, candidates="visible"):
        """Received power over a grid of the moving endpoint (vary "rx": a
        coverage map of the scene's transmitters; "tx": a transmitter map
        of its receivers). Returns a GridArray of shape (ny, nx), row 0 at
        the south edge, or (ny, nx, 3) = (P, dP/dx, dP/dy) with grad=True.

        grid: N or (NX, NY) points per axis, both ends included; bbox:
        (x0, y0, x1, y1), default the scene's bounding box. precision
        "float" (default) or "double", device "auto" (default), or a
        reusable Context. model: "paper" (default) or "radio" (watts at
        3.5 GHz, 20 dBm, coherent, vertical, concrete: docs/method.md 14).
        progress: True (a tqdm bar) or a callable progress(done_cells,
        total_cells), whose True return cancels (drt2d.Cancelled).
        candidates: "visible" (default: only those that can contribute,
        the same values) or "all" (docs/method.md 13)."""
        nx, ny = _grid_size(grid)
        options, ctx = self._prepare(
            dict(order=order, method=method, smoothing=smoothing, alpha=alpha,
                 vary=vary, only=only, seed=seed, candidates=candidates),
            device, precision, context, model)
        box = self._grid_box(bbox)
        c_grid = _lib.Grid(nx, ny, (ctypes.c_double * 4)(*box))
        shape = (ny, nx, 3) if grad else (ny, nx)
        out = np.empty(shape, dtype=np.float64)
        function = lib.drt_map_compute_grad if grad else lib.drt_map_compute
        report, close = progress_bar(progress, nx * ny, "cell")
        try:
            ctx.call(function, self._handle, options, c_grid,
                     _lib.as_double_p(out), progress=report)
        finally:
            close()
        result = out.view(GridArray)
        result.x = _axis(box[0], box[2], nx)
        result.y = _axis(box[1], box[3], ny)
        result.bbox = box
        return result

    def _grid_box(self, bbox):
        if bbox is None:
            box = self.bbox()
            if box[2] <= box[0] or box[3] <= box[1]:
                raise InvalidArgument("bbox: the scene's bounding box is "
                                      "flat; give bbox=(x0, y0, x1, y1)")
            return box
        try:
            box = tuple(float(v) for v in bbox)
        except (TypeError, ValueError):
            raise InvalidArgument(f"bbox: invalid value {bbox!r}") from None
        if len(box) != 4 or not all(np.isfinite(box)) or box[2] < box[0] \
                or box[3] < box[1]:
            raise InvalidArgument(f"bbox: invalid value {bbox!r} (expected "
                                  "finite x0 <= x1, y0 <= y1)")
        return box

    def _at_points(self, ctx, function, options, xy, out, progress):
        """function (one of drt_eval_points*) at the points xy into out,
        with a progress bar of points; returns out."""
        n = xy.shape[0]
        if n:
            report, close = progress_bar(progress, n, "point")
            try:
                ctx.call(function, self._handle, options, _lib.as_double_p(xy),
                         n, _lib.as_double_p(out), progress=report)
            finally:
                close()
        return out

    def eval(self, points, order=(0, 1), vary="rx", method="im",
             smoothing="none", alpha=100.0, precision=None, device=None,
             model=None, grad=False, wrt="endpoint", only=None, seed=0,
             context=None, progress=None, candidates="visible"):
        """Received power at points (n, 2) of the moving endpoint, summed
        over the fixed ones: shape (n,); with grad=True (n, 3) = (P, dP/dx,
        dP/dy); with wrt="scene" (n, 3 + len(param_names(vary))), the
        derivatives by every scene parameter after the first three.
        progress: as for map, counting points."""
        xy = _point_array("points", points)
        if wrt not in ("endpoint", "scene"):
            raise InvalidArgument(f"wrt: invalid value {wrt!r} (expected "
                                  "'endpoint' or 'scene')")
        options, ctx = self._prepare(
            dict(order=order, method=method, smoothing=smoothing, alpha=alpha,
                 vary=vary, only=only, seed=seed, candidates=candidates),
            device, precision, context, model)
        n = xy.shape[0]
        if wrt == "scene":
            width = 3 + lib.drt_scene_param_count(self._handle, options)
            function, out = lib.drt_eval_points_scene_grad, np.empty((n, width))
        elif grad:
            function, out = lib.drt_eval_points_grad, np.empty((n, 3))
        else:
            function, out = lib.drt_eval_points, np.empty(n)
        return self._at_points(ctx, function, options, xy, out, progress)

    def eval_per_tx(self, points, order=(0, 1), method="im", smoothing="none",
                    alpha=100.0, precision=None, device=None, model=None,
                    only=None, seed=0, context=None, progress=None,
                    candidates="visible", delays=False):
        """Each transmitter's received power apart at receiver points (n,
        2): shape (n, t), t the scene's transmitters (coherent within a
        transmitter); with delays=True (radio model) its delay moments
        sum V |a|^2 tau^m, m = 0, 1, 2, shape (n, t, 3), for
        drt2d.delay_spread (docs/method.md 15)."""
        xy = _point_array("points", points)
        options, ctx = self._prepare(
            dict(order=order, method=method, smoothing=smoothing, alpha=alpha,
                 only=only, seed=seed, candidates=candidates),
            device, precision, context, model)
        n, t = xy.shape[0], lib.drt_scene_tx_count(self._handle)
        function = lib.drt_eval_points_delay_moments if delays \
            else lib.drt_eval_points_per_tx
        out = np.empty((n, t, 3) if delays else (n, t))
        return self._at_points(ctx, function, options, xy, out, progress)

    def paths(self, rx, order=(0, 1), method="im", smoothing="none",
              alpha=100.0, precision=None, device=None, model=None,
              only=None, seed=0, context=None):
        """Every path with validity V > 0 from each transmitter to the
        receiver point rx = (x, y), as a list of dicts by transmitter,
        order and candidate: transmitter (index), order, objects (their
        indices), points ((order + 2, 2): transmitter, interaction points,
        receiver), length, validity, amplitude (complex: sqrt(W) with its
        phase in the radio model, sqrt(R^k / (h^2 + L^2)) in the paper's),
        power (V |a|^2), delay (s; radio model, else 0), aod_deg, aoa_deg
        (degrees from +x; the arrival's pointing from the receiver back)
        and iterations. The coherent power is, per transmitter,
        |sum V a|^2; otherwise the powers add (docs/method.md 14)."""
        xy = _point_array("rx", [rx])
        options, ctx = self._prepare(
            dict(order=order, method=method, smoothing=smoothing, alpha=alpha,
                 vary="rx", only=only, seed=seed),
            device, precision, context, model)
        found = ctypes.POINTER(_lib.Path)()
        count = ctypes.c_size_t()
        ctx.call(lib.drt_trace_paths, self._handle, options, xy[0, 0],
                 xy[0, 1], ctypes.byref(found), ctypes.byref(count))
        try:
            return [_path_dict(found[i]) for i in range(count.value)]
        finally:
            lib.drt_paths_free(found)


def _path_dict(p):
    k = p.order
    return {"transmitter": p.transmitter, "order": k,
            "objects": tuple(p.objects[:k]),
            "points": np.array(p.points[:2 * (k + 2)]).reshape(k + 2, 2),
            "length": p.length, "validity": p.validity,
            "amplitude": complex(p.amplitude_re, p.amplitude_im),
            "power": p.power, "delay": p.delay, "aod_deg": p.departure_deg,
            "aoa_deg": p.arrival_deg, "iterations": p.iterations}


def _add_points(handle, points, add_one, add_many):
    """Named points one by one; an (n, 2) array in one call."""
    if isinstance(points, np.ndarray):
        xy = np.ascontiguousarray(points, dtype=np.float64)
        check(add_many(handle, _lib.as_double_p(xy), len(xy)))
        return
    for name, x, y in points:
        check(add_one(handle, _encode(name), x, y))


def _encode(name):
    return None if name is None else str(name).encode()
