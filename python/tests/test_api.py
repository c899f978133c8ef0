"""Scenes, contexts and errors of the Python API."""

import json
import threading
import time

import numpy as np
import pytest

import drt2d


def test_builtin_scene_contents():
    s = drt2d.Scene.builtin("square-obstacle")
    assert s.walls.shape == (8, 4) and s.n_objects == 8
    assert s.transmitter_names == ["tx0"]
    np.testing.assert_array_equal(s.transmitters, [[0.2, 0.2]])
    assert s.bbox() == (0.0, 0.0, 1.0, 1.0)
    # n (n - 1)^(k - 1) candidates, as the C library counts them
    for k in range(4):
        assert s.candidate_count(k) == drt2d._libdrt2d.drt_candidate_count(8, k)


def test_scene_from_arrays_and_json_round_trip(tmp_path):
    s = drt2d.Scene(walls=[[0, 0, 1, 0], [1, 0, 1, 1]],
                    ris=[[0, 1, 0.5, 1, 0.25]], vertices=[[0.5, 0.5]],
                    transmitters={"base": (0.2, 0.3)}, receivers=[[0.7, 0.6]])
    assert s.n_objects == 4
    np.testing.assert_array_equal(s.ris, [[0, 1, 0.5, 1, 0.25]])
    np.testing.assert_array_equal(s.vertices, [[0.5, 0.5]])
    assert s.transmitter_names == ["base"] and s.receiver_names == ["rx0"]
    path = tmp_path / "scene.json"
    path.write_text(s.to_json())
    json.loads(path.read_text())
    back = drt2d.Scene.load(path)
    np.testing.assert_array_equal(back.walls, s.walls)
    np.testing.assert_array_equal(back.ris, s.ris)
    np.testing.assert_array_equal(back.receivers, s.receivers)
    assert back.transmitter_names == ["base"]


def test_copy_replaces_endpoints():
    s = drt2d.Scene.builtin("square")
    c = s.copy(transmitters=[[0.5, 0.5], [0.1, 0.1]])
    assert len(c.transmitter_names) == 2 and c.n_objects == s.n_objects
    p = s.eval([[0.3, 0.4]], precision="double")
    # the power of two transmitters is the sum of each one's
    a = s.copy(transmitters=[[0.5, 0.5]]).eval([[0.3, 0.4]], precision="double")
    b = s.copy(transmitters=[[0.1, 0.1]]).eval([[0.3, 0.4]], precision="double")
    np.testing.assert_allclose(c.eval([[0.3, 0.4]], precision="double"),
                               a + b, rtol=1e-12)
    assert p.shape == (1,)


def test_map_grid_and_coordinates():
    s = drt2d.Scene.builtin("square-wall")
    m = s.map(grid=(7, 5), order=0, precision="double")
    assert m.shape == (5, 7) and isinstance(m, drt2d.GridArray)
    np.testing.assert_allclose(m.x, np.linspace(0, 1, 7))
    np.testing.assert_allclose(m.y, np.linspace(0, 1, 5))
    pts = np.stack(np.meshgrid(m.x, m.y), axis=-1).reshape(-1, 2)
    np.testing.assert_allclose(np.asarray(m).reshape(-1),
                               s.eval(pts, order=0, precision="double"),
                               rtol=1e-12)
    g = s.map(grid=6, grad=True, bbox=(0.1, 0.2, 0.9, 0.8), precision="double")
    assert g.shape == (6, 6, 3) and g.bbox == (0.1, 0.2, 0.9, 0.8)


def test_contexts_are_reused():
    ctx = drt2d.Context("ref")
    assert "ref" in ctx.device_name
    s = drt2d.Scene.builtin("basic")
    a = s.eval([[0.2, 0.3]], context=ctx)
    assert ctx.last_stats()["paths"] > 0
    from drt2d.context import resolve
    assert resolve(None, "ref", None) is resolve(None, "ref", None)
    np.testing.assert_allclose(a, s.eval([[0.2, 0.3]], device="ref"))
    with pytest.raises(drt2d.InvalidArgument, match="either context"):
        s.eval([[0.2, 0.3]], context=ctx, precision="double")


