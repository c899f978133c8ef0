"""The package against the drt2d command line on the same settings: the
.npy maps, eval's CSV, optimize's and study's JSON."""

import io
import json

import numpy as np

import drt2d


def csv_rows(text):
    lines = text.strip().splitlines()
    return lines[0].split(","), np.loadtxt(io.StringIO("\n".join(lines[1:])),
                                           delimiter=",", ndmin=2)


def test_map_equals_cli_npy(cli, tmp_path):
    s = drt2d.Scene.builtin("square-obstacle")
    for grad in (False, True):
        npy = tmp_path / f"map{grad}.npy"
        cli("map", "--scene", "square-obstacle", "--grid", "31x23", "--order",
            "0:2", "--smoothing", "hard-sigmoid", "--alpha", "20",
            "--precision", "double", "--npy", npy, *(["--grad"] if grad else []))
        got = s.map(grid=(31, 23), order=(0, 2), smoothing="hard-sigmoid",
                    alpha=20.0, precision="double", grad=grad)
        want = np.load(npy)
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-300)


def test_float_map_equals_cli_npy(cli, tmp_path):
    s = drt2d.Scene.builtin("basic")
    npy = tmp_path / "map.npy"
    cli("map", "--scene", "basic", "--grid", "40", "--vary", "tx", "--npy", npy)
    want = np.load(npy)
    assert want.dtype == np.float32
    np.testing.assert_allclose(s.map(grid=40, vary="tx"), want, rtol=2e-6)


def test_eval_equals_cli_csv(cli):
    s = drt2d.Scene.builtin("square-wall")
    pts = np.random.default_rng(5).uniform(0, 1, size=(50, 2))
    text = "".join(f"{float(x)!r} {float(y)!r}\n" for x, y in pts)
    for extra, kwargs in ((["--method", "fpt"], dict(method="fpt")),
                          (["--wrt", "scene"], dict(wrt="scene"))):
        header, want = csv_rows(cli("eval", "--scene", "square-wall",
                                    "--points", "-", "--order", "0:2",
                                    "--smoothing", "sigmoid", "--alpha", "30",
                                    "--precision", "double", *extra,
                                    stdin=text))
        got = s.eval(pts, order=(0, 2), smoothing="sigmoid", alpha=30.0,
                     precision="double", grad=True, **kwargs)
        np.testing.assert_allclose(want[:, :2], pts, rtol=1e-15)
        np.testing.assert_allclose(got, want[:, 2:], rtol=1e-9, atol=1e-12)
        if kwargs.get("wrt") == "scene":
            assert header[5:] == s.param_names()


def test_optimize_equals_cli_json(cli, tmp_path):
    out = tmp_path / "run.json"
    cli("optimize", "--scene", "square-obstacle", "--rx", "0.3,0.1", "--rx",
        "0.5,0.1", "--tx", "0.5,0.7", "--order", "0", "--precision", "double",
        "--steps", "40", "--json", out, "--quiet")
    want = json.loads(out.read_text())
    run = drt2d.optimize(drt2d.Scene.builtin("square-obstacle"),
                         rx=[[0.3, 0.1], [0.5, 0.1]], tx=(0.5, 0.7), order=0,
                         steps=40, precision="double")
    np.testing.assert_allclose(run["tx"], want["result"]["tx"], rtol=1e-12)
    np.testing.assert_allclose(run["steps"]["f_smoothed"],
                               [r["f_smoothed"] for r in want["trajectory"]],
                               rtol=1e-12)


def test_study_equals_cli_json(cli, tmp_path):
    out = tmp_path / "study.json"
    cli("study", "--trials", "6", "--receivers", "2,3", "--steps", "20",
        "--grid", "21", "--seed", "3", "--json", out, "--quiet")
    want = json.loads(out.read_text())
    got = drt2d.study(trials=6, receivers=(2, 3), steps=20, grid=21, seed=3)
    trials = want["trials"]
    np.testing.assert_allclose(got["trials"]["end_smoothed"],
                               [t["end_smoothed"] for t in trials], rtol=1e-12)
    assert list(got["trials"]["success_exact"]) == \
        [t["success_exact"] for t in trials]
    for got_row, want_row in zip(got["summary"], want["summary"]):
        for key in ("receivers", "trials", "solvable", "successes_exact",
                    "successes_smoothed", "successes_both"):
            assert got_row[key] == want_row[key], key
        for key in ("rate_exact", "rate_smoothed", "ratio", "kept"):
            np.testing.assert_allclose(
                [got_row[key][k] for k in ("value", "lo", "hi")],
                [want_row[key][k] if want_row[key][k] is not None else np.nan
                 for k in ("value", "lo", "hi")], rtol=1e-12)
