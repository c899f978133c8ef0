"""drt2d.plot.map with matplotlib's Agg backend."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import drt2d  # noqa: E402
import drt2d.plot  # noqa: E402


def test_map_figure(tmp_path):
    scene = drt2d.Scene.builtin("square-obstacle")
    values = scene.map(grid=(40, 30))
    fig, ax = plt.subplots()
    image = drt2d.plot.map(ax, values, scene=scene, title="square-obstacle")
    # cells centred on the grid points, north up
    np.testing.assert_allclose(image.get_extent(),
                               (-0.5 / 39, 1 + 0.5 / 39, -0.5 / 29, 1 + 0.5 / 29))
    shown = image.get_array()
    with np.errstate(divide="ignore"):  # no power behind the obstacle
        db = 10 * np.log10(np.asarray(values) / 100.0)
    np.testing.assert_allclose(shown, np.maximum(db, -50.0))
    assert np.isinf(db).any()  # the shadow of the obstacle, drawn at -50
    # every wall drawn twice (dark edge, light core), the tx and rx markers
    assert len(ax.lines) == 2 * 8 + 2
    fig.savefig(tmp_path / "map.png")
    assert (tmp_path / "map.png").stat().st_size > 1000
    with pytest.raises(drt2d.InvalidArgument):
        drt2d.plot.map(ax, np.zeros((3, 3)))