@pytest.mark.parametrize("call, match", [
    (lambda s: s.eval([[0.1, np.nan]]), "finite"),
    (lambda s: s.eval([[0.1, 0.2, 0.3]]), r"shape \(n, 2\)"),
    (lambda s: s.eval(np.array([["a", "b"]])), "dtype"),
    (lambda s: s.eval([[0.1, 0.2]], method="ray"), "method"),
    (lambda s: s.eval([[0.1, 0.2]], smoothing="soft"), "smoothing"),
    (lambda s: s.eval([[0.1, 0.2]], order=(2, 1)), "KMIN > KMAX"),
    (lambda s: s.eval([[0.1, 0.2]], order=9), "order"),
    (lambda s: s.eval([[0.1, 0.2]], alpha=-1.0), "alpha"),
    (lambda s: s.eval([[0.1, 0.2]], wrt="walls"), "wrt"),
    (lambda s: s.eval([[0.1, 0.2]], model="radios"), "model"),
    (lambda s: s.map(grid=0), "grid"),
    (lambda s: s.map(grid=4, bbox=(1, 0, 0, 1)), "bbox"),
    (lambda s: s.eval([[0.1, 0.2]], device="tpu"), "device"),
])
def test_bad_arguments_raise_before_work(call, match):
    s = drt2d.Scene.builtin("square")
    with pytest.raises(drt2d.InvalidArgument, match=match) as info:
        call(s)
    assert info.value.status == -1 and info.value.name == "DRT_EINVAL"


def test_unknown_option_is_a_type_error():
    with pytest.raises(TypeError, match="colour"):
        drt2d.Scene.builtin("square").map(grid=4, colour="red")


def test_library_errors_carry_status_and_message(tmp_path):
    with pytest.raises(drt2d.FileError) as info:
        drt2d.Scene.load(tmp_path / "none.json")
    assert info.value.status == -3 and "none.json" in str(info.value)
    bad = tmp_path / "bad.json"
    bad.write_text('{"objects": [')
    with pytest.raises(drt2d.ParseError, match="bad.json"):
        drt2d.Scene.load(bad)
    schema = tmp_path / "schema.json"
    schema.write_text('{"objects": [{"type": "door"}]}')
    with pytest.raises(drt2d.SchemaError, match="schema.json"):
        drt2d.Scene.load(schema)
    with pytest.raises(drt2d.InvalidArgument, match="random"):
        drt2d.Scene.builtin("random:1")
    ris = drt2d.Scene(ris=[[0, 0, 1, 0, 0.3]], transmitters=[[0.5, 0.5]])
    with pytest.raises(drt2d.Error) as info:  # the image method has no RIS
        ris.eval([[0.2, 0.2]], method="im")
    assert info.value.status < 0 and str(info.value)


def test_computation_releases_the_gil():
    """Python code runs while a map is computed in another thread."""
    s = drt2d.Scene.builtin("square-obstacle")
    ctx = drt2d.Context("ref")
    s.map(grid=8, context=ctx)
    done, ticks = threading.Event(), [0]

    def work():
        s.map(grid=160, order=(0, 2), context=ctx)
        done.set()
    thread = threading.Thread(target=work)
    start = time.perf_counter()
    thread.start()
    while not done.is_set():
        ticks[0] += 1
        time.sleep(0.001)
    thread.join()
    elapsed = time.perf_counter() - start
    assert elapsed > 0.05, "the map was too quick to tell"
    assert ticks[0] > 0.3 * elapsed / 0.001  # the main thread kept running


def test_optimize_and_study_return_arrays():
    s = drt2d.Scene.builtin("square-obstacle")
    seen = []
    run = drt2d.optimize(s, rx=[[0.3, 0.1], [0.5, 0.1]], tx=(0.5, 0.7),
                         steps=5, order=0, device="ref",
                         progress=lambda done, total: seen.append((done, total)))
    assert run["steps"]["tx"].shape == (6, 2) and run["n_steps"] == 5
    assert seen[-1] == (6, 6)
    np.testing.assert_array_equal(run["steps"]["tx"][0], [0.5, 0.7])
    stopped = drt2d.optimize(s, rx=[[0.3, 0.1]], steps=50, order=0,
                             device="ref", callback=lambda r: r["step"] == 3)
    assert stopped["n_steps"] == 3
    with pytest.raises(ZeroDivisionError):
        drt2d.optimize(s, rx=[[0.3, 0.1]], steps=5, order=0, device="ref",
                       callback=lambda r: 1 / 0)
    out = drt2d.study(trials=3, receivers=(2,), steps=5, grid=11,
                      device="ref")
    assert out["trials"]["start"].shape == (3, 2)
    assert out["summary"][0]["receivers"] == 2 and out["summary"][0]["trials"] == 3
    bar = drt2d.study(trials=2, receivers=(2,), steps=3, grid=11,
                      device="ref", progress=True)  # a tqdm bar
    assert bar["trials"]["start"].shape == (2, 2)
    with pytest.raises(drt2d.InvalidArgument, match="steps"):
        drt2d.optimize(s, steps=0)


def test_visible_candidates_give_the_same_map():
    # 457 candidates a cell at orders 0:3: large enough to be culled.
    s = drt2d.Scene.builtin("square-obstacle")
    for smoothing in ("none", "hard-sigmoid"):
        a = s.map(grid=64, order=(0, 3), smoothing=smoothing, grad=True,
                  candidates="all")
        v = s.map(grid=64, order=(0, 3), smoothing=smoothing, grad=True)
        assert np.array_equal(a, v) and np.count_nonzero(a) > 1000
    with pytest.raises(drt2d.InvalidArgument, match="candidates"):
        s.map(grid=4, candidates="some")


def test_map_progress_reports_and_cancels():
    # 1,641 candidates a cell at orders 0:2: the map reports several times.
    # The whole enumeration: culled, one tile would hold the map.
    s = drt2d.Scene.builtin("random:3:40")
    plain = s.map(grid=200, order=(0, 2), bbox=(0, 0, 1, 1), candidates="all")
    seen = []
    got = s.map(grid=200, order=(0, 2), bbox=(0, 0, 1, 1), candidates="all",
                progress=lambda done, total: seen.append((done, total)))
    assert np.array_equal(got, plain)
    assert len(seen) >= 4 and seen[0] == (0, 40000) and seen[-1] == (40000, 40000)
    assert all(a[0] <= b[0] for a, b in zip(seen, seen[1:]))
    with pytest.raises(drt2d.Cancelled, match="cancelled"):
        s.map(grid=200, order=(0, 2), bbox=(0, 0, 1, 1), candidates="all",
              progress=lambda done, total: done > 0)
    # The context's callback is cleared: the next call reports nothing; the
    # visible candidates give the same bits.
    assert np.array_equal(s.map(grid=200, order=(0, 2), bbox=(0, 0, 1, 1)),
                          plain)
    points = np.array([[0.3, 0.7], [0.5, 0.5]])
    seen.clear()
    s.eval(points, order=(0, 2), progress=lambda d, t: seen.append((d, t)))
    assert seen[0] == (0, 2) and seen[-1] == (2, 2)


def test_radio_model_matches_the_reference_evaluator():
    scene = drt2d.Scene.builtin("square-obstacle")
    points = np.array([[0.3, 0.7], [0.8, 0.2], [0.55, 0.9]])
    on_ref = scene.eval(points, model="radio", order=(0, 2), device="ref",
                        grad=True)
    on_device = scene.eval(points, model="radio", order=(0, 2),
                           precision="double", grad=True)
    np.testing.assert_allclose(on_device, on_ref, rtol=1e-9, atol=0)
    # Watts at 20 dBm and 3.5 GHz: below the free-space power at 1 cm.
    assert (on_ref[:, 0] > 0).all() and (on_ref[:, 0] < 0.1).all()
    # Scene gradients: the same power and endpoint gradient, then every
    # wall's and the transmitter's coordinates and its azimuth.
    full = scene.eval(points, model="radio", order=(0, 2), precision="double",
                      wrt="scene")
    names = scene.param_names(model="radio")
    assert full.shape == (3, 3 + len(names)) and names[-1] == "d_tx0_azimuth"
    np.testing.assert_allclose(full[:, :3], on_device, rtol=1e-9, atol=0)


def test_paths_add_up_to_eval():
    # Walls in metres: a long floor, a facade and a slanted panel.
    scene = drt2d.Scene(walls=[[-50, 0, 50, 0], [-50, 14, 50, 13],
                               [10, 8, 13, 11]], transmitters=[[-20, 5]])
    rx = (25.0, 4.0)
    for model in ("paper", "radio"):
        paths = scene.paths(rx, order=(0, 2), model=model, precision="double")
        want = scene.eval([rx], order=(0, 2), model=model, precision="double")
        field = sum(p["validity"] * p["amplitude"] for p in paths)
        powers = sum(p["validity"] * abs(p["amplitude"]) ** 2 for p in paths)
        got = abs(field) ** 2 if model == "radio" else powers
        np.testing.assert_allclose(got, want[0], rtol=1e-9)
        direct = [p for p in paths if p["order"] == 0]
        assert len(direct) == 1 and len(paths) > 3
        np.testing.assert_allclose(direct[0]["points"], [[-20, 5], rx])
        np.testing.assert_allclose(direct[0]["length"], np.hypot(45, 1))
        for p in paths:
            assert p["points"].shape == (p["order"] + 2, 2)
            assert len(p["objects"]) == p["order"] and 0 < p["validity"] <= 1
    with pytest.raises(drt2d.Unsupported, match="ref"):
        scene.paths(rx, device="ref")


def test_radio_optimize_reports_milliwatts():
    scene = drt2d.Scene(walls=[[0, 0, 100, 0], [0, 16, 100, 16]],
                        transmitters=[[10, 8]],
                        receivers=[[40, 4], [70, 12]])
    run = drt2d.optimize(scene, steps=5, lr=1.0, model="radio",
                         precision="double")
    start = np.array(run["start"])
    powers = [scene.copy(receivers=[r]).eval([start], model="radio",
                                             vary="tx", precision="double")[0]
              for r in scene.receivers]
    np.testing.assert_allclose(run["f_start"], min(powers) / 1e-3, rtol=1e-9)


def test_network_metrics_from_each_transmitter():
    """Each transmitter apart adds up to eval; server, SINR and delay
    spread against numpy and the paths (docs/method.md 15)."""
    scene = drt2d.Scene(walls=[[-50, 0, 50, 0], [-50, 14, 50, 13],
                               [10, 8, 13, 11]],
                        transmitters=[[-20, 5], [30, 9], [0, 2]])
    rng = np.random.default_rng(7)
    points = np.column_stack([rng.uniform(-45, 45, 12), rng.uniform(1, 12, 12)])
    options = dict(order=(0, 2), model="radio", precision="double")
    per_tx = scene.eval_per_tx(points, **options)
    assert per_tx.shape == (12, 3)
    np.testing.assert_allclose(per_tx.sum(axis=1), scene.eval(points, **options),
                               rtol=1e-12)
    server, sinr = drt2d.network_metrics(per_tx)
    noise = 1.380649e-23 * 290 * 20e6 * 10 ** 0.7
    assert np.isclose(drt2d.noise_power(), noise, rtol=1e-15)
    best = per_tx.argmax(axis=1)
    np.testing.assert_array_equal(server, best)
    others = per_tx.sum(axis=1) - per_tx.max(axis=1)
    np.testing.assert_allclose(sinr, per_tx.max(axis=1) / (others + noise),
                               rtol=1e-9)
    moments = scene.eval_per_tx(points, delays=True, **options)
    spread = drt2d.delay_spread(moments[np.arange(12), server])
    for i in (0, 5):
        paths = [p for p in scene.paths(points[i], **options)
                 if p["transmitter"] == server[i]]
        w = np.array([p["power"] for p in paths])
        d = np.array([p["delay"] for p in paths])
        mean = (w * d).sum() / w.sum()
        plain = np.sqrt((w * (d - mean) ** 2).sum() / w.sum())
        assert abs(spread[i] - plain) <= 1e-6 * plain + 3e-8 * mean
    with pytest.raises(drt2d.InvalidArgument, match="bandwidth"):
        drt2d.network_metrics(per_tx, bandwidth=0)
